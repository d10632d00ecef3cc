import { asc, eq, sql, type Db } from '@hearth/kernel'
import { filters } from '../../db/schema.ts'

export class FiltersRepository {
  /** Every filter term, in table order (the word filter reports hits in this order). */
  async terms(db: Db): Promise<string[]> {
    return (await db.select({ filter: filters.filter }).from(filters).orderBy(asc(filters.id))).map((row) => row.filter)
  }

  async page(db: Db, limit: number, offset: number): Promise<{ rows: { id: number; filter: string }[]; total: number }> {
    const [rows, [counted]] = await Promise.all([
      db.select().from(filters).orderBy(asc(filters.id)).limit(limit).offset(offset),
      db.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(filters),
    ])
    return { rows, total: counted?.total ?? 0 }
  }

  async findByTerm(db: Db, term: string): Promise<{ id: number } | undefined> {
    return (await db.select({ id: filters.id }).from(filters).where(eq(filters.filter, term)).limit(1))[0]
  }

  async create(db: Db, term: string): Promise<{ id: number; filter: string }> {
    return (await db.insert(filters).values({ filter: term }).returning())[0]!
  }

  async delete(db: Db, id: number): Promise<{ id: number; filter: string } | undefined> {
    return (await db.delete(filters).where(eq(filters.id, id)).returning())[0]
  }
}
