import { sql } from 'drizzle-orm'
import type { Database, Db } from '@hearth/kernel'
import { badInput } from '../../errors.ts'
import type { Caller } from '../../permissions.ts'
import { visibleRows } from '../../policies.ts'
import { MODELS, quoteIdent, type ModelName } from './model.ts'
import { RecordsRepository, type Filter, type NodeRecord, type PageArgs } from './records.repository.ts'
import { WhereTranslator, type WhereInput, type WhereLimits } from './where.ts'

export interface ListArgs extends PageArgs {
  where?: WhereInput | null
}

export interface Connection {
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null }
  edges: { node: NodeRecord; cursor: string }[]
  /** Resolved only when selected (one COUNT over the whole filter, pagination ignored). */
  aggregate: () => Promise<{ count: number }>
}

/**
 * Every read, at every depth, goes through here: the caller's visibility (`policies.visibleRows`)
 * is ANDed to the client's filter, and relation filters inside that filter are scoped the same way.
 */
export class ReadService {
  constructor(
    private readonly database: Database,
    private readonly records: RecordsRepository,
    private readonly limits: WhereLimits,
  ) {}

  /** Visible rows of `model` that match the client's `where`. */
  filter(caller: Caller | undefined, model: ModelName, where?: unknown): Filter {
    return (alias) => {
      const translator = new WhereTranslator(this.limits, (target) => visibleRows(caller, target))
      const client = translator.where(model, where, alias)
      const key = visibleKey(caller, model)
      return key ? sql`${key(alias)} and ${translator.visible(model, alias)} and ${client}` : sql`${translator.visible(model, alias)} and ${client}`
    }
  }

  /** Checks a filter before any SQL runs (so hostile input fails fast and in one place). */
  checkWhere(caller: Caller | undefined, model: ModelName, where: unknown): void {
    this.filter(caller, model, where)('r')
  }

  async connection(caller: Caller | undefined, model: ModelName, args: ListArgs, extra?: Filter, db: Db = this.database.db): Promise<Connection> {
    this.checkWhere(caller, model, args.where)
    const base = this.filter(caller, model, args.where)
    const filter: Filter = extra ? (alias) => sql`${base(alias)} and ${extra(alias)}` : base
    const page = await this.records.page(db, model, filter, args)
    const edges = page.records.map((node) => ({ node, cursor: node.uid }))
    return {
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: page.hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      edges,
      aggregate: async () => ({ count: await this.records.count(db, model, filter) }),
    }
  }

  async list(caller: Caller | undefined, model: ModelName, args: ListArgs, extra?: Filter, db: Db = this.database.db): Promise<NodeRecord[]> {
    this.checkWhere(caller, model, args.where)
    const base = this.filter(caller, model, args.where)
    const filter: Filter = extra ? (alias) => sql`${base(alias)} and ${extra(alias)}` : base
    return (await this.records.page(db, model, filter, args)).records
  }

  /**
   * The one visible row a `XWhereUniqueInput` names, or undefined. Exactly one unique field must be
   * given (as in Prisma 1).
   */
  async unique(caller: Caller | undefined, model: ModelName, where: unknown, db: Db = this.database.db): Promise<NodeRecord | undefined> {
    const selector = uniqueSelector(model, where)
    const [found] = (await this.records.page(db, model, this.filter(caller, model, selector), { first: 1 })).records
    return found
  }

  /** Whether a visible row matches `where` (the original's "exists check", with the caller's scope). */
  async exists(caller: Caller | undefined, model: ModelName, where: unknown, db: Db = this.database.db): Promise<boolean> {
    return (await this.records.page(db, model, this.filter(caller, model, where), { first: 1 })).records.length > 0
  }

  /** Whether any row matches `where`, regardless of the caller (the services' own integrity checks). */
  async existsUnscoped(model: ModelName, where: WhereInput, db: Db = this.database.db): Promise<boolean> {
    const filter: Filter = (alias) => new WhereTranslator(this.limits).where(model, where, alias)
    return (await this.records.page(db, model, filter, { first: 1 })).records.length > 0
  }

