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
}

export type GomEventBus = EventBus<GomEvents>
