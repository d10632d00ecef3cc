import { and, asc, eq, sql, type Db } from '@hearth/kernel'
import { posts, reports, users } from '../../db/schema.ts'
import type { ReportRow } from '../../mappers.ts'

const reportColumns = {
  id: reports.id,
  type: reports.type,
  userId: reports.userId,
  postId: reports.postId,
  reporter: reports.reporter,
  reportReason: reports.reportReason,
  date: reports.date,
  dismissed: reports.dismissed,
  closed: reports.closed,
  displayName: users.displayName,
  postText: posts.text,
}

/** Reports: SQL only. */
export class ReportsRepository {
  private select(db: Db) {
    return db.select(reportColumns).from(reports).leftJoin(users, eq(users.id, reports.userId)).leftJoin(posts, eq(posts.id, reports.postId))
  }

  async open(db: Db, type: 'User' | 'Post', limit: number, offset: number): Promise<{ rows: ReportRow[]; total: number }> {
    const where = and(eq(reports.closed, false), eq(reports.type, type))
    const [rows, [counted]] = await Promise.all([
      this.select(db)
        .where(where)
        .orderBy(sql`${reports.date} asc nulls last`, asc(reports.id))
        .limit(limit)
        .offset(offset),
      db
        .select({ total: sql<number>`count(*)`.mapWith(Number) })
        .from(reports)
        .where(where),
    ])
    return { rows, total: counted?.total ?? 0 }
  }

  async find(db: Db, id: number): Promise<ReportRow | undefined> {
    return (await this.select(db).where(eq(reports.id, id)))[0]
  }

  async create(db: Db, values: typeof reports.$inferInsert): Promise<number> {
    return (await db.insert(reports).values(values).returning({ id: reports.id }))[0]!.id
  }

  async close(db: Db, id: number, flags: { closed: boolean; dismissed: boolean }): Promise<void> {
    await db.update(reports).set(flags).where(eq(reports.id, id))
  }
}
