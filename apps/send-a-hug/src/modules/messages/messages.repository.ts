import { and, eq, inArray, or, sql, type Db } from '@hearth/kernel'
import { alias } from 'drizzle-orm/pg-core'
import { messages, threads, users } from '../../db/schema.ts'
import type { MessageRow, ThreadRow } from '../../mappers.ts'

const sender = alias(users, 'sender')
const recipient = alias(users, 'recipient')
const firstUser = alias(users, 'first_user')
const secondUser = alias(users, 'second_user')

const messageColumns = {
  id: messages.id,
  fromId: messages.fromId,
  forId: messages.forId,
  text: messages.text,
  date: messages.date,
  thread: messages.thread,
  from: { displayName: sender.displayName, selectedCharacter: sender.selectedCharacter, iconColours: sender.iconColours },
  for: { displayName: recipient.displayName, selectedCharacter: recipient.selectedCharacter, iconColours: recipient.iconColours },
}

/** A message is visible to a user who received it and has not hidden it, or sent it and has not. */
const visibleTo = (userId: number) => or(and(eq(messages.forId, userId), eq(messages.forDeleted, false)), and(eq(messages.fromId, userId), eq(messages.fromDeleted, false)))!

export type Mailbox = 'inbox' | 'outbox'

export interface StoredMessage {
  id: number
  fromId: number
  forId: number
  thread: number
  fromDeleted: boolean
  forDeleted: boolean
}

/** Threads and messages: SQL only. Visibility is per side (spec §1.3, §4.5). */
export class MessagesRepository {
  private selectMessages(db: Db) {
    return db.select(messageColumns).from(messages).innerJoin(sender, eq(sender.id, messages.fromId)).innerJoin(recipient, eq(recipient.id, messages.forId))
  }

  /** The thread of an unordered pair, created (with user 1 = `from`) when there is none. */
  async findOrCreateThread(db: Db, from: number, to: number): Promise<number> {
    // Serialises two first messages between the same pair, so they cannot open two threads.
    await db.execute(sql`select pg_advisory_xact_lock(${Math.min(from, to)}::integer, ${Math.max(from, to)}::integer)`)
    const existing = await db
      .select({ id: threads.id })
      .from(threads)
      .where(or(and(eq(threads.user1Id, from), eq(threads.user2Id, to)), and(eq(threads.user1Id, to), eq(threads.user2Id, from))))
      .orderBy(threads.id)
      .limit(1)
    if (existing[0]) return existing[0].id
    return (await db.insert(threads).values({ user1Id: from, user2Id: to }).returning({ id: threads.id }))[0]!.id
  }

  async createMessage(db: Db, values: { fromId: number; forId: number; text: string; date: Date; thread: number }): Promise<number> {
    return (await db.insert(messages).values(values).returning({ id: messages.id }))[0]!.id
  }

  async messageView(db: Db, id: number): Promise<MessageRow | undefined> {
    return (await this.selectMessages(db).where(eq(messages.id, id)))[0]
  }

  async mailbox(db: Db, userId: number, box: Mailbox, limit: number, offset: number): Promise<{ rows: MessageRow[]; total: number }> {
    const where = box === 'inbox' ? and(eq(messages.forId, userId), eq(messages.forDeleted, false)) : and(eq(messages.fromId, userId), eq(messages.fromDeleted, false))
    return this.page(db, where!, limit, offset)
  }

  async threadMessages(db: Db, userId: number, threadId: number, limit: number, offset: number): Promise<{ rows: MessageRow[]; total: number }> {
    return this.page(db, and(eq(messages.thread, threadId), visibleTo(userId))!, limit, offset)
  }

  private async page(db: Db, where: ReturnType<typeof and>, limit: number, offset: number) {
    const [rows, [counted]] = await Promise.all([
      this.selectMessages(db)
        .where(where)
        .orderBy(sql`${messages.date} desc nulls last`, sql`${messages.id} desc`)
        .limit(limit)
        .offset(offset),
      db
        .select({ total: sql<number>`count(*)`.mapWith(Number) })
        .from(messages)
        .where(where),
    ])
    return { rows, total: counted?.total ?? 0 }
  }

  async findThread(db: Db, id: number): Promise<{ id: number; user1Id: number; user2Id: number } | undefined> {
    return (await db.select({ id: threads.id, user1Id: threads.user1Id, user2Id: threads.user2Id }).from(threads).where(eq(threads.id, id)))[0]
  }

