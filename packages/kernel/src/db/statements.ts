import { getTableColumns, getTableName, sql, type SQL, type Table } from 'drizzle-orm'
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
 * a pooled connection; embedded: PGlite directly) or a transaction handle (a server: a named
 * prepared statement on the transaction's connection; embedded: through drizzle's `execute`), where
 * it sees the transaction's own writes.
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

/** Column types whose values come back from either driver as drizzle would give them; `cast` makes it so. */
// Not timestamps: in a transaction on the embedded database a statement runs through drizzle's
// `execute`, which answers them as strings.
const selectable: Record<string, { cast?: string }> = {
  PgText: {},
  PgVarchar: {},
  PgUUID: {},
  PgBoolean: {},
  PgInteger: {},
  PgSerial: {},
  PgDoublePrecision: {},
  PgJsonb: {},
  PgArray: {},
  // int8 comes back as a string from pg and a BigInt from PGlite; drizzle's `mode: 'number'` is a
  // JavaScript number, exact to 2^53, and so is float8.
  PgBigInt53: { cast: 'float8' },
  PgBigSerial53: { cast: 'float8' },
}

/**
 * The select list of a drizzle table for a plain-SQL statement: every column under its TypeScript
 * key (`"internal_name" AS "internalName"`), cast where a driver would otherwise answer another
 * type, so the rows are what `db.select().from(table)` returns. `qualifier` prefixes each column
 * (`f` → `f."id"`). A column type not known to come back the same is refused when the list is made.
 */
export function selectColumns(table: Table, qualifier?: string): string {
  const prefix = qualifier ? `${qualifier}.` : ''
  return Object.entries(getTableColumns(table))
    .map(([key, column]) => {
      const kind = selectable[column.columnType]
      // An array comes back element by element as its base type does: only bases that need no cast.
      const base = (column as { baseColumn?: { columnType: string } }).baseColumn
      if (!kind || (base && (!selectable[base.columnType] || selectable[base.columnType]!.cast)))
        throw new Error(`selectColumns: ${getTableName(table)}.${column.name} is a ${column.columnType}, which no statement selects yet`)
      return `${prefix}"${column.name}"${kind.cast ? `::${kind.cast}` : ''} AS "${key}"`
    })
    .join(', ')
}

/** Column types `insertRows` sends as arrays, each element as the driver sends a plain value. */
const insertable = new Set(['PgText', 'PgVarchar', 'PgUUID', 'PgBoolean', 'PgInteger', 'PgDoublePrecision', 'PgBigInt53'])

const insertableOf = new WeakMap<Table, { key: string; name: string; type: string }[]>()

function insertableColumns(table: Table) {
  let columns = insertableOf.get(table)
  if (!columns) insertableOf.set(table, (columns = describeInsertable(table)))
  return columns
}

function describeInsertable(table: Table) {
  return Object.entries(getTableColumns(table)).map(([key, column]) => {
    if (!insertable.has(column.columnType)) throw new Error(`insertRows: ${getTableName(table)}.${column.name} is a ${column.columnType}, which no statement inserts yet`)
    return { key, name: column.name, type: column.getSQLType() }
  })
}

/**
 * An `INSERT` of any number of whole rows of a drizzle table for a plain-SQL statement (one array
 * parameter per column, numbered from `first`, unnested together), so one statement text serves one
 * row or many and can stand in a `WITH` beside other writes. `insertRowsParams` gives the arrays.
 */
export function insertRows(table: Table, first: number): string {
  const columns = insertableColumns(table)
  return (
    `INSERT INTO "${getTableName(table)}" (${columns.map((column) => `"${column.name}"`).join(', ')}) ` +
    `SELECT * FROM unnest(${columns.map((column, index) => `$${first + index}::${column.type}[]`).join(', ')})`
  )
}

/** The parameters of `insertRows(table, …)` for `rows`: every column of every row must be given (null for none). */
export function insertRowsParams<Row extends Record<string, unknown>>(table: Table, rows: readonly Row[]): unknown[][] {
  return insertableColumns(table).map(({ key, name }) =>
    rows.map((row) => {
      const value = row[key]
      if (value === undefined) throw new Error(`insertRowsParams: no value for ${getTableName(table)}.${name}`)
      return value
    }),
  )
}