  /** Rows by uid regardless of the caller (the services' own lookups, never returned to a client as is). */
  byUidsUnscoped(model: ModelName, uids: readonly string[], db: Db = this.database.db): Promise<Map<string, NodeRecord>> {
    return this.records.byUids(db, model, uids, () => sql`true`)
  }

  /** Visible rows by uid (loaders). */
  byUids(caller: Caller | undefined, model: ModelName, uids: readonly string[], db: Db = this.database.db): Promise<Map<string, NodeRecord>> {
    return this.records.byUids(db, model, uids, this.filter(caller, model))
  }

  /** Visible rows of a to-many relation for several parents (loaders; no arguments). */
  children(caller: Caller | undefined, parent: ModelName, relation: string, target: ModelName, parentUids: readonly string[], db: Db = this.database.db): Promise<Map<string, NodeRecord[]>> {
    return this.records.children(db, parent, relation, parentUids, this.filter(caller, target))
  }

  /** One parent's to-many relation with arguments (where, orderBy, pagination). */
  relationList(caller: Caller | undefined, parent: ModelName, relation: string, target: ModelName, parentUid: string, args: ListArgs): Promise<NodeRecord[]> {
    return this.list(caller, target, args, this.records.linkCondition(parent, relation, parentUid))
  }
}

/** A `XWhereUniqueInput` with exactly one non-null field, or BAD_USER_INPUT. */
export function uniqueSelector(model: ModelName, where: unknown): WhereInput {
  const entries = typeof where === 'object' && where !== null ? Object.entries(where).filter(([, value]) => value !== undefined && value !== null) : []
  if (entries.length !== 1) throw badInput(`You provided an invalid argument for the where selector on ${model}.`)
  return Object.fromEntries(entries)
}

/** Fields that are unique in every model that has them (`XWhereUniqueInput`): the key and `extUid`. */
const UNIQUE_FIELDS = new Set(['uid', 'extUid'])

/**
 * When the caller's visibility of `model` is one to-one relation named by a unique field (a seller's
 * orders: `{ assignedTo: { extUid: sub } }`; a customer's: `{ issuedTo: { uid: sub } }`), the same
 * rule as a condition on the row's own foreign key: `"r"."assigned_to_uid" = (select "uid" from
 * "users" where "ext_uid" = $sub)`. It is redundant (the visibility rule is still applied in full)
 * but PostgreSQL evaluates it once and can then use the `(foreign key, created_at)` indexes for the
 * page's order; through the `exists` of the rule alone it joins and sorts every visible row.
 */
function visibleKey(caller: Caller | undefined, modelName: ModelName): Filter | undefined {
  const rule = visibleRows(caller, modelName)
  if (typeof rule !== 'object' || rule === null) return undefined
  const ruleEntries = Object.entries(rule)
  if (ruleEntries.length !== 1) return undefined
  const [field, inner] = ruleEntries[0]!
  const relation = MODELS[modelName].relations[field]
  if (!relation || relation.many || relation.link.type !== 'own' || typeof inner !== 'object' || inner === null) return undefined
  const innerEntries = Object.entries(inner)
  if (innerEntries.length !== 1) return undefined
  const [uniqueField, value] = innerEntries[0]!
  const target = MODELS[relation.target]
  const column = target.scalars[uniqueField]?.column
  if (!UNIQUE_FIELDS.has(uniqueField) || typeof value !== 'string' || !column) return undefined
  const foreignKey = quoteIdent(relation.link.column)
  return (alias) => sql`${sql.raw(`${quoteIdent(alias)}.${foreignKey}`)} = (select "k"."uid" from ${sql.raw(quoteIdent(target.table))} "k" where "k".${sql.raw(quoteIdent(column))} = ${value})`
}
