import { sql, type SQL } from 'drizzle-orm'
import { badInput, tooComplex } from '../../errors.ts'
import { ENUMS, MODELS, quoteIdent, type Link, type Model, type ModelName, type ScalarField } from './model.ts'

/**
 * Prisma 1 `where` filters (spec §1.8) → parameterised SQL. Every value becomes a bind parameter;
 * identifiers come only from the model metadata, never from the input.
 *
 * - `AND` / `OR` / `NOT` take lists (NOT = none of them matches); an empty `AND`/`OR` filters nothing.
 * - Scalars: `f` (null means IS NULL), `f_not` (null means IS NOT NULL; otherwise IS DISTINCT FROM),
 *   `f_in`, `f_not_in`, `f_lt`, `f_lte`, `f_gt`, `f_gte`, and on String/ID also `f_contains`,
 *   `f_not_contains`, `f_starts_with`, `f_not_starts_with`, `f_ends_with`, `f_not_ends_with`
 *   (case-sensitive, like Prisma 1 on PostgreSQL). Enums take `f`, `f_not`, `f_in`, `f_not_in`.
 * - A to-one relation takes a nested filter (`issuedTo: {uid: …}`); a to-many one `rel_every`,
 *   `rel_some`, `rel_none`.
 *
 * Authorization reaches into filters: when the translator descends into a relation it ANDs the
 * caller's visibility rule for the target model (`scope`), so a filter cannot probe rows the caller
 * may not read (`bpsConnection(where: {orders_some: {assignedTo: {extUid: "other seller"}}})` finds
 * nothing). `_every` then means "every visible row".
 *
 * Hostile filters are refused with a `QUERY_TOO_COMPLEX` error before any SQL runs: nesting deeper
 * than `maxDepth`, a list longer than `maxListSize`, more than `maxConditions` conditions.
 */
export interface WhereLimits {
  maxDepth: number
  maxListSize: number
  maxConditions: number
}

export type WhereInput = { readonly [key: string]: unknown }

/** The rows of a model a caller may see: a filter, `false` (none), or `true` (all). */
export type Visibility = WhereInput | boolean

export type ScopeFunction = (model: ModelName) => Visibility

const STRING_OPS = ['not', 'in', 'not_in', 'lt', 'lte', 'gt', 'gte', 'contains', 'not_contains', 'starts_with', 'not_starts_with', 'ends_with', 'not_ends_with'] as const
const ORDERED_OPS = ['not', 'in', 'not_in', 'lt', 'lte', 'gt', 'gte'] as const
const ENUM_OPS = ['not', 'in', 'not_in'] as const

/** The operators (suffixes after `_`) a scalar of this kind accepts. */
export function operatorsFor(kind: ScalarField['kind']): readonly string[] {
  switch (kind) {
    case 'ID':
    case 'String':
      return STRING_OPS
    case 'Enum':
      return ENUM_OPS
    default:
      return ORDERED_OPS
  }
}

const isObject = (value: unknown): value is WhereInput => typeof value === 'object' && value !== null && !Array.isArray(value)

export class WhereTranslator {
  private aliasCount = 0
  private conditions = 0

  constructor(
    private readonly limits: WhereLimits,
    /** The caller's visibility per model; absent = trusted (no restriction, used for the rules themselves). */
    private readonly scope?: ScopeFunction,
  ) {}

  /** A fresh table alias for a subquery. */
  alias(): string {
    return `w${this.aliasCount++}`
  }

  /** The client's filter on `model` rows at `alias` (undefined or null filters nothing). */
  where(modelName: ModelName, where: unknown, alias: string): SQL {
    this.conditions = 0
    return this.node(MODELS[modelName], where, alias, 0)
  }

  /** The caller's visibility rule on `model` rows at `alias`. */
  visible(modelName: ModelName, alias: string): SQL {
    if (!this.scope) return sql`true`
    return this.visibility(modelName, this.scope(modelName), alias)
  }

