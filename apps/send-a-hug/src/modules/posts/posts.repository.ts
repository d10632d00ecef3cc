import { and, asc, eq, sql, type Db } from '@hearth/kernel'
import { postTotals, posts, users } from '../../db/schema.ts'
import type { PostRow } from '../../mappers.ts'
import { escapeLike } from '../users/users.repository.ts'

const postColumns = {
  id: posts.id,
  userId: posts.userId,
  user: users.displayName,
  text: posts.text,
  date: posts.date,
  givenHugs: posts.givenHugs,
  sentHugs: posts.sentHugs,
}

/** Newest first; `nulls last` matches the partial index `posts_visible_new_idx`. */
const newestFirst = [sql`${posts.date} desc nulls last`, sql`${posts.id} desc`]
/** Fewest hugs first, then oldest (matches `posts_visible_suggested_idx`). */
const suggestedFirst = [asc(posts.givenHugs), asc(posts.date), asc(posts.id)]

export type PublicOrder = 'new' | 'suggested'

/**
 * Posts: SQL only. "Visible" posts are those without an open report (`open_reports = 0`, kept by a
 * trigger); the public lists read them through partial indexes and take their total from the
 * trigger-maintained `post_totals` row, so neither list scans the table.
 */
export class PostsRepository {
  private select(db: Db) {
    return db.select(postColumns).from(posts).innerJoin(users, eq(users.id, posts.userId))
  }

  async visible(db: Db, order: PublicOrder, limit: number, offset: number): Promise<PostRow[]> {
    return this.select(db)
      .where(eq(posts.openReports, 0))
      .orderBy(...(order === 'new' ? newestFirst : suggestedFirst))
      .limit(limit)
      .offset(offset)
  }

  async visibleCount(db: Db): Promise<number> {
    return (await db.select({ visible: postTotals.visible }).from(postTotals).where(eq(postTotals.id, 1)))[0]?.visible ?? 0
  }

  async search(db: Db, query: string, limit: number, offset: number): Promise<{ rows: PostRow[]; total: number }> {
    const where = and(eq(posts.openReports, 0), sql`${posts.text} ilike ${`%${escapeLike(query)}%`}`)
    const [rows, [counted]] = await Promise.all([
      this.select(db).where(where).orderBy(...newestFirst).limit(limit).offset(offset),
      db.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(posts).where(where),
    ])
    return { rows, total: counted?.total ?? 0 }
  }

  async byUser(db: Db, userId: number, limit: number, offset: number): Promise<{ rows: PostRow[]; total: number }> {
    const [rows, [counted]] = await Promise.all([
      this.select(db).where(eq(posts.userId, userId)).orderBy(sql`${posts.date} asc nulls last`, asc(posts.id)).limit(limit).offset(offset),
      db.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(posts).where(eq(posts.userId, userId)),
    ])
    return { rows, total: counted?.total ?? 0 }
  }

  async find(db: Db, id: number): Promise<PostRow | undefined> {
    return (await this.select(db).where(eq(posts.id, id)))[0]
  }

  async authorOf(db: Db, id: number): Promise<number | undefined> {
    return (await db.select({ userId: posts.userId }).from(posts).where(eq(posts.id, id)))[0]?.userId
  }

  async create(db: Db, values: { userId: number; text: string; date: Date }): Promise<number> {
    return (await db.insert(posts).values({ ...values, givenHugs: 0, sentHugs: [] }).returning({ id: posts.id }))[0]!.id
  }

  async updateText(db: Db, id: number, text: string): Promise<void> {
    await db.update(posts).set({ text }).where(eq(posts.id, id))
  }

  /**
   * Records a hug from `userId` unless they already hugged this post (one statement, so two
   * concurrent hugs from the same person cannot both count). Returns the author, or undefined when
   * the post is missing or already hugged by them.
   */
  async addHug(db: Db, id: number, userId: number): Promise<number | undefined> {
    const rows = await db
      .update(posts)
      .set({ givenHugs: sql`${posts.givenHugs} + 1`, sentHugs: sql`array_append(coalesce(${posts.sentHugs}, '{}'::integer[]), ${userId}::integer)` })
      .where(and(eq(posts.id, id), sql`not (${userId}::integer = any(coalesce(${posts.sentHugs}, '{}'::integer[])))`))
      .returning({ userId: posts.userId })
    return rows[0]?.userId
  }

  async delete(db: Db, id: number): Promise<void> {
    await db.delete(posts).where(eq(posts.id, id))
  }

  async deleteByUser(db: Db, userId: number): Promise<number> {
    return (await db.delete(posts).where(eq(posts.userId, userId)).returning({ id: posts.id })).length
  }
}
