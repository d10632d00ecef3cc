import type { EventBus } from '@hearth/kernel'

/** Gom's events (published after the transaction that caused them has committed). */
export interface GomEvents extends Record<string, unknown> {
  /** An order was created or updated (Prisma 1 subscription payload data, spec §1.8). */
  orderChanged: {
    mutation: 'CREATED' | 'UPDATED' | 'DELETED'
    orderUid: string
    /** Scalar fields the update wrote (UPDATED only). */
    updatedFields: string[] | null
    /** The order's scalar values before the update (UPDATED only); DateTimes as ISO strings. */
    previousValues: Record<string, unknown> | null
  }
}

export type GomEventBus = EventBus<GomEvents>
