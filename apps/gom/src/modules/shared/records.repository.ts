import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '@hearth/kernel'
import { badInput } from '../../errors.ts'
import { MODELS, ownKeyColumns, quoteIdent, type Model, type ModelName } from './model.ts'

/**
 * A row as the GraphQL layer sees it: the model's scalars by field name (DateTimes as Date), the
 * foreign keys of its to-one relations under `keys`, and which model it is.
 */
export interface NodeRecord {
  readonly __model: ModelName
  readonly uid: string
  readonly keys: Readonly<Record<string, string | null>>
  readonly [field: string]: unknown
}

/** Prisma 1 pagination arguments (spec §1.8). */
export interface PageArgs {
  orderBy?: string | null
  skip?: number | null
  after?: string | null
  before?: string | null
  first?: number | null
  last?: number | null
}

export interface Page {
  records: NodeRecord[]
  hasNextPage: boolean
  hasPreviousPage: boolean
}

/** Fields whose column is NOT NULL in every table (`src/db/schema.ts`: the key and the audit timestamps). */
const NOT_NULL_FIELDS = new Set(['uid', 'createdAt', 'updatedAt'])

/** A condition on the rows of a model at a table alias. */
export type Filter = (alias: string) => SQL

type RawRow = Record<string, unknown>

async function rows(db: Db, query: SQL): Promise<RawRow[]> {
  const result = (await db.execute(query)) as unknown as { rows: RawRow[] }
  return result.rows
}

