import type { EventBus } from '@hearth/kernel'

/** Gom's events (published after the transaction that caused them has committed). */
export interface GomEvents extends Record<string, unknown> {
  /** An order was created, updated or deleted (Prisma 1 subscription payload data, spec §1.8). */
  orderChanged: {
    mutation: 'CREATED' | 'UPDATED' | 'DELETED'
    orderUid: string
    /** Scalar fields the update wrote (UPDATED only). */
    updatedFields: string[] | null
    /** The order's scalar values before the update or deletion (UPDATED, DELETED); DateTimes as ISO strings. */
    previousValues: Record<string, unknown> | null
    /** DELETED only: the deleted row's foreign keys, so subscribers can tell whose order it was. */
    deletedKeys?: { issuedToUid: string; assignedToUid: string } | null
  }
  // ─── Cache invalidation (gom-perf): see README "Caches". ───
  /** A server session was written or destroyed (login, refresh, logout): every process drops its cached copy. */
  sessionChanged: { sessionId: string }
  /** Every session was removed (QA seed): every process empties its session cache. */
  sessionsCleared: Record<string, never>
  /** Data readable through GraphQL changed (a mutation ran, the QA seed reloaded): every process empties its read cache. */
  readsChanged: Record<string, never>
}

export type GomEventBus = EventBus<GomEvents>
