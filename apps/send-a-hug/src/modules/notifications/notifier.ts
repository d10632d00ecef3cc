import type { Database } from '@hearth/kernel'
import type { PushDispatcher, PushSender, PushTarget } from '@hearth/kernel/push'
import type { SubscriptionsRepository } from './notifications.repository.ts'

export interface PushMessage {
  title: 'New hug' | 'New message'
  body: string
}

/**
 * Web Push for new notifications (spec §4.8). Services call `push` after their transaction has
 * committed; the delivery runs in the background (kernel dispatcher): it loads the recipient's
 * subscriptions, sends to all of them, and deletes those the push service says are gone (404/410).
 * Sent regardless of the user's `pushEnabled` flag, as in the original.
 */
export class Notifier {
  constructor(
    private readonly database: Database,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly sender: PushSender,
    private readonly dispatcher: PushDispatcher,
    private readonly log: { warn(object: unknown, message?: string): void },
  ) {}

  push(recipientId: number, message: PushMessage): void {
    this.dispatcher.dispatch(`notify user ${recipientId}`, async () => {
      const stored = await this.subscriptions.forUser(this.database.db, recipientId)
      const targets = stored.flatMap((subscription) => {
        const parsed = parseSubscription(subscription.subscriptionData)
        return parsed ? [{ ...parsed, id: subscription.id }] : []
      })
      if (targets.length === 0) return
      const outcome = await this.sender.send(targets, message)
      if (outcome.dead.length > 0)
        await this.subscriptions.deleteIds(
          this.database.db,
          outcome.dead.map((target) => target.id),
        )
      for (const failure of outcome.failed) this.log.warn({ subscription: failure.target.id, error: failure.error }, 'push delivery failed')
    })
  }

  /** Waits for pushes in flight (tests, shutdown). */
  drain(): Promise<void> {
    return this.dispatcher.drain()
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