  /** The caller's threads that still show a message on their side, by thread id. */
  async threadsOf(db: Db, userId: number, limit: number, offset: number): Promise<{ rows: ThreadRow[]; total: number }> {
    const mine = and(or(eq(threads.user1Id, userId), eq(threads.user2Id, userId)), sql`exists (select 1 from ${messages} where ${messages.thread} = ${threads.id} and ${visibleTo(userId)})`)
    const [rows, [counted]] = await Promise.all([
      db
        .select({
          id: threads.id,
          user1Id: threads.user1Id,
          user2Id: threads.user2Id,
          user1: { displayName: firstUser.displayName, selectedCharacter: firstUser.selectedCharacter, iconColours: firstUser.iconColours },
          user2: { displayName: secondUser.displayName, selectedCharacter: secondUser.selectedCharacter, iconColours: secondUser.iconColours },
          visibleToCaller: sql<number>`(select count(*) from ${messages} where ${messages.thread} = ${threads.id} and ${visibleTo(userId)})`.mapWith(Number),
          latestMessage: sql<Date | null>`(select max(${messages.date}) from ${messages} where ${messages.thread} = ${threads.id})`.mapWith(messages.date),
        })
        .from(threads)
        .innerJoin(firstUser, eq(firstUser.id, threads.user1Id))
        .innerJoin(secondUser, eq(secondUser.id, threads.user2Id))
        .where(mine)
        .orderBy(threads.id)
        .limit(limit)
        .offset(offset),
      db
        .select({ total: sql<number>`count(*)`.mapWith(Number) })
        .from(threads)
        .where(mine),
    ])
    return { rows, total: counted?.total ?? 0 }
  }

  async findMessage(db: Db, id: number): Promise<StoredMessage | undefined> {
    return (
      await db
        .select({ id: messages.id, fromId: messages.fromId, forId: messages.forId, thread: messages.thread, fromDeleted: messages.fromDeleted, forDeleted: messages.forDeleted })
        .from(messages)
        .where(eq(messages.id, id))
    )[0]
  }

  async setHidden(db: Db, id: number, flags: { fromDeleted: boolean; forDeleted: boolean }): Promise<void> {
    await db.update(messages).set(flags).where(eq(messages.id, id))
  }

  async deleteMessage(db: Db, id: number): Promise<void> {
    await db.delete(messages).where(eq(messages.id, id))
  }

  /** Hides, for `userId`, every message of the given threads (all of theirs when `threadIds` is undefined). */
  async hideFor(db: Db, userId: number, threadIds?: number[]): Promise<void> {
    const inThreads = threadIds ? inArray(messages.thread, threadIds) : undefined
    await db
      .update(messages)
      .set({ forDeleted: true })
      .where(and(eq(messages.forId, userId), eq(messages.forDeleted, false), inThreads))
    await db
      .update(messages)
      .set({ fromDeleted: true })
      .where(and(eq(messages.fromId, userId), eq(messages.fromDeleted, false), inThreads))
  }

  /** Physically removes messages both sides have hidden (in the given threads, or all of `userId`'s). */
  async purgeHiddenBySides(db: Db, scope: { threadIds: number[] } | { userId: number }): Promise<void> {
    const where = 'threadIds' in scope ? inArray(messages.thread, scope.threadIds) : or(eq(messages.forId, scope.userId), eq(messages.fromId, scope.userId))
    await db.delete(messages).where(and(where, eq(messages.fromDeleted, true), eq(messages.forDeleted, true)))
  }

  /** Messages of the thread that at least one side still sees. */
  async countVisibleInThread(db: Db, threadId: number): Promise<number> {
    const seen = sql`not (${messages.fromDeleted} and ${messages.forDeleted})`
    return (
      (
        await db
          .select({ total: sql<number>`count(*)`.mapWith(Number) })
          .from(messages)
          .where(and(eq(messages.thread, threadId), seen))
      )[0]?.total ?? 0
    )
  }

  async deleteThread(db: Db, id: number): Promise<void> {
    await db.delete(threads).where(eq(threads.id, id))
  }

  /** Removes the user's threads that have no message left. */
  async deleteEmptyThreadsOf(db: Db, userId: number): Promise<void> {
    await db.delete(threads).where(and(or(eq(threads.user1Id, userId), eq(threads.user2Id, userId)), sql`not exists (select 1 from ${messages} where ${messages.thread} = ${threads.id})`))
  }

  async countAll(db: Db, userId: number, box: Mailbox): Promise<number> {
    const where = box === 'inbox' ? eq(messages.forId, userId) : eq(messages.fromId, userId)
    return (
      (
        await db
          .select({ total: sql<number>`count(*)`.mapWith(Number) })
          .from(messages)
          .where(where)
      )[0]?.total ?? 0
    )
  }

  /** Clears a mailbox: messages the other side already hid are removed, the rest hidden for `userId`. */
  async clearMailbox(db: Db, userId: number, box: Mailbox): Promise<void> {
    if (box === 'inbox') {
      await db.delete(messages).where(and(eq(messages.forId, userId), eq(messages.fromDeleted, true)))
      await db.update(messages).set({ forDeleted: true }).where(eq(messages.forId, userId))
    } else {
      await db.delete(messages).where(and(eq(messages.fromId, userId), eq(messages.forDeleted, true)))
      await db.update(messages).set({ fromDeleted: true }).where(eq(messages.fromId, userId))
    }
  }
}
