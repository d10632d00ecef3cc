import { sql, type SQL } from 'drizzle-orm'

/**
 * The search API's query language (§2.8): the restricted OpenSearch DSL the CompactConnect web app sends,
 * translated into one parameterised SQL condition over the provider tables. Plain functions, no database:
 * every value becomes a bound parameter, every field and path comes from the tables below, and anything
 * else — an unknown clause, field, path, option or value shape, a cross-index reference, nesting deeper than
 * 20 — is a `SearchQueryError` (400), never a 500.
 *
 * Semantics kept from the original index: `text` fields are analysed like its name analyzer (standard
 * tokenizer + lowercase + ASCII folding → `cc_search_fold`, migration 0003); `.keyword` sub-fields and
 * `keyword` fields compare the whole value; `nested` reaches licenses, privileges, military affiliations and
 * their adverse actions and open investigations; dates follow OpenSearch's rounding of missing components.
 */

export class SearchQueryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SearchQueryError'
  }
}

const fail = (message: string): never => {
  throw new SearchQueryError(message)
}

/** Deepest accepted query (the original's `_MAX_QUERY_DEPTH`: the web app's deepest query is 13 levels). */
export const MAX_QUERY_DEPTH = 20
/** Values in one `terms` clause. */
export const MAX_TERMS = 1024
/** Clauses in one query, all levels together. */
export const MAX_CLAUSES = 1024
/** Length of one string value. */
const MAX_STRING = 1024

type Kind = 'keyword' | 'uuid' | 'text' | 'date' | 'timestamp' | 'keywordArray' | 'number'

/** How to reach one field from the row of its path: an SQL expression, or a condition built around one. */
interface Field {
  kind: Kind
  /** Column (or expression) in the path's row; `alias` is that row's table alias. */
  expression: (alias: string, today: string) => SQL
  /** Wraps a condition on the expression (fields reached through another table). */
  via?: (alias: string, condition: (expression: SQL) => SQL) => SQL
  /** A stored `cc_search_fold` of a text column (the provider's names; migration 0003), read instead of folding per row. */
  folded?: string
}

const column = (name: string) => (alias: string) => sql.raw(`${alias}.${name}`)
const constant = (value: string) => () => sql`${value}::text`
const keyword = (name: string): Field => ({ kind: 'keyword', expression: column(name) })
const text = (name: string): Field => ({ kind: 'text', expression: column(name) })
const day = (name: string): Field => ({ kind: 'date', expression: column(name) })
const moment = (name: string): Field => ({ kind: 'timestamp', expression: column(name) })
const uuidField = (name: string): Field => ({ kind: 'uuid', expression: column(name) })
const keywords = (name: string): Field => ({ kind: 'keywordArray', expression: column(name) })
const fixed = (value: string): Field => ({ kind: 'keyword', expression: constant(value) })

const unencumbered = (alias: string) => sql.raw(`(${alias}.encumbered_status IS NULL OR ${alias}.encumbered_status = 'unencumbered')`)
/** §1.3 calculated `licenseStatus` (UTC−4 today), as the index held it. */
const activeLicense = (alias: string, today: string) =>
  sql`(${sql.raw(`${alias}.jurisdiction_uploaded_license_status`)} = 'active' AND ${sql.raw(`${alias}.date_of_expiration`)} >= ${today}::date AND ${unencumbered(alias)})`
const licenseStatusField: Field = { kind: 'keyword', expression: (alias, today) => sql`(CASE WHEN ${activeLicense(alias, today)} THEN 'active' ELSE 'inactive' END)` }
const licenseEligibility = (extra: (alias: string) => SQL): Field => ({
  kind: 'keyword',
  expression: (alias, today) =>
    sql`(CASE WHEN ${sql.raw(`${alias}.jurisdiction_uploaded_compact_eligibility`)} = 'eligible' AND ${activeLicense(alias, today)} ${extra(alias)} THEN 'eligible' ELSE 'ineligible' END)`,
})
/** §1.4 calculated privilege `status`. */
const privilegeStatusField: Field = {
  kind: 'keyword',
  expression: (alias, today) =>
    sql`(CASE WHEN ${sql.raw(`${alias}.administrator_set_status`)} = 'active' AND ${sql.raw(`${alias}.date_of_expiration`)} >= ${today}::date AND ${unencumbered(alias)} AND ${sql.raw(
      `${alias}.home_jurisdiction_change_status IS NULL AND ${alias}.license_deactivated_status IS NULL`,
    )} THEN 'active' ELSE 'inactive' END)`,
}

const adverseActionFields: Record<string, Field> = {
  type: fixed('adverseAction'),
  adverseActionId: uuidField('adverse_action_id'),
  compact: keyword('compact'),
  providerId: uuidField('provider_id'),
  jurisdiction: keyword('jurisdiction'),
  licenseType: keyword('license_type'),
  licenseTypeAbbreviation: keyword('license_type_abbreviation'),
  actionAgainst: keyword('action_against'),
  encumbranceType: keyword('encumbrance_type'),
  clinicalPrivilegeActionCategories: keywords('clinical_privilege_action_categories'),
  submittingUser: keyword('submitting_user'),
  liftingUser: keyword('lifting_user'),
  effectiveStartDate: day('effective_start_date'),
  effectiveLiftDate: day('effective_lift_date'),
  creationDate: moment('creation_date'),
  dateOfUpdate: moment('date_of_update'),
}

