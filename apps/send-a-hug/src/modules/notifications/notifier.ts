import type { Database, Db } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { PushSender, PushTarget } from '@hearth/kernel/push'
import type { SubscriptionsRepository } from './notifications.repository.ts'

export interface PushMessage {
  title: 'New hug' | 'New message'
  body: string
}

/** Send A Hug's background jobs, by name. */
export type SendAHugJobs = {
  /** Web Push to every subscription of one user. */
  'push.notify': { recipientId: number; message: PushMessage }
}

/**
 * Web Push for new notifications (spec §4.8). Services call `notify` inside the transaction that
 * writes the notification, so the push is an outbox job (kernel `jobs`) that exists only if the hug
 * or message committed and survives a restart; any process's job worker delivers it: it loads the
 * recipient's subscriptions, sends to all of them, and deletes those the push service says are gone
 * (404/410). Other failures are logged, not retried (a retry would push again to the devices that
 * did receive it). Sent regardless of the user's `pushEnabled` flag, as in the original.
 */
export class Notifier {
  constructor(
    private readonly database: Database,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly sender: PushSender,
    private readonly jobs: JobRunner<SendAHugJobs>,
    private readonly log: { warn(object: unknown, message?: string): void },
  ) {}

  /** Enqueues the push in the caller's transaction. */
  async notify(tx: Db, recipientId: number, message: PushMessage): Promise<void> {
    await this.jobs.enqueue(tx, 'push.notify', { recipientId, message })
  }

  /** The `push.notify` job. */
  async deliver({ recipientId, message }: SendAHugJobs['push.notify']): Promise<void> {
    const stored = await this.subscriptions.forUser(this.database.db, recipientId)
    const targets = stored.flatMap((subscription) => {
      const parsed = parseSubscription(subscription.subscriptionData)
      return parsed ? [{ ...parsed, id: subscription.id }] : []
    })
    if (targets.length === 0) return
    // The payload as the original wrote it, `title` first (the job's stored copy is jsonb, whose key order is its own).
    const outcome = await this.sender.send(targets, { title: message.title, body: message.body })
    if (outcome.dead.length > 0)
      await this.subscriptions.deleteIds(
        this.database.db,
        outcome.dead.map((target) => target.id),
      )
    for (const failure of outcome.failed) this.log.warn({ subscription: failure.target.id, error: failure.error }, 'push delivery failed')
  }
}

export function parseSubscription(data: string): PushTarget | undefined {
  try {
    const value = JSON.parse(data) as Partial<PushTarget>
    if (typeof value.endpoint !== 'string' || typeof value.keys?.p256dh !== 'string' || typeof value.keys?.auth !== 'string') return undefined
    return { endpoint: value.endpoint, keys: { p256dh: value.keys.p256dh, auth: value.keys.auth } }
  } catch {
    return undefined
  }
}
