import { sql, type Db } from '@hearth/kernel'
import type { SQL } from 'drizzle-orm'

/** A read statement: plain SQL with `$n` parameters, and a name to prepare it under on a server. */
export interface Statement {
  name: string
  text: string
}

interface PgPoolLike {
  totalCount: number
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>
}
interface ClientLike {
  query(text: string, params: unknown[]): Promise<{ rows: unknown[] }>
}

/**
 * Runs a read. On the hot paths (every request's user lookup, the template list, the application
 * loaders) drizzle's select builder cost about 3× the CPU of the query itself, so reads are plain
 * SQL. On a PostgreSQL server they run as named prepared statements (parsed and planned once per
 * connection); on the embedded database straight on its client; inside a transaction through
 * `tx.execute`, so they see the transaction's writes. Prepared statements outlive a QA reset (the
 * schema dropped and migrated again), so their result columns must not use the app's own types:
 * enums are selected `::text` ("cached plan must not change result type" otherwise, the original's
 * bug #210).
 */
export async function query<Row>(db: Db, statement: Statement, params: unknown[]): Promise<Row[]> {
  const client = (db as unknown as { $client?: unknown }).$client
  if (client && typeof (client as PgPoolLike).totalCount === 'number') {
    return (await (client as PgPoolLike).query({ name: statement.name, text: statement.text, values: params })).rows as Row[]
  }
  if (client && typeof (client as ClientLike).query === 'function') return (await (client as ClientLike).query(statement.text, params)).rows as Row[]
  const result = (await db.execute(toSql(statement.text, params))) as unknown as { rows: Row[] }
  return result.rows
}

/** `$n` placeholders → a drizzle SQL object with bound parameters (arrays stay one parameter). */
function toSql(text: string, params: unknown[]): SQL {
  const parts = text.split(/\$(\d+)/)
  return sql.join(parts.map((part, index) => (index % 2 === 0 ? sql.raw(part) : sql`${sql.param(params[Number(part) - 1])}`)))
}

export const toDate = (value: unknown): Date | null => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)))