const investigationFields: Record<string, Field> = {
  type: fixed('investigation'),
  investigationId: uuidField('investigation_id'),
  compact: keyword('compact'),
  providerId: uuidField('provider_id'),
  jurisdiction: keyword('jurisdiction'),
  licenseType: keyword('license_type'),
  creationDate: moment('creation_date'),
  dateOfUpdate: moment('date_of_update'),
}

const licenseFields: Record<string, Field> = {
  type: fixed('license-home'),
  providerId: uuidField('provider_id'),
  compact: keyword('compact'),
  jurisdiction: keyword('jurisdiction'),
  licenseType: keyword('license_type'),
  licenseNumber: keyword('license_number'),
  npi: keyword('npi'),
  givenName: text('given_name'),
  middleName: text('middle_name'),
  familyName: text('family_name'),
  suffix: keyword('suffix'),
  dateOfIssuance: day('date_of_issuance'),
  dateOfRenewal: day('date_of_renewal'),
  dateOfExpiration: day('date_of_expiration'),
  homeAddressStreet1: text('home_address_street1'),
  homeAddressStreet2: text('home_address_street2'),
  homeAddressCity: text('home_address_city'),
  homeAddressState: keyword('home_address_state'),
  homeAddressPostalCode: keyword('home_address_postal_code'),
  emailAddress: keyword('email_address'),
  phoneNumber: keyword('phone_number'),
  licenseStatusName: keyword('license_status_name'),
  jurisdictionUploadedLicenseStatus: keyword('jurisdiction_uploaded_license_status'),
  jurisdictionUploadedCompactEligibility: keyword('jurisdiction_uploaded_compact_eligibility'),
  licenseStatus: licenseStatusField,
  compactEligibility: licenseEligibility(() => sql``),
  encumberedStatus: keyword('encumbered_status'),
  investigationStatus: keyword('investigation_status'),
  firstUploadDate: moment('first_upload_date'),
  dateOfUpdate: moment('date_of_update'),
}

const privilegeFields: Record<string, Field> = {
  type: fixed('privilege'),
  providerId: uuidField('provider_id'),
  compact: keyword('compact'),
  jurisdiction: keyword('jurisdiction'),
  licenseJurisdiction: keyword('license_jurisdiction'),
  licenseType: keyword('license_type'),
  dateOfIssuance: moment('date_of_issuance'),
  dateOfRenewal: moment('date_of_renewal'),
  dateOfExpiration: day('date_of_expiration'),
  dateOfUpdate: moment('date_of_update'),
  compactTransactionId: keyword('compact_transaction_id'),
  privilegeId: keyword('privilege_id'),
  administratorSetStatus: keyword('administrator_set_status'),
  status: privilegeStatusField,
  encumberedStatus: keyword('encumbered_status'),
  investigationStatus: keyword('investigation_status'),
  homeJurisdictionChangeStatus: keyword('home_jurisdiction_change_status'),
  licenseDeactivatedStatus: keyword('license_deactivated_status'),
}

const militaryFields: Record<string, Field> = {
  type: fixed('militaryAffiliation'),
  providerId: uuidField('provider_id'),
  compact: keyword('compact'),
  affiliationType: keyword('affiliation_type'),
  fileNames: keywords('file_names'),
  status: keyword('status'),
  dateOfUpload: moment('date_of_upload'),
  dateOfUpdate: moment('date_of_update'),
}

/** The provider document's own fields (the general shape: no date of birth, SSN or verification fields). */
const providerFields: Record<string, Field> = {
  type: fixed('provider'),
  providerId: uuidField('provider_id'),
  compact: keyword('compact'),
  licenseJurisdiction: keyword('license_jurisdiction'),
  currentHomeJurisdiction: keyword('current_home_jurisdiction'),
  licenseStatus: licenseStatusField,
  compactEligibility: licenseEligibility((alias) => sql.raw(`AND ${alias}.current_home_jurisdiction = ${alias}.license_jurisdiction`)),
  jurisdictionUploadedLicenseStatus: keyword('jurisdiction_uploaded_license_status'),
  jurisdictionUploadedCompactEligibility: keyword('jurisdiction_uploaded_compact_eligibility'),
  encumberedStatus: keyword('encumbered_status'),
  militaryStatus: keyword('military_status'),
  npi: keyword('npi'),
  givenName: { ...text('given_name'), folded: 'given_name_folded' },
  middleName: text('middle_name'),
  familyName: { ...text('family_name'), folded: 'family_name_folded' },
  suffix: keyword('suffix'),
  dateOfExpiration: day('date_of_expiration'),
  compactConnectRegisteredEmailAddress: keyword('compact_connect_registered_email_address'),
  privilegeJurisdictions: keywords('privilege_jurisdictions'),
  birthMonthDay: keyword('birth_month_day'),
  providerDateOfUpdate: moment('provider_date_of_update'),
  dateOfUpdate: moment('date_of_update'),
  // The web app sends `match: {licenseNumber}` at the top level; the original's index has no such field there
  // (it matched nothing). Here it finds providers holding a license with that number.
  licenseNumber: {
    kind: 'keyword',
    expression: column('license_number'),
    via: (alias, condition) => sql`EXISTS (SELECT 1 FROM licenses ln WHERE ln.provider_id = ${sql.raw(`${alias}.provider_id`)} AND ${condition(sql.raw('ln.license_number'))})`,
  },
}

