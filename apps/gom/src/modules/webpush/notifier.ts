import type { Database, Db } from '@hearth/kernel'
import type { JobInfo, JobRunner } from '@hearth/kernel/jobs'
import type { PushSender } from '@hearth/kernel/push'
import type { GomNotifier, OrderNotification, PublicationBroadcast } from '../../notifications.ts'
import type { BroadcastRepository } from './broadcast.repository.ts'
import type { StoredSubscription, SubscriptionStore } from './subscriptions.store.ts'

/** Gom's push jobs (kernel outbox jobs: enqueued in the mutation's transaction, run once across processes). */
export type WebPushJobs = {
  /** One order notification for one receiver (spec §5.3). */
  'webpush.order': { receiver: string; payload: OrderPushPayload }
  /** A promotion broadcast, delayed by the publication's `delay` (spec §5.4). */
  'webpush.publication': { publicationUid: string; promotionUid: string }
}

export interface OrderPushPayload {
  title: 'Pedido nuevo' | 'Pedido actualizado'
  body: string
  data: { type: 'order'; uid: string; operation: 'create' | 'update' }
}

export interface PromotionPushPayload {
  title: string
  body: string
  data: { type: 'promotion'; uid: string }
}

type Logger = { warn(object: unknown, message?: string): void; info?(object: unknown, message?: string): void }

/** Who an order change is for: the other party of the order (spec §5.3). */
export function orderReceiver(notification: OrderNotification): string | undefined {
  const { emitter, order } = notification
  if (emitter === order.issuedTo.uid) return order.assignedTo.extUid ?? undefined
  if (emitter === order.assignedTo.extUid) return order.issuedTo.uid
  return undefined
}

export function orderPayload(notification: OrderNotification): OrderPushPayload {
  const { order, operation } = notification
  return operation === 'create'
    ? { title: 'Pedido nuevo', body: `Tienes un nuevo pedido: ${order.name}`, data: { type: 'order', uid: order.uid, operation } }
    : { title: 'Pedido actualizado', body: `${order.name} ha sido actualizado`, data: { type: 'order', uid: order.uid, operation } }
}

/** A promotion's HTML `content` as push text: block ends become line breaks, tags go, entities are decoded. */
export function htmlToText(html: string | null): string {
  if (!html) return ''
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|tr)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (match, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16))
      if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10))
      return entities[name.toLowerCase()] ?? match
    })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n')
}

/**
 * Web Push for Gom (spec §5.3–5.4), as the GraphQL services call it: both calls only enqueue a
 * kernel job in the caller's transaction, so a push exists exactly when the change committed, and
 * the delivery (encryption, the push service's answer, pruning of 404/410 subscriptions) happens in
 * the job, in whichever process claims it. The receiver comes from the stored order the service
 * passes, never from the client's selection set (spec §10.11).
 */
export class Notifier implements GomNotifier {
  private jobs: JobRunner<WebPushJobs> | undefined

  constructor(
    private readonly database: Database,
    private readonly subscriptions: SubscriptionStore,
    private readonly sender: PushSender,
    private readonly broadcasts: BroadcastRepository,
    private readonly log: Logger,
  ) {}

  /** The job runner is built with this notifier's handlers, then handed back here. */
  attach(jobs: JobRunner<WebPushJobs>): void {
    this.jobs = jobs
  }

  async orderChanged(tx: Db, notification: OrderNotification): Promise<void> {
    const receiver = orderReceiver(notification)
    if (!receiver) return // the original enqueued a job that did nothing
    await this.runner().enqueue(tx, 'webpush.order', { receiver, payload: orderPayload(notification) }, { maxAttempts: 3 })
  }

  async publicationCreated(tx: Db, broadcast: PublicationBroadcast): Promise<void> {
    await this.runner().enqueue(
      tx,
      'webpush.publication',
      { publicationUid: broadcast.publicationUid, promotionUid: broadcast.promotionUid },
      { runAt: new Date(Date.now() + Math.max(0, broadcast.delay)), idempotencyKey: `publication:${broadcast.publicationUid}`, maxAttempts: 3 },
    )
  }

  /** Job handlers, by name (registered once in `buildWebPush`). */
  readonly handlers = {
    'webpush.order': async ({ receiver, payload }: WebPushJobs['webpush.order']) => {
      const outcome = await this.deliver([receiver], payload)
      // Every send failed: let the kernel retry (nothing was delivered, so nothing is sent twice).
      if (outcome.attempted > 0 && outcome.delivered === 0 && outcome.failed > 0) throw new Error(`push to ${receiver}: every delivery failed`)
    },
    'webpush.publication': async ({ publicationUid, promotionUid }: WebPushJobs['webpush.publication'], job: JobInfo) => {
      const db = this.database.db
      const promotion = await this.broadcasts.promotion(db, promotionUid)
      if (!promotion) return // deleted meanwhile (its publications went with it)
      const recipients = await this.broadcasts.recipients(db, promotion.ownerUid)
      const payload: PromotionPushPayload = { title: promotion.name, body: htmlToText(promotion.content), data: { type: 'promotion', uid: promotionUid } }
      const outcome = await this.deliver(recipients, payload)
      const failed = outcome.attempted > 0 && outcome.delivered === 0 && outcome.failed > 0
      await this.broadcasts.markPublication(db, publicationUid, failed ? 'FAILED' : 'DELIVERED', `system_job:${job.id}`)
    },
  }

  /** Sends `payload` to every subscription of `userIds`; removes those the push service says are gone. */
  private async deliver(userIds: readonly string[], payload: unknown): Promise<{ attempted: number; delivered: number; failed: number }> {
    const targets: (StoredSubscription & { userId: string })[] = []
    for (const userId of userIds) for (const subscription of await this.subscriptions.forUser(userId)) targets.push({ ...subscription, userId })
    if (targets.length === 0) return { attempted: 0, delivered: 0, failed: 0 }
    const outcome = await this.sender.send(targets, payload)
    for (const dead of outcome.dead) await this.subscriptions.remove(dead.userId, dead.endpoint)
    for (const failure of outcome.failed) this.log.warn({ user: failure.target.userId, error: failure.error }, 'push delivery failed')
    return { attempted: targets.length, delivered: outcome.delivered.length, failed: outcome.failed.length + outcome.dead.length }
  }

  private runner(): JobRunner<WebPushJobs> {
    if (!this.jobs) throw new Error('Notifier: job runner not attached')
    return this.jobs
  }
}