  /** A visibility rule translated as trusted SQL (its own relations are not scoped again). */
  private visibility(modelName: ModelName, rule: Visibility, alias: string): SQL {
    if (rule === true) return sql`true`
    if (rule === false) return sql`false`
    const trusted = new WhereTranslator({ maxDepth: 100, maxListSize: 100_000, maxConditions: 100_000 })
    trusted.aliasCount = this.aliasCount + 1000 // distinct aliases inside one statement
    const result = trusted.node(MODELS[modelName], rule, alias, 0)
    this.aliasCount = trusted.aliasCount
    return result
  }

  private node(model: Model, where: unknown, alias: string, depth: number): SQL {
    if (where === undefined || where === null) return sql`true`
    if (!isObject(where)) throw badInput(`A ${model.name}WhereInput must be an object`)
    if (depth > this.limits.maxDepth) throw tooComplex(`The where filter is nested deeper than the limit of ${this.limits.maxDepth} levels`)
    const parts: SQL[] = []
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined) continue
      parts.push(this.entry(model, key, value, alias, depth))
    }
    return conjunction(parts)
  }

  private list(value: unknown, what: string): unknown[] {
    const items = Array.isArray(value) ? value : [value] // GraphQL coerces one object to a list
    if (items.length > this.limits.maxListSize) throw tooComplex(`${what} holds more than ${this.limits.maxListSize} entries`)
    return items
  }

  private count(): void {
    if (++this.conditions > this.limits.maxConditions) throw tooComplex(`The where filter has more than ${this.limits.maxConditions} conditions`)
  }

  private entry(model: Model, key: string, value: unknown, alias: string, depth: number): SQL {
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      if (value === null) return sql`true`
      const parts = this.list(value, key).map((item) => this.node(model, item, alias, depth + 1))
      if (key === 'AND') return conjunction(parts)
      if (key === 'OR') return parts.length === 0 ? sql`true` : sql`(${sql.join(parts, sql` or `)})`
      return conjunction(parts.map((part) => sql`not (${part})`))
    }
    const scalar = model.scalars[key]
    if (scalar) return this.scalar(model, key, scalar, 'equals', value, alias)
    const relation = model.relations[key]
    if (relation && !relation.many) {
      if (value === null) return sql`true`
      return this.related(model, relation.target, relation.link, alias, (target) => this.node(MODELS[relation.target], value, target, depth + 1), 'some')
    }
    const underscore = key.indexOf('_')
    if (underscore > 0) {
      const field = key.slice(0, underscore)
      const op = key.slice(underscore + 1)
      const fieldScalar = model.scalars[field]
      if (fieldScalar && operatorsFor(fieldScalar.kind).includes(op)) return this.scalar(model, field, fieldScalar, op, value, alias)
      const fieldRelation = model.relations[field]
      if (fieldRelation?.many && (op === 'every' || op === 'some' || op === 'none')) {
        if (value === null) return sql`true`
        return this.related(model, fieldRelation.target, fieldRelation.link, alias, (target) => this.node(MODELS[fieldRelation.target], value, target, depth + 1), op)
      }
    }
    throw badInput(`Unknown filter field ${model.name}WhereInput.${key}`)
  }

  /** EXISTS over the related rows (visible to the caller) that satisfy `condition`. */
  private related(model: Model, targetName: ModelName, link: Link, alias: string, condition: (target: string) => SQL, mode: 'every' | 'some' | 'none'): SQL {
    this.count()
    const target = MODELS[targetName]
    const t = this.alias()
    const a = sql.raw(quoteIdent(alias))
    const tq = sql.raw(quoteIdent(t))
    let from: SQL
    let linked: SQL
    if (link.type === 'own') {
      from = sql`${sql.raw(quoteIdent(target.table))} ${tq}`
      linked = sql`${tq}."uid" = ${a}.${sql.raw(quoteIdent(link.column))}`
    } else if (link.type === 'theirs') {
      from = sql`${sql.raw(quoteIdent(target.table))} ${tq}`
      linked = sql`${tq}.${sql.raw(quoteIdent(link.column))} = ${a}."uid"`
    } else {
      const j = sql.raw(quoteIdent(this.alias()))
      from = sql`${sql.raw(quoteIdent(target.table))} ${tq} join ${sql.raw(quoteIdent(link.table))} ${j} on ${j}.${sql.raw(quoteIdent(link.other))} = ${tq}."uid"`
      linked = sql`${j}.${sql.raw(quoteIdent(link.self))} = ${a}."uid"`
    }
    void model
    const visible = this.visible(targetName, t)
    const matches = condition(t)
    if (mode === 'every') return sql`not exists (select 1 from ${from} where ${linked} and ${visible} and not (${matches}))`
    const exists = sql`exists (select 1 from ${from} where ${linked} and ${visible} and ${matches})`
    return mode === 'none' ? sql`not ${exists}` : exists
  }

  private scalar(model: Model, field: string, scalar: ScalarField, op: string, value: unknown, alias: string): SQL {
    this.count()
    const column = sql`${sql.raw(quoteIdent(alias))}.${sql.raw(quoteIdent(scalar.column))}`
    const bind = (item: unknown) => this.bind(model, field, scalar, item)
    switch (op) {
      case 'equals':
        return value === null ? sql`${column} is null` : sql`${column} = ${bind(value)}`
      case 'not':
        return value === null ? sql`${column} is not null` : sql`${column} is distinct from ${bind(value)}`
      case 'in':
      case 'not_in': {
        if (value === null) return sql`true`
        const items = this.list(value, `${field}_${op}`)
        if (items.length === 0) return op === 'in' ? sql`false` : sql`true`
        const list = sql.join(
          items.map((item) => bind(item)),
          sql`, `,
        )
        return op === 'in' ? sql`${column} in (${list})` : sql`(${column} is null or ${column} not in (${list}))`
      }
    }
    if (value === null) return sql`true` // Prisma 1 ignores a null comparison operand
    const operand = bind(value)
    switch (op) {
      case 'lt':
        return sql`${column} < ${operand}`
      case 'lte':
        return sql`${column} <= ${operand}`
      case 'gt':
        return sql`${column} > ${operand}`
      case 'gte':
        return sql`${column} >= ${operand}`
      case 'contains':
        return sql`strpos(${column}, ${operand}) > 0`
      case 'not_contains':
        return sql`strpos(${column}, ${operand}) = 0`
      case 'starts_with':
        return sql`left(${column}, char_length(${operand})) = ${operand}`
      case 'not_starts_with':
        return sql`left(${column}, char_length(${operand})) <> ${operand}`
      case 'ends_with':
        return sql`right(${column}, char_length(${operand})) = ${operand}`
      case 'not_ends_with':
        return sql`right(${column}, char_length(${operand})) <> ${operand}`
    }
    throw badInput(`Unknown filter operator ${model.name}WhereInput.${field}_${op}`)
  }

  /** One bind parameter, checked against the field's type (GraphQL has already coerced it). */
  private bind(model: Model, field: string, scalar: ScalarField, value: unknown): SQL {
    const wrong = () => badInput(`${model.name}WhereInput.${field} expects a ${scalar.enumName ?? scalar.kind}`)
    switch (scalar.kind) {
      case 'ID':
      case 'String':
        if (typeof value !== 'string') throw wrong()
        return sql`${value}::text`
      case 'Enum':
        if (typeof value !== 'string' || !ENUMS[scalar.enumName!]!.includes(value)) throw wrong()
        return sql`${value}::text`
      case 'Float':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong()
        return sql`${value}::float8`
      case 'Int':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw wrong()
        return sql`${value}::int`
      case 'DateTime': {
        const instant = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined
        if (!instant || Number.isNaN(instant.getTime())) throw wrong()
        return sql`${instant.toISOString()}::timestamptz`
      }
    }
  }
}

function conjunction(parts: SQL[]): SQL {
  if (parts.length === 0) return sql`true`
  if (parts.length === 1) return parts[0]!
  return sql`(${sql.join(parts, sql` and `)})`
}