/** A nested path: its fields, its table, how its rows join the parent row (SQL text), and its own nested paths. */
interface NestedPath {
  fields: Record<string, Field>
  table: string
  join: (alias: string, parent: string) => string
  children: Record<string, NestedPath>
}

/** Adverse actions and open investigations of the parent license or privilege row. */
const recordsOf = (fields: Record<string, Field>, table: 'adverse_actions' | 'investigations', against: 'license' | 'privilege'): NestedPath => ({
  fields,
  table,
  join: (alias, parent) =>
    `${alias}.provider_id = ${parent}.provider_id AND ${alias}.${table === 'adverse_actions' ? 'action_against' : 'investigation_against'} = '${against}' AND ${alias}.jurisdiction = ${parent}.jurisdiction AND ${alias}.license_type = ${parent}.license_type` +
    (table === 'investigations' ? ` AND ${alias}.close_date IS NULL` : ''),
  children: {},
})

const ownRows = (alias: string, parent: string) => `${alias}.provider_id = ${parent}.provider_id`

const rootPaths: Record<string, NestedPath> = {
  licenses: {
    fields: licenseFields,
    table: 'licenses',
    join: ownRows,
    children: {
      'licenses.adverseActions': recordsOf(adverseActionFields, 'adverse_actions', 'license'),
      'licenses.investigations': recordsOf(investigationFields, 'investigations', 'license'),
    },
  },
  privileges: {
    fields: privilegeFields,
    table: 'privileges',
    join: ownRows,
    children: {
      'privileges.adverseActions': recordsOf(adverseActionFields, 'adverse_actions', 'privilege'),
      'privileges.investigations': recordsOf(investigationFields, 'investigations', 'privilege'),
    },
  },
  militaryAffiliations: { fields: militaryFields, table: 'military_affiliations', join: ownRows, children: {} },
}

/** Where a clause is evaluated: the root provider row or a nested row. */
interface Scope {
  path: string | undefined
  alias: string
  fields: Record<string, Field>
  children: Record<string, NestedPath>
}

/** A `nested` clause on `privileges` asking for `inner_hits`: the export keeps only those privileges. */
export interface InnerHits {
  /** The nested clause's condition on a privilege row aliased `alias`. */
  condition: (alias: string) => SQL
}

export interface Translation {
  where: SQL
  /**
   * True when the condition matches words of the provider's own names (trigram-indexed). The page then must not be
   * read in name-index order: PostgreSQL would walk the index filtering every row through `cc_search_fold`, which
   * for a prefix late in the alphabet means most of the compact (see `orderBy`).
   */
  nameSearch: boolean
  /** Conditions of `nested` privilege clauses with `inner_hits` (the export's matched privileges). */
  privilegeInnerHits: InnerHits[]
}

interface Context {
  today: string
  nameSearch: boolean
  aliases: number
  clauses: number
  innerHits: InnerHits[]
  /** True while translating inside a `nested` clause that is being re-rendered for inner hits. */
  collectingInnerHits: boolean
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const isObject = (value: unknown): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The original's two pre-checks, in its order: depth first (iteratively, so no input can exhaust the stack),
 * then any `index`/`_index` key anywhere (terms lookups and more_like_this reaching another compact's index).
 */
export function checkQueryShape(query: unknown): void {
  const stack: [unknown, number, string][] = [[query, 1, 'query']]
  let nodes = 0
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!
    if (depth > MAX_QUERY_DEPTH) fail(`Query is too deeply nested (maximum depth: ${MAX_QUERY_DEPTH}).`)
    if (++nodes > MAX_CLAUSES * 8) fail('Query is too large.')
    if (Array.isArray(node)) node.forEach((item, index) => stack.push([item, depth + 1, `${path}[${index}]`]))
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'index' || key === '_index') fail(`Cross-index queries are not allowed. Found '${key}' at ${path}.${key}`)
        stack.push([value, depth + 1, `${path}.${key}`])
      }
    }
  }
}

/** Translates a validated request's `query` into a WHERE condition on `providers` aliased `pr`. */
export function translateQuery(query: unknown, options: { today: string }): Translation {
  checkQueryShape(query)
  const context: Context = { today: options.today, nameSearch: false, aliases: 0, clauses: 0, innerHits: [], collectingInnerHits: false }
  const root: Scope = { path: undefined, alias: 'pr', fields: providerFields, children: Object.fromEntries(Object.entries(rootPaths)) }
  const where = clause(query, root, context, 'query')
  return { where, nameSearch: context.nameSearch, privilegeInnerHits: context.innerHits }
}

