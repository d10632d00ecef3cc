import type { Db } from '@hearth/kernel'

/**
 * What the GraphQL side asks of push delivery (implemented by `modules/webpush/notifier.ts`).
 * Both calls run inside the mutation's transaction and only enqueue jobs (kernel jobs, the outbox),
 * so a notification exists exactly when the change committed. The order notification is built
 * from the stored order, never from the client's selection set (spec §10.11).
 */
export interface OrderNotification {
  operation: 'create' | 'update'
  /** The mutating caller's `sub`. */
  emitter: string
  order: { uid: string; name: string; issuedTo: { uid: string }; assignedTo: { extUid: string | null } }
}

export interface PublicationBroadcast {
  publicationUid: string
  promotionUid: string
  /** Milliseconds until delivery (the publication's `delay`). */
  delay: number
}

export interface GomNotifier {
  orderChanged(tx: Db, notification: OrderNotification): Promise<void>
  publicationCreated(tx: Db, broadcast: PublicationBroadcast): Promise<void>
}

/** Records what would be sent; used until the push module is wired, and by tests. */
export class RecordingNotifier implements GomNotifier {
  readonly orders: OrderNotification[] = []
  readonly publications: PublicationBroadcast[] = []

  async orderChanged(_tx: Db, notification: OrderNotification): Promise<void> {
    this.orders.push(notification)
  }

  async publicationCreated(_tx: Db, broadcast: PublicationBroadcast): Promise<void> {
    this.publications.push(broadcast)
  }
}
