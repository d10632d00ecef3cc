import { and, eq, inArray, sql, type Db } from '@hearth/kernel'
import { alias } from 'drizzle-orm/pg-core'
import { notifications, subscriptions, users } from '../../db/schema.ts'
import type { NotificationRow } from '../../mappers.ts'

const actor = alias(users, 'actor')
const recipient = alias(users, 'recipient')

export interface NewNotification {
  forId: number
  fromId: number
  type: 'hug' | 'message'
  text: string
  date: Date
}

/** In-app notifications: SQL only. */
export class NotificationsRepository {
  async create(db: Db, values: NewNotification): Promise<void> {
    await db.insert(notifications).values(values)
  }

  async page(db: Db, forId: number, read: boolean | undefined, limit: number, offset: number): Promise<{ rows: NotificationRow[]; total: number; unread: number }> {
    const where = and(eq(notifications.forId, forId), read === undefined ? undefined : eq(notifications.read, read))
    const [rows, [counted], [unread]] = await Promise.all([
      db
        .select({
          id: notifications.id,
          fromId: notifications.fromId,
          from: actor.displayName,
          forId: notifications.forId,
          for: recipient.displayName,
          type: notifications.type,
          text: notifications.text,
          date: notifications.date,
          read: notifications.read,
        })
        .from(notifications)
        .leftJoin(actor, eq(actor.id, notifications.fromId))
        .leftJoin(recipient, eq(recipient.id, notifications.forId))
        .where(where)
        .orderBy(sql`${notifications.date} desc`, sql`${notifications.id} desc`)
        .limit(limit)
        .offset(offset),
      db
        .select({ total: sql<number>`count(*)`.mapWith(Number) })
        .from(notifications)
        .where(where),
      db
        .select({ total: sql<number>`count(*)`.mapWith(Number) })
        .from(notifications)
        .where(and(eq(notifications.forId, forId), eq(notifications.read, false))),
    ])
    return { rows, total: counted?.total ?? 0, unread: unread?.total ?? 0 }
  }

  async markAll(db: Db, forId: number, read: boolean): Promise<void> {
    await db.update(notifications).set({ read }).where(eq(notifications.forId, forId))
  }

  /** How many of `ids` exist and belong to `forId`. */
  async countOwned(db: Db, forId: number, ids: number[]): Promise<number> {
    return (
      (
        await db
          .select({ total: sql<number>`count(*)`.mapWith(Number) })
          .from(notifications)
          .where(and(eq(notifications.forId, forId), inArray(notifications.id, ids)))
      )[0]?.total ?? 0
    )
  }

  async mark(db: Db, forId: number, ids: number[], read: boolean): Promise<void> {
    await db
      .update(notifications)
      .set({ read })
      .where(and(eq(notifications.forId, forId), inArray(notifications.id, ids)))
  }
}

export interface StoredSubscription {
  id: number
  user: number
  endpoint: string
  subscriptionData: string
}

/** Web Push subscriptions (the original's `subscriptions` table). */
export class SubscriptionsRepository {
  async create(db: Db, values: { user: number; endpoint: string; subscriptionData: string }): Promise<number> {
    return (await db.insert(subscriptions).values(values).returning({ id: subscriptions.id }))[0]!.id
  }

  async find(db: Db, id: number): Promise<StoredSubscription | undefined> {
    return (await db.select().from(subscriptions).where(eq(subscriptions.id, id)))[0]
  }

  async update(db: Db, id: number, values: { endpoint: string; subscriptionData: string }): Promise<void> {
    await db.update(subscriptions).set(values).where(eq(subscriptions.id, id))
  }

  async forUser(db: Db, userId: number): Promise<StoredSubscription[]> {
    return db.select().from(subscriptions).where(eq(subscriptions.user, userId)).orderBy(subscriptions.id)
  }

  async deleteIds(db: Db, ids: number[]): Promise<void> {
    if (ids.length > 0) await db.delete(subscriptions).where(inArray(subscriptions.id, ids))
  }
}
