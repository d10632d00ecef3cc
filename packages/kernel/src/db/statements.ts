import { sql, type SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = PgDatabase<PgQueryResultHKT, any>

/**
 * A named plain-SQL statement with `$1…$n` parameters. Repositories define their hot-path reads this
 * way: drizzle's query builder costs a few times the CPU of the query itself on a busy path (measured
 * on Devmarkt's user lookup), and a named statement is parsed and planned once per server connection.
 */
export interface Statement {
  /** Unique per text: a PostgreSQL server caches the prepared statement under this name per connection. */
  readonly name: string
  readonly text: string
}

/**
 * Names must be unique across the process, so one name never means two texts on a pooled
 * connection; the second definition of a name is a programming error.
 */
const defined = new Map<string, string>()

export function defineStatement(name: string, text: string): Statement {
  const existing = defined.get(name)
  if (existing !== undefined && existing !== text) throw new Error(`Statement "${name}" is already defined with another text`)
  defined.set(name, text)
  return Object.freeze({ name, text })
}

type Runner = (statement: Statement, params: unknown[]) => Promise<unknown[]>

/** The root handles the kernel opened (pool or embedded client), each with its own way to run a statement. */
const runners = new WeakMap<object, Runner>()

/** Kernel-internal: how statements run on a database handle `openDatabase` created. */
export function registerStatementRunner(db: AnyDb, runner: Runner): void {
  runners.set(db, runner)
}

/**
 * Runs a statement on `db`: the database itself (a PostgreSQL server: a named prepared statement on
 * a pooled connection; embedded: PGlite directly) or a transaction handle (through drizzle's
 * `execute`, so the statement sees the transaction's writes).
 *
 * Prepared statements outlive a QA reset (the schema dropped and migrated again), so a statement's
 * result columns must not have the app's own types: select enums as `::text`, or PostgreSQL answers
 * "cached plan must not change result type".
 */
export async function runStatement<Row>(db: AnyDb, statement: Statement, params: readonly unknown[]): Promise<Row[]> {
  const runner = runners.get(db)
  if (runner) return (await runner(statement, [...params])) as Row[]
  const result = (await db.execute(bind(statement.text, params))) as unknown as { rows: Row[] }
  return result.rows
}

/** `$n` placeholders → a drizzle SQL object with bound parameters (an array stays one parameter). */
function bind(text: string, params: readonly unknown[]): SQL {
  const parts = text.split(/\$(\d+)/)
  return sql.join(parts.map((part, index) => (index % 2 === 0 ? sql.raw(part) : sql`${sql.param(params[Number(part) - 1])}`)))
}
