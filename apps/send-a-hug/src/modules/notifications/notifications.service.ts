import type { Database } from '@hearth/kernel'
import type { Caller } from '../../auth.ts'
import { forbidden, notFound, validationError } from '../../errors.ts'
import { toNotificationView } from '../../mappers.ts'
import { policies } from '../../policies.ts'
import { offsetOf, PAGE_SIZE, totalPages } from '../../rules/pagination.ts'
import type { UsersRepository } from '../users/users.repository.ts'
import type { NotificationsRepository, SubscriptionsRepository } from './notifications.repository.ts'
import { parseSubscription } from './notifier.ts'

/** In-app notifications and Web Push subscriptions (E25–E28). */
export class NotificationsService {
  constructor(
    private readonly database: Database,
    private readonly notifications: NotificationsRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly users: UsersRepository,
  ) {}

  async list(caller: Caller, page: number, readStatus: string | undefined) {
    const read = readStatus === 'true' ? true : readStatus === 'false' ? false : undefined
    const size = PAGE_SIZE.notifications
    const { rows, total, unread } = await this.notifications.page(this.database.db, caller.id, read, size, offsetOf(page, size))
    return { notifications: rows.map(toNotificationView), newCount: unread, current_page: page, total_pages: totalPages(total, size), totalItems: total }
  }

  async mark(caller: Caller, ids: number[] | 'all', read: boolean) {
    await this.database.transaction(async (tx) => {
      if (ids === 'all') return this.notifications.markAll(tx, caller.id, read)
      if (ids.length === 0) throw validationError('Notification IDs are required.')
      // Every listed id must exist and be the caller's (so duplicates and foreign ids refuse the lot).
      if ((await this.notifications.countOwned(tx, caller.id, ids)) !== ids.length) {
        throw forbidden("Forbidden. You do not have permission to change another user's notifications.")
      }
      await this.notifications.mark(tx, caller.id, ids, read)
    })
  }

  /** The body as the frontend sends it: the subscription object, or its JSON as a string. */
  private subscriptionFrom(body: unknown): { endpoint: string; data: string } {
    const value = typeof body === 'string' ? body : JSON.stringify(body)
    const parsed = parseSubscription(value)
    if (!parsed) throw validationError('A push subscription needs an endpoint and keys (p256dh, auth).')
    return { endpoint: parsed.endpoint, data: typeof body === 'string' ? JSON.stringify(JSON.parse(body)) : value }
  }

  async subscribe(caller: Caller, body: unknown) {
    const { endpoint, data } = this.subscriptionFrom(body)
    const subId = await this.subscriptions.create(this.database.db, { user: caller.id, endpoint, subscriptionData: data })
    return { subscribed: caller.displayName, subId }
  }

  async resubscribe(caller: Caller, subId: number, body: unknown) {
    const { endpoint, data } = this.subscriptionFrom(body)
    await this.database.transaction(async (tx) => {
      const existing = await this.subscriptions.find(tx, subId)
      // Someone else's subscription looks exactly like a missing one.
      if (!existing || !policies.ownsSubscription(caller, existing)) throw notFound()
      await this.subscriptions.update(tx, subId, { endpoint, subscriptionData: data })
    })
    return { subscribed: (await this.users.displayNameOf(this.database.db, caller.id)) ?? caller.displayName, subId }
  }
}
