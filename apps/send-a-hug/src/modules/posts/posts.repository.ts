import { and, asc, defineStatement, eq, runStatement, sql, type Db } from '@hearth/kernel'
import { posts, users } from '../../db/schema.ts'
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

/** Newest first (search results). */
const newestFirst = [sql`${posts.date} desc nulls last`, sql`${posts.id} desc`]

export type PublicOrder = 'new' | 'suggested'

// The two hot public reads are named plain statements (prepared once per server connection): each is
// one statement, read through the partial indexes `posts_visible_new_idx` /
// `posts_visible_suggested_idx` (their ORDER BY must match them).
// `date` is a `timestamp` (UTC wall-clock time): read as text, so no driver applies a time zone.
const publicColumns = 'p.id, p.user_id, u.display_name, p.text, p.date::text as date, p.given_hugs, p.sent_hugs'
const visibleFrom = 'from posts p join users u on u.id = p.user_id where p.open_reports = 0'
const publicOrder: Record<PublicOrder, string> = {
  new: 'p.date desc nulls last, p.id desc',
  suggested: 'p.given_hugs asc, p.date asc, p.id asc',
}

const statements = {
  /** `GET /`: both top-ten lists in one round trip; $1 = list length. */
  home: defineStatement(
    'send_a_hug_posts_home',
    `(select 'recent' as list, row_number() over (order by ${publicOrder.new}) as position, ${publicColumns} ${visibleFrom} order by ${publicOrder.new} limit $1)
     union all
     (select 'suggested' as list, row_number() over (order by ${publicOrder.suggested}) as position, ${publicColumns} ${visibleFrom} order by ${publicOrder.suggested} limit $1)`,
  ),
  /** `GET /posts/<type>`: one page and the total (from `post_totals`); $1 = limit, $2 = offset. */
  visiblePage: {
    new: defineStatement('send_a_hug_posts_page_new', pageText(publicOrder.new)),
    suggested: defineStatement('send_a_hug_posts_page_suggested', pageText(publicOrder.suggested)),
  },
}

function pageText(order: string) {
  return `select totals.visible as total, page.* from post_totals totals
          left join lateral (select ${publicColumns} ${visibleFrom} order by ${order} limit $1 offset $2) page on true
          where totals.id = 1`
}

type RawRow = Record<string, unknown>

/** `timestamp` text (UTC wall-clock time) → the instant. */
const fromTimestamp = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(`${String(value).replace(' ', 'T')}Z`))

const toPostRow = (row: RawRow): PostRow => ({
  id: Number(row.id),
  userId: Number(row.user_id),
  user: (row.display_name as string | null) ?? null,
  text: String(row.text),
  date: fromTimestamp(row.date),
  givenHugs: Number(row.given_hugs),
  sentHugs: (row.sent_hugs as (number | null)[] | null) ?? null,
})

/**
 * Posts: SQL only. "Visible" posts are those without an open report (`open_reports = 0`, kept by a
 * trigger); the public lists read them through partial indexes and take their total from the
 * trigger-maintained `post_totals` row, so neither list scans the table.
 */
export class PostsRepository {
  private select(db: Db) {
    return db.select(postColumns).from(posts).innerJoin(users, eq(users.id, posts.userId))
  }

  /** `GET /`: both top-ten lists in one round trip. */
  async home(db: Db, limit: number): Promise<{ recent: PostRow[]; suggested: PostRow[] }> {
    const rows = await runStatement<RawRow>(db, statements.home, [limit])
    const list = (name: string) =>
      rows
        .filter((row) => row.list === name)
        .sort((a, b) => Number(a.position) - Number(b.position))
        .map(toPostRow)
    return { recent: list('recent'), suggested: list('suggested') }
  }

  /** `GET /posts/<type>`: one page and the total in one round trip (the total from `post_totals`). */
  async visiblePage(db: Db, order: PublicOrder, limit: number, offset: number): Promise<{ rows: PostRow[]; total: number }> {
    const rows = await runStatement<RawRow>(db, statements.visiblePage[order], [limit, offset])
    return { rows: rows.filter((row) => row.id !== null).map(toPostRow), total: Number(rows[0]?.total ?? 0) }
  }

  async search(db: Db, query: string, limit: number, offset: number): Promise<{ rows: PostRow[]; total: number }> {
    const where = and(eq(posts.openReports, 0), sql`${posts.text} ilike ${`%${escapeLike(query)}%`}`)
    const [rows, [counted]] = await Promise.all([
      this.select(db)
        .where(where)
        .orderBy(...newestFirst)
        .limit(limit)
        .offset(offset),
      db
        .select({ total: sql<number>`count(*)`.mapWith(Number) })
        .from(posts)
        .where(where),
    ])
    return { rows, total: counted?.total ?? 0 }
  }

  async byUser(db: Db, userId: number, limit: number, offset: number): Promise<{ rows: PostRow[]; total: number }> {
    const [rows, [counted]] = await Promise.all([
      this.select(db)
        .where(eq(posts.userId, userId))
        .orderBy(sql`${posts.date} asc nulls last`, asc(posts.id))
        .limit(limit)
        .offset(offset),
      db
        .select({ total: sql<number>`count(*)`.mapWith(Number) })
        .from(posts)
        .where(eq(posts.userId, userId)),
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
    return (
      await db
        .insert(posts)
        .values({ ...values, givenHugs: 0, sentHugs: [] })
        .returning({ id: posts.id })
    )[0]!.id
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