const toDate = (value: unknown): Date | null => {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value
  // Text from the driver: "2020-11-13 06:00:00+00" (or without a zone: UTC wall-clock time).
  const text = String(value).replace(' ', 'T')
  if (/[+-]\d\d$/.test(text)) return new Date(`${text}:00`)
  return new Date(/([zZ]|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`)
}

const keyColumns = new WeakMap<Model, { field: string; column: string }[]>()
/** `ownKeyColumns`, worked out once per model (toRecord runs for every row read). */
function keyColumnsOf(model: Model): { field: string; column: string }[] {
  let found = keyColumns.get(model)
  if (!found) keyColumns.set(model, (found = ownKeyColumns(model)))
  return found
}

/** A list of uids as one `text[]` parameter (one bind value however long the list). */
const uidArray = (uids: readonly string[]): SQL => sql`${sql.param([...uids])}::text[]`

const scalarColumns = new WeakMap<Model, { field: string; column: string; kind: string }[]>()
/** The model's scalars as a list, worked out once per model. */
function scalarColumnsOf(model: Model): { field: string; column: string; kind: string }[] {
  let found = scalarColumns.get(model)
  if (!found) scalarColumns.set(model, (found = Object.entries(model.scalars).map(([field, scalar]) => ({ field, column: scalar.column, kind: scalar.kind }))))
  return found
}

/** A raw row (selected with `alias.*`) → a NodeRecord. */
export function toRecord(model: Model, row: RawRow): NodeRecord {
  const record: Record<string, unknown> = { __model: model.name }
  for (const { field, column, kind } of scalarColumnsOf(model)) {
    const value = row[column]
    record[field] = kind === 'DateTime' ? toDate(value) : kind === 'Float' && value !== null && value !== undefined ? Number(value) : (value ?? null)
  }
  const keys: Record<string, string | null> = {}
  for (const { field, column } of keyColumnsOf(model)) keys[field] = (row[column] as string | null) ?? null
  record.keys = keys
  return record as unknown as NodeRecord
}

export interface PageLimits {
  maxPageSize: number
}

/**
 * Generic reads over any model: pages with Prisma 1 cursors, counts, rows by uid, relation lists.
 * SQL only; the caller's visibility arrives as part of the filter (services build it with the
 * `WhereTranslator`).
 */
export class RecordsRepository {
  constructor(private readonly limits: PageLimits) {}

  /**
   * One page. The order is `orderBy` (default `uid_ASC`), then `uid` in the same direction as a
   * tie-break; `after`/`before` are the uids of rows in that order; `skip` skips after the cursor
   * (from the end for `last`). `first` and `last` must lie in 0..maxPageSize; without them at most
   * maxPageSize rows are returned (`hasNextPage` tells when there were more).
   */
  async page(db: Db, modelName: ModelName, filter: Filter, args: PageArgs): Promise<Page> {
    const model = MODELS[modelName]
    const { first, last, skip } = this.checkArgs(args)
    const [field, direction] = parseOrderBy(model, args.orderBy)
    const column = sql.raw(`"r".${quoteIdent(model.scalars[field]!.column)}`)
    const backwards = last !== undefined && first === undefined
    const ascending = (direction === 'ASC') !== backwards
    const dir = sql.raw(ascending ? 'asc' : 'desc')
    const conditions: SQL[] = [filter('r')]
    const table = sql.raw(quoteIdent(model.table))
    const cursorRow = (uid: string) => sql`(select ${sql.raw(`"c".${quoteIdent(model.scalars[field]!.column)}`)}, "c"."uid" from ${table} "c" where "c"."uid" = ${uid})`
    if (args.after !== undefined && args.after !== null)
      conditions.push(direction === 'ASC' ? sql`(${column}, "r"."uid") > ${cursorRow(args.after)}` : sql`(${column}, "r"."uid") < ${cursorRow(args.after)}`)
    if (args.before !== undefined && args.before !== null)
      conditions.push(direction === 'ASC' ? sql`(${column}, "r"."uid") < ${cursorRow(args.before)}` : sql`(${column}, "r"."uid") > ${cursorRow(args.before)}`)
    const take = first ?? last ?? this.limits.maxPageSize
    // Nulls sort first (Prisma 1). On a NOT NULL column the clause is left out: it changes nothing
    // there, and PostgreSQL can then read the order from an index (scanned backward for DESC, whose
    // default is NULLS FIRST) instead of sorting every matching row.
    const nulls = NOT_NULL_FIELDS.has(field) ? sql`` : sql.raw(ascending ? ' nulls first' : ' nulls last')
    const query = sql`select "r".* from ${table} "r" where ${sql.join(conditions, sql` and `)} order by ${column} ${dir}${nulls}, "r"."uid" ${dir} limit ${take + 1} offset ${skip ?? 0}`
    const found = (await rows(db, query)).map((row) => toRecord(model, row))
    const more = found.length > take
    let records = more ? found.slice(0, take) : found
    if (backwards) records = records.reverse()
    if (first !== undefined && last !== undefined) records = records.slice(Math.max(0, records.length - last))
    return {
      records,
      hasNextPage: !backwards && more,
      hasPreviousPage: backwards ? more : (first !== undefined && last !== undefined && records.length < Math.min(found.length, take)) || false,
    }
  }

  async count(db: Db, modelName: ModelName, filter: Filter): Promise<number> {
    const model = MODELS[modelName]
    const [row] = await rows(db, sql`select count(*)::int as "count" from ${sql.raw(quoteIdent(model.table))} "r" where ${filter('r')}`)
    return Number(row?.count ?? 0)
  }

  /** Rows by uid that pass `filter`; absent or filtered-out uids are missing from the map. */
  async byUids(db: Db, modelName: ModelName, uids: readonly string[], filter: Filter): Promise<Map<string, NodeRecord>> {
    const model = MODELS[modelName]
    if (uids.length === 0) return new Map()
    const found = await rows(db, sql`select "r".* from ${sql.raw(quoteIdent(model.table))} "r" where "r"."uid" = any(${uidArray(uids)}) and ${filter('r')}`)
    return new Map(found.map((row) => [String(row.uid), toRecord(model, row)]))
  }

  /**
   * The rows of a to-many relation for several parents at once (no pagination arguments), in
   * `uid` order, each with the parent it belongs to.
   */
  async children(db: Db, parentModel: ModelName, relationName: string, parentUids: readonly string[], filter: Filter): Promise<Map<string, NodeRecord[]>> {
    const relation = MODELS[parentModel].relations[relationName]!
    const target = MODELS[relation.target]
    const grouped = new Map<string, NodeRecord[]>(parentUids.map((uid) => [uid, []]))
    if (parentUids.length === 0) return grouped
    const list = uidArray(parentUids)
    const table = sql.raw(quoteIdent(target.table))
    const link = relation.link
    let query: SQL
    if (link.type === 'theirs') {
      const key = sql.raw(`"r".${quoteIdent(link.column)}`)
      query = sql`select ${key} as "__parent", "r".* from ${table} "r" where ${key} = any(${list}) and ${filter('r')} order by "r"."uid" limit ${this.limits.maxPageSize * parentUids.length}`
    } else if (link.type === 'join') {
      query = sql`select "j".${sql.raw(quoteIdent(link.self))} as "__parent", "r".* from ${table} "r" join ${sql.raw(quoteIdent(link.table))} "j" on "j".${sql.raw(quoteIdent(link.other))} = "r"."uid" where "j".${sql.raw(quoteIdent(link.self))} = any(${list}) and ${filter('r')} order by "r"."uid" limit ${this.limits.maxPageSize * parentUids.length}`
    } else {
      throw new Error(`${parentModel}.${relationName} is a to-one relation`)
    }
    for (const row of await rows(db, query)) grouped.get(String(row.__parent))?.push(toRecord(target, row))
    return grouped
  }

  /** The SQL condition linking rows of a to-many relation's target (alias) to one parent. */
  linkCondition(parentModel: ModelName, relationName: string, parentUid: string): Filter {
    const link = MODELS[parentModel].relations[relationName]!.link
    return (alias) => {
      const a = sql.raw(quoteIdent(alias))
      if (link.type === 'theirs') return sql`${a}.${sql.raw(quoteIdent(link.column))} = ${parentUid}`
      if (link.type === 'join')
        return sql`exists (select 1 from ${sql.raw(quoteIdent(link.table))} "lj" where "lj".${sql.raw(quoteIdent(link.other))} = ${a}."uid" and "lj".${sql.raw(quoteIdent(link.self))} = ${parentUid})`
      throw new Error(`${parentModel}.${relationName} is a to-one relation`)
    }
  }

  private checkArgs(args: PageArgs): { first?: number; last?: number; skip?: number } {
    const max = this.limits.maxPageSize
    const bounded = (name: string, value: number | null | undefined) => {
      if (value === null || value === undefined) return undefined
      if (!Number.isInteger(value) || value < 0) throw badInput(`The \`${name}\` argument must be a non-negative integer`)
      if (name !== 'skip' && value > max) throw badInput(`The \`${name}\` argument must not exceed ${max}`)
      return value
    }
    return { first: bounded('first', args.first), last: bounded('last', args.last), skip: bounded('skip', args.skip) }
  }
}

/** `createdAt_DESC` → ['createdAt', 'DESC']; default `uid_ASC`. */
export function parseOrderBy(model: Model, orderBy: string | null | undefined): [string, 'ASC' | 'DESC'] {
  if (orderBy === undefined || orderBy === null) return ['uid', 'ASC']
  const match = /^([A-Za-z0-9]+)_(ASC|DESC)$/.exec(orderBy)
  if (!match || !model.scalars[match[1]!]) throw badInput(`Unknown ${model.name}OrderByInput value ${orderBy}`)
  return [match[1]!, match[2] as 'ASC' | 'DESC']
}