const CLAUSES = ['match_all', 'term', 'terms', 'match', 'match_phrase_prefix', 'range', 'bool', 'nested'] as const

function clause(node: unknown, scope: Scope, context: Context, at: string): SQL {
  if (!isObject(node)) return fail(`Invalid request: ${at} must be a query clause object`)
  const keys = Object.keys(node)
  if (keys.length !== 1) return fail(`Invalid request: ${at} must hold exactly one query clause (${CLAUSES.join(', ')})`)
  const kind = keys[0]!
  if (++context.clauses > MAX_CLAUSES) fail(`Invalid request: more than ${MAX_CLAUSES} query clauses`)
  const body = node[kind]
  const where = `${at}.${kind}`
  switch (kind) {
    case 'match_all':
      if (!isObject(body) || Object.keys(body).some((key) => key !== 'boost')) fail(`Invalid request: ${where} takes an empty object`)
      return sql`TRUE`
    case 'term':
      return fieldClause(body, scope, context, where, ['value', 'boost', 'case_insensitive'], (field, value) => term(field, value))
    case 'terms':
      return termsClause(body, scope, context, where)
    case 'match':
      return fieldClause(body, scope, context, where, ['query', 'operator', 'boost'], (field, value, options) => match(field, value, options, where))
    case 'match_phrase_prefix':
      return fieldClause(body, scope, context, where, ['query', 'boost', 'max_expansions', 'slop'], (field, value) => phrasePrefix(field, value, where))
    case 'range':
      return rangeClause(body, scope, context, where)
    case 'bool':
      return boolClause(body, scope, context, where)
    case 'nested':
      return nestedClause(body, scope, context, where)
    default:
      return fail(`Invalid request: unknown query clause '${kind}' at ${at}; allowed: ${CLAUSES.join(', ')}`)
  }
}

// ---- fields ----

interface ResolvedField {
  field: Field
  /** `.keyword` sub-field of a text field: compared as a keyword. */
  kind: Kind
  name: string
  scope: Scope
  today: string
}

function resolveField(name: string, scope: Scope, context: Context, at: string): ResolvedField {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) fail(`Invalid request: invalid field name at ${at}`)
  const prefix = scope.path === undefined ? '' : `${scope.path}.`
  const nestedPath = Object.keys(scope.children).find((path) => name.startsWith(`${path}.`))
  if (nestedPath) fail(`Invalid request: field '${name}' must be queried inside a nested query on path '${nestedPath}' (at ${at})`)
  if (!name.startsWith(prefix)) fail(`Invalid request: field '${name}' is not a field of ${scope.path === undefined ? 'the provider' : `nested path '${scope.path}'`} (at ${at})`)
  let local = name.slice(prefix.length)
  let keywordSub = false
  if (local.endsWith('.keyword')) {
    local = local.slice(0, -'.keyword'.length)
    keywordSub = true
  }
  const field = Object.hasOwn(scope.fields, local) ? scope.fields[local] : undefined
  if (!field || (keywordSub && field.kind !== 'text')) return fail(`Invalid request: unknown or unsearchable field '${name}' at ${at}`)
  if (scope.path === undefined && field.kind === 'text' && !keywordSub) context.nameSearch = true
  return { field, kind: keywordSub ? 'keyword' : field.kind, name, scope, today: context.today }
}

/** The condition `test` applied to a field's expression (through its table or array when it has one). */
function on(resolved: ResolvedField, test: (expression: SQL) => SQL): SQL {
  const { field, scope } = resolved
  if (field.kind === 'keywordArray') {
    const inner = (expression: SQL) => sql`EXISTS (SELECT 1 FROM unnest(${expression}) AS element(value) WHERE ${test(sql.raw('element.value'))})`
    return field.via ? field.via(scope.alias, inner) : inner(field.expression(scope.alias, resolved.today))
  }
  if (field.via) return field.via(scope.alias, test)
  return test(field.expression(scope.alias, resolved.today))
}

