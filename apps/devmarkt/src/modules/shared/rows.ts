import { sql, type Db } from '@hearth/kernel'
import type { SQL } from 'drizzle-orm'

/**
 * Reads run as plain SQL through `db.execute`: on the hot paths (every request's user lookup, the
 * template list, the application loaders) drizzle's select builder cost ~3× the CPU of the query
 * itself here. Works on the database and inside a transaction, on both drivers.
 */
export async function rows<Row = Record<string, unknown>>(db: Db, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] }
  return result.rows
}

/** `(a, b, c)` for an IN list of numbers (the drivers disagree about array parameters). */
export const inList = (ids: readonly number[]) => sql`(${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`

export const toDate = (value: unknown): Date | null => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)))