/** The folded text of a text field: its stored folded column, or `cc_search_fold` of the expression. */
const folded = (resolved: ResolvedField, expression: SQL): SQL => (resolved.field.folded ? sql.raw(`${resolved.scope.alias}.${resolved.field.folded}`) : sql`cc_search_fold(${expression})`)

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (match) => `\\${match}`)
const hasWordCharacter = (value: string) => /[\p{L}\p{N}]/u.test(value)
const words = (value: string) => value.split(/[^\p{L}\p{N}']+/u).filter((word) => hasWordCharacter(word))

function scalar(value: unknown, at: string): string {
  if (typeof value === 'string') {
    if (value.length > MAX_STRING) fail(`Invalid request: value too long at ${at}`)
    return value
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'boolean') return String(value)
  return fail(`Invalid request: ${at} must be a string, number or boolean`)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/

/** A date value: `YYYY-MM-DD`, an ISO date-time (UTC when no offset) or epoch milliseconds; no date math. */
function dateValue(value: unknown, at: string): { day?: string; instant: string } {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    const moment = new Date(value)
    if (!Number.isNaN(moment.getTime())) return { instant: moment.toISOString() }
  }
  if (typeof value === 'string') {
    if (DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)) return { day: value, instant: `${value}T00:00:00.000Z` }
    if (DATE_TIME.test(value)) {
      const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`
      const moment = new Date(zoned)
      if (!Number.isNaN(moment.getTime())) return { instant: moment.toISOString() }
    }
  }
  return fail(`Invalid request: ${at} must be a date (YYYY-MM-DD), an ISO 8601 date-time or epoch milliseconds`)
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/** `expression = value` for one field kind (term semantics: not analysed). */
function equals(resolved: ResolvedField, value: unknown, at: string): SQL {
  switch (resolved.kind) {
    case 'uuid': {
      const text = scalar(value, at)
      return UUID.test(text) ? on(resolved, (expression) => sql`${expression} = ${text.toLowerCase()}::uuid`) : sql`FALSE`
    }
    case 'keyword':
    case 'keywordArray': {
      const text = scalar(value, at)
      return on(resolved, (expression) => sql`${expression} = ${text}`)
    }
    case 'text': {
      // A term is one token of the analysed text, compared as given (so upper case never matches, as in OpenSearch).
      const text = scalar(value, at)
      if (/\s/.test(text) || text === '') return sql`FALSE`
      return on(resolved, (expression) => sql`${folded(resolved, expression)} LIKE ${`% ${escapeLike(text)} %`}`)
    }
    case 'date': {
      const parsed = dateValue(value, at)
      return parsed.day
        ? on(resolved, (expression) => sql`${expression} = ${parsed.day}::date`)
        : on(resolved, (expression) => sql`(${expression}::timestamp AT TIME ZONE 'UTC') = ${parsed.instant}::timestamptz`)
    }
    case 'timestamp': {
      const parsed = dateValue(value, at)
      return on(resolved, (expression) => sql`${expression} = ${parsed.instant}::timestamptz`)
    }
    default:
      return fail(`Invalid request: unsupported field at ${at}`)
  }
}

function term(resolved: ResolvedField, value: unknown): SQL {
  return equals(resolved, value, resolved.name)
}

function match(resolved: ResolvedField, value: unknown, options: Record<string, Json>, at: string): SQL {
  if (resolved.kind !== 'text') return equals(resolved, value, at)
  const operator = options.operator ?? 'or'
  if (operator !== 'or' && operator !== 'and' && operator !== 'OR' && operator !== 'AND') fail(`Invalid request: ${at}.operator must be 'or' or 'and'`)
  const tokens = words(scalar(value, at)).slice(0, 32)
  if (tokens.length === 0) return sql`FALSE`
  const conditions = tokens.map((token) => on(resolved, (expression) => sql`${folded(resolved, expression)} LIKE '%' || cc_search_fold(${token}) || '%'`))
  return sql`(${sql.join(conditions, sql.raw(String(operator).toLowerCase() === 'and' ? ' AND ' : ' OR '))})`
}

function phrasePrefix(resolved: ResolvedField, value: unknown, at: string): SQL {
  const text = scalar(value, at)
  switch (resolved.kind) {
    case 'text':
      // Tokens in order, the last one a prefix: ' der b' inside ' van der berg '.
      if (!hasWordCharacter(text)) return sql`FALSE`
      return on(resolved, (expression) => sql`${folded(resolved, expression)} LIKE '%' || rtrim(cc_search_fold(${text})) || '%'`)
    case 'keyword':
    case 'keywordArray':
      return on(resolved, (expression) => sql`${expression} LIKE ${`${escapeLike(text)}%`}`)
    case 'uuid':
      return on(resolved, (expression) => sql`${expression}::text LIKE ${`${escapeLike(text.toLowerCase())}%`}`)
    default:
      return fail(`Invalid request: match_phrase_prefix is only supported on text and keyword fields (at ${at})`)
  }
}

/** `{field: value}` or `{field: {<valueKey>: value, …options}}` with exactly one field. */
function fieldClause(body: unknown, scope: Scope, context: Context, at: string, optionKeys: string[], build: (field: ResolvedField, value: unknown, options: Record<string, Json>) => SQL): SQL {
  if (!isObject(body)) return fail(`Invalid request: ${at} must be an object`)
  const names = Object.keys(body).filter((key) => key !== 'boost')
  if (names.length !== 1) return fail(`Invalid request: ${at} must name exactly one field`)
  const name = names[0]!
  const resolved = resolveField(name, scope, context, `${at}.${name}`)
  const given = body[name]
  if (isObject(given)) {
    const valueKey = optionKeys[0]!
    for (const key of Object.keys(given)) if (!optionKeys.includes(key)) fail(`Invalid request: unknown option '${key}' at ${at}.${name}`)
    if (!(valueKey in given)) fail(`Invalid request: ${at}.${name}.${valueKey} is required`)
    if (given.case_insensitive !== undefined && given.case_insensitive !== false) fail(`Invalid request: case_insensitive is not supported (at ${at}.${name})`)
    return build(resolved, given[valueKey], given)
  }
  return build(resolved, given, {})
}

function termsClause(body: unknown, scope: Scope, context: Context, at: string): SQL {
  if (!isObject(body)) return fail(`Invalid request: ${at} must be an object`)
  const names = Object.keys(body).filter((key) => key !== 'boost')
  if (names.length !== 1) return fail(`Invalid request: ${at} must name exactly one field`)
  const name = names[0]!
  const values = body[name]
  if (!Array.isArray(values)) return fail('A terms query must be a plain list of values.')
  if (values.length > MAX_TERMS) fail(`Invalid request: at most ${MAX_TERMS} values in ${at}.${name}`)
  const resolved = resolveField(name, scope, context, `${at}.${name}`)
  if (values.length === 0) return sql`FALSE`
  if (resolved.kind === 'keyword' || resolved.kind === 'keywordArray') {
    const texts = values.map((value, index) => scalar(value, `${at}.${name}[${index}]`))
    return on(resolved, (expression) => sql`${expression} = ANY(${sql.param(texts)}::text[])`)
  }
  if (resolved.kind === 'uuid') {
    const ids = values.map((value, index) => scalar(value, `${at}.${name}[${index}]`)).filter((value) => UUID.test(value))
    return ids.length === 0 ? sql`FALSE` : on(resolved, (expression) => sql`${expression} = ANY(${sql.param(ids.map((id) => id.toLowerCase()))}::uuid[])`)
  }
  return sql`(${sql.join(
    values.map((value, index) => equals(resolved, value, `${at}.${name}[${index}]`)),
    sql.raw(' OR '),
  )})`
}

const RANGE_KEYS = ['gte', 'gt', 'lte', 'lt', 'format', 'boost']

function rangeClause(body: unknown, scope: Scope, context: Context, at: string): SQL {
  if (!isObject(body)) return fail(`Invalid request: ${at} must be an object`)
  const names = Object.keys(body)
  if (names.length !== 1) return fail(`Invalid request: ${at} must name exactly one field`)
  const name = names[0]!
  const bounds = body[name]
  const where = `${at}.${name}`
  if (!isObject(bounds)) return fail(`Invalid request: ${where} must be an object of bounds (gte, gt, lte, lt)`)
  for (const key of Object.keys(bounds)) if (!RANGE_KEYS.includes(key)) fail(`Invalid request: unknown range option '${key}' at ${where}`)
  if (bounds.format !== undefined && bounds.format !== 'yyyy-MM-dd' && bounds.format !== 'strict_date_optional_time') fail(`Invalid request: unsupported range format at ${where}`)
  const resolved = resolveField(name, scope, context, where)
  const present = (['gte', 'gt', 'lte', 'lt'] as const).filter((key) => bounds[key] !== undefined && bounds[key] !== null)
  if (present.length === 0) return sql`TRUE`
  const conditions = present.map((key) => bound(resolved, key, bounds[key], `${where}.${key}`))
  return sql`(${sql.join(conditions, sql.raw(' AND '))})`
}

const OPERATOR = { gte: '>=', gt: '>', lte: '<=', lt: '<' } as const

/**
 * One bound. Dates without a time follow OpenSearch's missing-component rule: `gte`/`lt` take the day's first
 * moment, `gt`/`lte` its last, so `lte: "2025-01-31"` includes all of January 31 on a date-time field.
 */
function bound(resolved: ResolvedField, key: keyof typeof OPERATOR, value: unknown, at: string): SQL {
  switch (resolved.kind) {
    case 'keyword':
    case 'keywordArray': {
      const text = scalar(value, at)
      return on(resolved, (expression) => sql`${expression} ${sql.raw(OPERATOR[key])} ${text}`)
    }
    case 'date': {
      const parsed = dateValue(value, at)
      if (parsed.day) return on(resolved, (expression) => sql`${expression} ${sql.raw(OPERATOR[key])} ${parsed.day}::date`)
      return on(resolved, (expression) => sql`(${expression}::timestamp AT TIME ZONE 'UTC') ${sql.raw(OPERATOR[key])} ${parsed.instant}::timestamptz`)
    }
    case 'timestamp': {
      const parsed = dateValue(value, at)
      if (parsed.day) {
        const start = `${parsed.day}T00:00:00.000Z`
        const end = `${nextDay(parsed.day)}T00:00:00.000Z`
        const [operator, instant] = key === 'gte' ? ['>=', start] : key === 'lt' ? ['<', start] : key === 'gt' ? ['>=', end] : ['<', end]
        return on(resolved, (expression) => sql`${expression} ${sql.raw(operator)} ${instant}::timestamptz`)
      }
      return on(resolved, (expression) => sql`${expression} ${sql.raw(OPERATOR[key])} ${parsed.instant}::timestamptz`)
    }
    default:
      return fail(`Invalid request: range is not supported on field '${resolved.name}' (at ${at})`)
  }
}

const BOOL_KEYS = ['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost']

function boolClause(body: unknown, scope: Scope, context: Context, at: string): SQL {
  if (!isObject(body)) return fail(`Invalid request: ${at} must be an object`)
  for (const key of Object.keys(body)) if (!BOOL_KEYS.includes(key)) fail(`Invalid request: unknown bool option '${key}' at ${at}`)
  const list = (key: string): SQL[] => {
    const value = body[key]
    if (value === undefined) return []
    if (!Array.isArray(value)) return fail(`Invalid request: ${at}.${key} must be a list of query clauses`)
    return value.map((item, index) => clause(item, scope, context, `${at}.${key}[${index}]`))
  }
  const required = [...list('must'), ...list('filter')]
  const excluded = list('must_not')
  const optional = list('should')
  const parts: SQL[] = [...required, ...excluded.map((condition) => sql`NOT (${condition})`)]
  // OpenSearch: with must/filter present `should` only scores (minimum 0), otherwise at least one should match.
  const minimum = minimumShouldMatch(body.minimum_should_match, optional.length, required.length > 0 ? 0 : 1, at)
  if (optional.length > 0 && minimum > 0) {
    if (minimum > optional.length) parts.push(sql`FALSE`)
    else if (minimum === 1) parts.push(sql`(${sql.join(optional, sql.raw(' OR '))})`)
    else
      parts.push(
        sql`((${sql.join(
          optional.map((condition) => sql`(CASE WHEN ${condition} THEN 1 ELSE 0 END)`),
          sql.raw(' + '),
        )}) >= ${minimum})`,
      )
  }
  return parts.length === 0 ? sql`TRUE` : sql`(${sql.join(parts, sql.raw(' AND '))})`
}

/** `minimum_should_match`: an integer (negative: all but that many) or a percentage string, as OpenSearch reads it. */
function minimumShouldMatch(value: Json | undefined, count: number, fallback: number, at: string): number {
  if (value === undefined) return fallback
  const text = typeof value === 'number' ? String(value) : value
  if (typeof text !== 'string') return fail(`Invalid request: ${at}.minimum_should_match must be an integer or a percentage`)
  const integer = /^-?\d{1,4}$/.exec(text)
  if (integer) {
    const n = Number(text)
    return Math.max(0, n < 0 ? count + n : n)
  }
  const percent = /^(-?)(\d{1,3})%$/.exec(text)
  if (percent) {
    const share = Math.floor((count * Number(percent[2])) / 100)
    return Math.max(0, percent[1] ? count - share : share)
  }
  return fail(`Invalid request: ${at}.minimum_should_match must be an integer or a percentage`)
}

const NESTED_KEYS = ['path', 'query', 'inner_hits', 'score_mode', 'ignore_unmapped']
const INNER_HITS_KEYS = ['from', 'name', 'size']

function nestedClause(body: unknown, scope: Scope, context: Context, at: string): SQL {
  if (!isObject(body)) return fail(`Invalid request: ${at} must be an object`)
  for (const key of Object.keys(body)) if (!NESTED_KEYS.includes(key)) fail(`Invalid request: unknown nested option '${key}' at ${at}`)
  const path = body.path
  if (typeof path !== 'string') return fail(`Invalid request: ${at}.path is required`)
  const nested = Object.hasOwn(scope.children, path) ? scope.children[path] : undefined
  if (!nested) return fail(`Invalid request: unknown nested path '${path}' at ${at}.path`)
  if (body.query === undefined) return fail(`Invalid request: ${at}.query is required`)
  if (body.inner_hits !== undefined) {
    if (!isObject(body.inner_hits)) return fail(`Invalid request: ${at}.inner_hits must be an object`)
    for (const key of Object.keys(body.inner_hits)) if (!INNER_HITS_KEYS.includes(key)) fail(`'${key}' is not allowed in inner_hits. Allowed: ${INNER_HITS_KEYS.join(', ')}.`)
  }
  if (body.score_mode !== undefined && !['avg', 'max', 'min', 'sum', 'none'].includes(String(body.score_mode))) fail(`Invalid request: ${at}.score_mode is invalid`)
  const inner = (alias: string): SQL => {
    const child: Scope = { path, alias, fields: nested.fields, children: nested.children }
    return clause(body.query, child, context, `${at}.query`)
  }
  const alias = `n${++context.aliases}`
  const condition = sql`EXISTS (SELECT 1 FROM ${sql.raw(`${nested.table} ${alias}`)} WHERE ${sql.raw(nested.join(alias, scope.alias))} AND ${inner(alias)})`
  if (path === 'privileges' && scope.path === undefined && body.inner_hits !== undefined && !context.collectingInnerHits) {
    const query = body.query
    const today = context.today
    context.innerHits.push({
      condition: (rowAlias: string) => {
        const replay: Context = { today, nameSearch: false, aliases: 0, clauses: 0, innerHits: [], collectingInnerHits: true }
        return clause(query, { path, alias: rowAlias, fields: nested.fields, children: nested.children }, replay, `${at}.query`)
      },
    })
  }
  return condition
}

// ---- sorting and search_after ----

/** Sortable fields (the original's allow-list: sort values are echoed as `lastSort`, so only non-sensitive fields). */
export const SORTABLE = {
  dateOfExpiration: { expression: 'pr.date_of_expiration', kind: 'date' },
  dateOfUpdate: { expression: 'pr.date_of_update', kind: 'timestamp' },
  'familyName.keyword': { expression: 'pr.family_name COLLATE "C"', kind: 'keyword' },
  'givenName.keyword': { expression: 'pr.given_name COLLATE "C"', kind: 'keyword' },
  providerId: { expression: 'pr.provider_id', kind: 'uuid' },
} as const
export type SortField = keyof typeof SORTABLE
export interface SortKey {
  field: SortField
  descending: boolean
}

export function parseSort(sort: unknown): SortKey[] | undefined {
  if (sort === undefined) return undefined
  if (!Array.isArray(sort) || sort.length === 0 || sort.length > Object.keys(SORTABLE).length) return fail('Invalid request: sort must be a list of {field: {order}} objects')
  return sort.map((entry) => {
    if (!isObject(entry) || Object.keys(entry).length !== 1) return fail('Invalid request: each sort entry must be one {field: {order}} object')
    const field = Object.keys(entry)[0]!
    if (!Object.hasOwn(SORTABLE, field)) return fail(`Sorting by '${field}' is not allowed. Sortable fields: ${Object.keys(SORTABLE).join(', ')}.`)
    const options = entry[field]
    if (!isObject(options) || Object.keys(options).some((key) => key !== 'order')) return fail(`Invalid request: sort options for '${field}' must be {order}`)
    if (options.order !== 'asc' && options.order !== 'desc') return fail(`Invalid sort order '${String(options.order)}'. Allowed values: asc, desc.`)
    return { field: field as SortField, descending: options.order === 'desc' }
  })
}

/**
 * ORDER BY for the request's sort (provider id last, so pages never overlap), or the default order. For a name
 * search (`nameSearch`) the name keys are written `(name || '')`: the same order, but one the name-order index
 * cannot serve, so PostgreSQL takes the few rows the trigram index finds and sorts them.
 */
export function orderBy(sort: SortKey[] | undefined, options: { nameSearch?: boolean } = {}): SQL {
  const keys = sort ?? [
    { field: 'familyName.keyword', descending: false },
    { field: 'givenName.keyword', descending: false },
  ]
  const expression = (field: SortField) =>
    options.nameSearch && (field === 'familyName.keyword' || field === 'givenName.keyword') ? SORTABLE[field].expression.replace(/^pr\.(\w+)/, "(pr.$1 || '')") : SORTABLE[field].expression
  const parts = keys.map((key) => `${expression(key.field)} ${key.descending ? 'DESC' : 'ASC'}`)
  if (!keys.some((key) => key.field === 'providerId')) parts.push('pr.provider_id ASC')
  return sql.raw(parts.join(', '))
}

/** The sort values of a row, as OpenSearch reports them (`lastSort`): dates as epoch milliseconds, keywords as strings. */
export function sortValues(sort: SortKey[], row: { familyName: string; givenName: string; providerId: string; dateOfExpiration: string; dateOfUpdate: Date }): (string | number)[] {
  return sort.map(({ field }) => {
    switch (field) {
      case 'dateOfExpiration':
        return Date.parse(`${row.dateOfExpiration}T00:00:00Z`)
      case 'dateOfUpdate':
        return row.dateOfUpdate.getTime()
      case 'familyName.keyword':
        return row.familyName
      case 'givenName.keyword':
        return row.givenName
      case 'providerId':
        return row.providerId
    }
  })
}

/** Rows strictly after `values` in the sort order (lexicographic over the sort keys). */
export function searchAfter(sort: SortKey[], values: unknown): SQL {
  if (!Array.isArray(values) || values.length !== sort.length) return fail('Invalid request: search_after must hold one value per sort field')
  const comparisons = sort.map((key, index) => {
    const value = values[index]
    const at = `search_after[${index}]`
    const { expression, kind } = SORTABLE[key.field]
    let bound: SQL
    if (kind === 'date') {
      const parsed = dateValue(value, at)
      bound = parsed.day ? sql`${parsed.day}::date` : sql`(${parsed.instant}::timestamptz AT TIME ZONE 'UTC')::date`
    } else if (kind === 'timestamp') {
      bound = sql`${dateValue(value, at).instant}::timestamptz`
    } else if (kind === 'uuid') {
      const text = scalar(value, at)
      if (!UUID.test(text)) fail(`Invalid request: ${at} must be a provider id`)
      bound = sql`${text.toLowerCase()}::uuid`
    } else {
      bound = sql`${scalar(value, at)}`
    }
    return { column: sql.raw(expression), bound, descending: key.descending }
  })
  const alternatives = comparisons.map((comparison, index) => {
    const equalities = comparisons.slice(0, index).map((earlier) => sql`${earlier.column} = ${earlier.bound}`)
    const beyond = sql`${comparison.column} ${sql.raw(comparison.descending ? '<' : '>')} ${comparison.bound}`
    return equalities.length === 0 ? beyond : sql`(${sql.join([...equalities, beyond], sql.raw(' AND '))})`
  })
  return sql`(${sql.join(alternatives, sql.raw(' OR '))})`
}
