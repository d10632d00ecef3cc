/**
 * Contract tests generated from a GraphQL schema, for any Hearth GraphQL app (Devmarkt, Gom).
 *
 * Given the running app (`inject`), its schema (executable, or SDL) and a few adapters that say
 * what only the app knows (who is anonymous, who lacks a field's requirement, which fields need
 * what, what the app's documented error shape is), it builds its requests from the schema itself —
 * never from a hand list — and checks:
 *
 * - refusals: every Query/Mutation root field that needs authentication refuses an anonymous
 *   caller and a caller lacking its requirement, in the app's shape. Arguments are filled with
 *   type-correct samples derived from the SDL types (scalars — a custom one gets the first of a few
 *   candidates its `parseValue` accepts —, enums, input objects recursively, lists), and the
 *   selection is `__typename` (or nothing for a leaf);
 * - null acceptance: every nullable argument and input field accepts `null` (as a variable and as
 *   a literal) without a type error: execution starts (`data` is an object);
 * - fuzz: a bounded, seeded set of hostile values per root field (wrong types, null for non-null,
 *   extreme numbers, 100k-character strings, NUL and lone surrogates, deep values, wrongly typed
 *   variables; as variables, literals and over GET) and of hostile requests (malformed JSON, wrong
 *   content types, junk query strings, hostile headers, deep, wide and huge documents). Every
 *   answer must be below 500, JSON, in the app's error shape whenever it is not a plain success,
 *   free of stack traces, JavaScript error names and library names; the app must still answer
 *   afterwards.
 *
 * Use `graphqlContractTests(() => options)` to register the tests (one subtest per field), or
 * `new GraphqlContract(options)` and its `check…` methods for reports to assert on yourself.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql'

import { LEAKS, prng, type ContractHeaders, type ContractResponse } from './contract-common.ts'

export type { ContractHeaders, ContractResponse } from './contract-common.ts'

export interface RootField {
  operation: 'query' | 'mutation'
  name: string
  /** The field with its AST node (`field.astNode?.directives` holds e.g. `@Auth`). */
  field: GraphQLField<unknown, unknown>
  parentType: GraphQLObjectType
}

export type ContractCaller = 'anonymous' | 'lacking'

export interface GraphqlContractOptions {
  app: Pick<FastifyInstance, 'inject'>
  /** The executable schema (preferred: custom scalars' `parseValue` choose samples) or its SDL. */
  schema: GraphQLSchema | string
  /** Default `/graphql`. */
  path?: string
  /** Headers of an anonymous caller (default none). */
  anonymousHeaders?: ContractHeaders
  /** What a root field requires (a role, a permission, …), or `undefined` when it is public. */
  requirement(field: RootField): string | undefined
  /** Headers of an authenticated caller lacking `requirement`; `undefined` when no such caller exists. */
  headersLacking(requirement: string, field: RootField): ContractHeaders | undefined | Promise<ContractHeaders | undefined>
  /** Headers of a caller allowed to call the field; null acceptance and the fuzz run as it. Default: anonymous. */
  allowedHeaders?(field: RootField): ContractHeaders | Promise<ContractHeaders>
  /**
   * Headers of the liveness check (`{ __typename }` must still answer after each fuzz), for an app
   * whose every request needs a session, CSRF header or cookie. Default: `anonymousHeaders`.
   */
  liveHeaders?(): ContractHeaders | Promise<ContractHeaders>
  /**
   * How deep input samples fill optional fields: at this nesting depth and below, an input object
   * gets only its non-null fields and a list is empty. Default 7. A schema whose filters nest each
   * other (Prisma 1's `XWhereInput`) needs a small value (1: only the arguments' own fields).
   */
  sampleDepth?: number
  /**
   * Whether the null-acceptance check descends into an input object at `path` (each type is
   * expanded once per branch, up to 8 path segments, in any case). Default: always. E.g. expand a
   * filter type only where it is the argument itself, not inside another filter.
   */
  expandInput?(type: GraphQLInputObjectType, path: readonly (string | number)[]): boolean
  /**
   * Whether an answer rejects the arguments themselves (a type or validation error), as opposed to
   * a refusal during execution (an owner guard, a business rule), which still means the null was
   * accepted. Default: anything but a status below 400 with a `data` object. `isRequestError` is
   * GraphQL's own distinction: a status of 400 or more, or an error without `path`.
   */
  isInputRejection?(response: ContractResponse, field: RootField): boolean
  /** Whether a response (status, headers, body) is in the app's documented error shape. */
  isErrorShape(response: ContractResponse): boolean
  /**
   * Whether `response` refuses `field` to `caller`. Default: in the error shape, below 500, the
   * field's data null and at least one error.
   */
  isRefusal?(response: ContractResponse, field: RootField, caller: ContractCaller): boolean
  /** A sample input value for a custom scalar (default: the first candidate its `parseValue` accepts). */
  sampleScalar?(type: GraphQLScalarType): unknown
  /** PRNG seed of the fuzz (default 20261122): a failure replays exactly. */
  seed?: number
  /** Hostile values per root field (default 40). */
  casesPerField?: number
  /** Text no response may contain, beyond the built-in list (stack traces, JS error names, library names). */
  forbiddenText?: RegExp
  /**
   * The status of a malformed request (envelope, document limits, operation selection), when the
   * app documents one (GraphQL over HTTP: 400; Devmarkt's original: 200 with the error in the body).
   * Transport refusals (unparseable JSON, method, size, media type) may answer 400, 405, 413 or 415.
   * Default: any status below 500, as long as it is not a success.
   */
  requestErrorStatus?: number
}

/**
 * GraphQL's line between a request error and a field error: parse, validation and variable
 * coercion errors (the arguments are refused before execution) carry no `path`; an error raised
 * while executing a field does. A status of 400 or more is a request error too.
 */
export function isRequestError(response: ContractResponse): boolean {
  if (response.status >= 400) return true
  const errors = (response.body as { errors?: unknown } | undefined)?.errors
  return Array.isArray(errors) && errors.some((error) => typeof error !== 'object' || error === null || !Array.isArray((error as { path?: unknown }).path))
}

export interface ContractReport {
  cases: number
  failures: string[]
}

/**
 * A value written into JSON and GraphQL text exactly as given: numbers beyond 2^53, `-0`, `1e308`,
 * or a 5,000-deep value built as text (the serializers here would recurse).
 */
export class RawValue {
  constructor(
    readonly json: string,
    readonly literal: string = json,
  ) {}
}

const raw = (text: string) => new RawValue(text)

type Path = (string | number)[]

type RequestCase = [label: string, request: Parameters<GraphqlContract['send']>[0], mustRefuse?: boolean]

interface Position {
  path: Path
  type: GraphQLInputType
}

interface Case {
  label: string
  /** The document, its variables (a value tree that may hold RawValue) and the delivery. */
  query: string
  variables?: unknown
  method: 'POST' | 'GET'
  headers: ContractHeaders
  /** The value can never be valid (NUL, a lone surrogate, a 200-deep value): the answer must be an error. */
  invalid?: boolean
}

/** JSON text of a value tree, RawValue written verbatim. */
export function toJson(value: unknown): string {
  if (value instanceof RawValue) return value.json
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`
  if (typeof value === 'object' && value !== null)
    return `{${Object.entries(value)
      .map(([key, entry]) => `${JSON.stringify(key)}:${toJson(entry)}`)
      .join(',')}}`
  if (typeof value === 'bigint') return value.toString()
  return JSON.stringify(value) ?? 'null'
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/

/** GraphQL literal text of a value tree for an input type (enums bare, the rest as GraphQL writes JSON-like values). */
export function toLiteral(value: unknown, type: GraphQLInputType | undefined): string {
  if (value === null || value === undefined) return 'null'
  if (value instanceof RawValue) return value.literal
  const nullable = type && isNonNullType(type) ? type.ofType : type
  if (nullable && isListType(nullable)) {
    return Array.isArray(value) ? `[${value.map((item) => toLiteral(item, nullable.ofType)).join(', ')}]` : toLiteral(value, nullable.ofType)
  }
  if (nullable && isEnumType(nullable) && typeof value === 'string' && NAME.test(value)) return value
  if (Array.isArray(value)) return `[${value.map((item) => toLiteral(item, undefined)).join(', ')}]`
  if (typeof value === 'object') {
    const fields = nullable && isInputObjectType(nullable) ? nullable.getFields() : {}
    const entries = Object.entries(value as Record<string, unknown>).filter(([key]) => NAME.test(key))
    return `{${entries.map(([key, entry]) => `${key}: ${toLiteral(entry, fields[key]?.type)}`).join(', ')}}`
  }
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

const SCALAR_SAMPLES: Record<string, unknown> = { String: 'sample', ID: '1', Int: 1, Float: 1.5, Boolean: true }
const CUSTOM_SCALAR_CANDIDATES: unknown[] = ['sample', 1, '1', true, 1.5, '2020-01-01T00:00:00Z', 'a@example.org', '00000000-0000-4000-8000-000000000000', {}]

export class GraphqlContract {
  readonly schema: GraphQLSchema
  private readonly path: string
  private readonly random: ReturnType<typeof prng>

  constructor(readonly options: GraphqlContractOptions) {
    this.schema = typeof options.schema === 'string' ? buildSchema(options.schema) : options.schema
    this.path = options.path ?? '/graphql'
    this.random = prng(options.seed ?? 20261122)
  }

  /** Every Query and Mutation root field, in schema order. */
  rootFields(): RootField[] {
    const found: RootField[] = []
    for (const [operation, type] of [
      ['query', this.schema.getQueryType()],
      ['mutation', this.schema.getMutationType()],
    ] as const) {
      if (!type) continue
      for (const field of Object.values(type.getFields())) found.push({ operation, name: field.name, field, parentType: type })
    }
    return found
  }

  /** A type-correct sample value (JSON-safe) for an input type. */
  sample(type: GraphQLInputType, depth = 0): unknown {
    const deep = depth >= (this.options.sampleDepth ?? 7)
    if (isNonNullType(type)) return this.sample(type.ofType, depth)
    if (isListType(type)) return deep ? [] : [this.sample(type.ofType, depth + 1)]
    if (isEnumType(type)) return type.getValues()[0]?.name ?? null
    if (isScalarType(type)) return this.scalarSample(type)
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields())
      const chosen = (type as { isOneOf?: boolean }).isOneOf ? fields.slice(0, 1) : fields
      const value: Record<string, unknown> = {}
      for (const field of chosen) {
        if (deep && !isNonNullType(field.type)) continue
        value[field.name] = this.sample(field.type, depth + 1)
      }
      return value
    }
    return null
  }

  /** Samples for every argument of a root field (nullable ones too: "effectively required" inputs pass). */
  sampleArguments(field: RootField): Record<string, unknown> {
    return Object.fromEntries(field.field.args.map((argument) => [argument.name, this.sample(argument.type)]))
  }

  /**
   * A document calling one root field with the given argument values, as variables (declared with
   * the arguments' types, or `variableTypes` to override) or inline literals.
   */
  document(field: RootField, values: Record<string, unknown>, form: 'variables' | 'literals', variableTypes: Record<string, string> = {}): { query: string; variables?: Record<string, unknown> } {
    const names = field.field.args.map((argument) => argument.name).filter((name) => name in values)
    const selection = isLeafType(getNamedType(field.field.type)) ? '' : ' { __typename }'
    if (names.length === 0) return { query: `${field.operation} { ${field.name}${selection} }` }
    if (form === 'literals') {
      const args = names.map((name) => `${name}: ${toLiteral(values[name], field.field.args.find((argument) => argument.name === name)!.type)}`)
      return { query: `${field.operation} { ${field.name}(${args.join(', ')})${selection} }` }
    }
    const declarations = names.map((name) => `$${name}: ${variableTypes[name] ?? String(field.field.args.find((argument) => argument.name === name)!.type)}`)
    const args = names.map((name) => `${name}: $${name}`)
    return {
      query: `${field.operation} Contract(${declarations.join(', ')}) { ${field.name}(${args.join(', ')})${selection} }`,
      variables: Object.fromEntries(names.map((name) => [name, values[name]])),
    }
  }

  /**
   * The sample arguments with `value` at `path`. Containers missing on the way (an optional input
   * the sample left out, an empty list) are filled with a sample holding their required fields, so
   * only the value at `path` differs from a valid request.
   */
  argumentsWith(field: RootField, path: Path, value: unknown): Record<string, unknown> {
    const root = structuredClone(this.sampleArguments(field)) as Record<string | number, unknown>
    let container: Record<string | number, unknown> = root
    let type: GraphQLInputType | undefined = field.field.args.find((argument) => argument.name === path[0])?.type
    for (let index = 0; index < path.length - 1; index++) {
      const key = path[index]!
      const nullable = type && isNonNullType(type) ? type.ofType : type
      let next = container[key]
      if (typeof next !== 'object' || next === null) container[key] = next = nullable && isListType(nullable) ? [] : nullable ? this.sample(nullable, Number.MAX_SAFE_INTEGER) : {}
      const nextKey = path[index + 1]!
      type = typeof nextKey === 'number' ? (nullable && isListType(nullable) ? nullable.ofType : undefined) : nullable && isInputObjectType(nullable) ? nullable.getFields()[nextKey]?.type : undefined
      container = next as Record<string | number, unknown>
    }
    container[path[path.length - 1]!] = value
    return root
  }

  /** Every argument and every input field reachable from them (list items at index 0), each input type expanded once per branch. */
  positions(field: RootField): Position[] {
    const found: Position[] = []
    const visit = (type: GraphQLInputType, path: Path, expanding: Set<string>) => {
      found.push({ path, type })
      let inner: GraphQLInputType = isNonNullType(type) ? type.ofType : type
      const itemPath = [...path]
      while (isListType(inner)) {
        itemPath.push(0)
        inner = isNonNullType(inner.ofType) ? inner.ofType.ofType : inner.ofType
      }
      if (!isInputObjectType(inner) || expanding.has(inner.name) || path.length > 8) return
      if (this.options.expandInput && !this.options.expandInput(inner, path)) return
      const next = new Set(expanding).add(inner.name)
      for (const child of Object.values(inner.getFields())) visit(child.type, [...itemPath, child.name], next)
    }
    for (const argument of field.field.args) visit(argument.type, [argument.name], new Set())
    return found
  }

  async send(request: {
    method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD'
    url?: string
    headers?: ContractHeaders
    payload?: string | Buffer
  }): Promise<ContractResponse | undefined> {
    let response
    try {
      response = await this.options.app.inject({ method: request.method, url: request.url ?? this.path, headers: request.headers, payload: request.payload })
    } catch (error) {
      // inject refuses header values Node's HTTP parser would refuse too: such a request cannot arrive.
      if (/Invalid character in header|Invalid header value/i.test((error as Error).message)) return undefined
      throw error
    }
    let body: unknown
    try {
      body = response.body.length > 0 ? JSON.parse(response.body) : undefined
    } catch {
      body = undefined
    }
    return { status: response.statusCode, headers: response.headers, text: response.body, body }
  }

  private async sendCase(item: Case): Promise<ContractResponse | undefined> {
    if (item.method === 'GET') {
      const parameters = new URLSearchParams({ query: item.query })
      if (item.variables !== undefined) parameters.set('variables', toJson(item.variables))
      return this.send({ method: 'GET', url: `${this.path}?${parameters}`, headers: item.headers })
    }
    const payload = `{"query":${JSON.stringify(item.query)}${item.variables === undefined ? '' : `,"variables":${toJson(item.variables)}`}}`
    return this.send({ method: 'POST', headers: { ...item.headers, 'content-type': 'application/json' }, payload })
  }

  /** (a) Every guarded root field refuses an anonymous caller and a caller lacking its requirement. */
  async checkRefusals(only?: RootField): Promise<ContractReport> {
    const report: ContractReport = { cases: 0, failures: [] }
    for (const field of only ? [only] : this.rootFields()) {
      const requirement = this.options.requirement(field)
      if (requirement === undefined) continue
      const callers: [ContractCaller, ContractHeaders | undefined][] = [
        ['anonymous', this.options.anonymousHeaders ?? {}],
        ['lacking', await this.options.headersLacking(requirement, field)],
      ]
      for (const [caller, headers] of callers) {
        if (!headers) continue
        for (const form of ['variables', 'literals'] as const) {
          const { query, variables } = this.document(field, this.sampleArguments(field), form)
          const response = await this.sendCase({ label: '', query, variables, method: 'POST', headers })
          report.cases++
          const refused = response !== undefined && (this.options.isRefusal ?? this.defaultRefusal)(response, field, caller)
          if (!refused) report.failures.push(`${field.operation}.${field.name} as ${caller} (${form}) was not refused: ${describe(response)}`)
        }
      }
    }
    return report
  }

  private readonly defaultRefusal = (response: ContractResponse, field: RootField) => {
    const body = response.body as { data?: Record<string, unknown> | null; errors?: unknown[] } | undefined
    return response.status < 500 && this.options.isErrorShape(response) && (body?.data?.[field.name] ?? null) === null && (body?.errors?.length ?? 0) > 0
  }

  /** (b) Every nullable argument and input field accepts `null`: no type error, execution starts. */
  async checkNullAcceptance(only?: RootField): Promise<ContractReport> {
    const report: ContractReport = { cases: 0, failures: [] }
    for (const field of only ? [only] : this.rootFields()) {
      const headers = (await this.options.allowedHeaders?.(field)) ?? this.options.anonymousHeaders ?? {}
      for (const position of this.positions(field)) {
        if (isNonNullType(position.type)) continue
        const values = this.argumentsWith(field, position.path, null)
        for (const form of ['variables', 'literals'] as const) {
          const { query, variables } = this.document(field, values, form)
          const response = await this.sendCase({ label: '', query, variables, method: 'POST', headers })
          report.cases++
          const data = (response?.body as { data?: unknown } | undefined)?.data
          const accepted =
            response !== undefined && (this.options.isInputRejection ? !this.options.isInputRejection(response, field) : response.status < 400 && typeof data === 'object' && data !== null)
          if (!accepted) report.failures.push(`${field.operation}.${field.name}: null at ${renderPath(position.path)} (${form}) was refused: ${describe(response)}`)
        }
      }
    }
    return report
  }

  /** (d) Hostile values for one root field (or all), then hostile requests; every answer checked. */
  async fuzz(only?: RootField): Promise<ContractReport> {
    const report: ContractReport = { cases: 0, failures: [] }
    const fields = only ? [only] : this.rootFields()
    for (const field of fields) {
      const allowed = (await this.options.allowedHeaders?.(field)) ?? this.options.anonymousHeaders ?? {}
      const anonymous = this.options.anonymousHeaders ?? {}
      for (const item of this.fieldCases(field, allowed, anonymous)) {
        report.cases++
        const problem = this.judge(await this.sendCase(item), item.invalid ? 'error' : 'any')
        if (problem) report.failures.push(`${field.operation}.${field.name}: ${item.label}: ${problem}`)
      }
      const alive = await this.stillAnswering()
      if (alive) report.failures.push(`after fuzzing ${field.name}: ${alive}`)
    }
    return report
  }

  /** Hostile requests that do not depend on a field: transport, headers, documents. */
  async fuzzRequests(): Promise<ContractReport> {
    const report: ContractReport = { cases: 0, failures: [] }
    for (const [label, request, mustRefuse] of this.requestCases()) {
      report.cases++
      const problem = this.judge(await this.send(request), mustRefuse ? 'request-error' : 'any')
      if (problem) report.failures.push(`${label}: ${problem}`)
    }
    const alive = await this.stillAnswering()
    if (alive) report.failures.push(`after the hostile requests: ${alive}`)
    return report
  }

  private fieldCases(field: RootField, allowed: ContractHeaders, anonymous: ContractHeaders): Case[] {
    const random = this.random
    const positions = this.positions(field)
    const cases: Case[] = []
    const count = this.options.casesPerField ?? 40
    const base = this.sampleArguments(field)
    for (let index = 0; index < count; index++) {
      const headers = random.next() < 0.8 ? allowed : anonymous
      const caller = headers === allowed ? 'allowed' : 'anonymous'
      const delivery = field.operation === 'query' && random.next() < 0.15 ? 'GET' : random.next() < 0.65 ? 'variables' : 'literals'
      if (positions.length === 0) {
        // No arguments: unknown arguments, odd selections and aliases instead.
        const query = random.pick([
          `${field.operation} { ${field.name}(unknown: 1) }`,
          `${field.operation} { ${field.name} { nope } }`,
          `${field.operation} { ${Array.from({ length: 300 }, (_, i) => `a${i}: ${field.name}${isLeafType(getNamedType(field.field.type)) ? '' : ' { __typename }'}`).join(' ')} }`,
          `${field.operation} { ${field.name} @skip(if: "yes") }`,
          `${field.operation} { ${field.name} @include(if: null) }`,
        ])
        cases.push({ label: `${caller}, ${query.slice(0, 60)}`, query, method: delivery === 'GET' ? 'GET' : 'POST', headers })
        continue
      }
      const position = random.pick(positions)
      const [kind, value] = this.hostileValue(position)
      const values = setAt(base, position.path, value)
      let document
      if (kind === 'wrongly typed variable') {
        const argument = String(position.path[0])
        document = this.document(field, values, 'variables', { [argument]: random.pick(['String', 'Int', 'Boolean', '[String]', 'Float!', 'ID']) })
      } else {
        document = this.document(field, values, delivery === 'literals' ? 'literals' : 'variables')
      }
      const invalid = kind === 'NUL or lone surrogate' || kind === 'deep value'
      cases.push({
        label: `${caller}, ${kind} at ${renderPath(position.path)} (${delivery})`,
        query: document.query,
        variables: document.variables,
        method: delivery === 'GET' ? 'GET' : 'POST',
        headers,
        invalid,
      })
    }
    return cases
  }

  /** One hostile value for a position: [what it is, the value]. */
  private hostileValue(position: Position): [string, unknown] {
    const random = this.random
    const named = getNamedType(position.type) as GraphQLNamedType
    const isString = isScalarType(named) && (named.name === 'String' || named.name === 'ID' || typeof this.scalarSample(named) === 'string')
    const deep = (depth: number, asObject: boolean) =>
      asObject ? new RawValue(`${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`, `${'{a: '.repeat(depth)}"x"${'}'.repeat(depth)}`) : raw(`${'['.repeat(depth)}"x"${']'.repeat(depth)}`)
    const kinds: [string, () => unknown][] = [
      ['null', () => null],
      ['wrong type: number', () => random.pick([1, 0, -1, 1.5])],
      ['wrong type: string', () => random.pick(['', 'x', '1', 'true', 'NaN'])],
      ['wrong type: boolean', () => random.next() < 0.5],
      ['wrong type: object', () => ({ unknownField: 1 })],
      ['wrong type: list', () => [[1], ['x']]],
      ['huge int', () => random.pick([raw('2147483648'), raw('-2147483649'), raw('9007199254740993'), raw('99999999999999999999999999'), raw('-9223372036854775809')])],
      ['extreme float', () => random.pick([raw('1e308'), raw('-1e308'), raw('-0'), raw('5e-324'), raw('1.7976931348623157e308')])],
      ['huge string', () => random.pick(['x'.repeat(100_001), '😀'.repeat(50_001), ' '.repeat(100_001)])],
      ['NUL or lone surrogate', () => random.pick(['a\u0000b', '\u0000', 'x\uD800', '\uDFFFx', '\uD800\u0000'])],
      ['deep value', () => deep(random.pick([200, 5000]), random.next() < 0.5)],
      ['wide value', () => Array.from({ length: 10_000 }, (_, i) => i)],
      ['wrongly typed variable', () => this.sample(position.type)],
    ]
    const weighted = isString ? [...kinds, kinds[9]!, kinds[8]!] : kinds
    const [kind, make] = random.pick(weighted)
    return [kind, make()]
  }

  /** [label, request, whether the request is a client mistake that must be refused (never a success)]. */
  private requestCases(): RequestCase[] {
    const json = { 'content-type': 'application/json' }
    const post = (payload: string | Buffer, headers: ContractHeaders = json) => ({ method: 'POST' as const, headers, payload })
    const get = (query: string, headers: ContractHeaders = {}) => ({ method: 'GET' as const, url: `${this.path}?${query}`, headers })
    const body = (value: unknown) => post(JSON.stringify(value))
    const firstQuery = this.rootFields().find((field) => field.operation === 'query')
    const leaf = firstQuery ? `${firstQuery.name}${isLeafType(getNamedType(firstQuery.field.type)) ? '' : ' { __typename }'}` : '__typename'
    const cases: RequestCase[] = [
      // malformed JSON bodies
      ['truncated JSON', post('{"query": "{ __typename }"'), true],
      ['empty body', post(''), true],
      ['JSON null', post('null'), true],
      ['JSON array', post('[{"query":"{ __typename }"}]'), true],
      ['JSON string', post('"{ __typename }"'), true],
      ['JSON number', post('123456789012345678901234567890'), true],
      ['duplicate keys', post('{"query":"{ __typename }","query":5}')],
      ['__proto__ key', post('{"query":"{ __typename }","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')],
      ['deeply nested JSON', post('['.repeat(100_000) + ']'.repeat(100_000)), true],
      ['deeply nested variables', post(`{"query":"{ __typename }","variables":{"a":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`), true],
      ['invalid UTF-8', post(Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), true],
      ['a NUL byte in JSON text', post(Buffer.from('{"query":"{ __typename }\u0000"}'))],
      ['escaped NUL in the document', body({ query: '{ __typename }\u0000' })],
      ['query is a number', body({ query: 1 }), true],
      ['query is null', body({ query: null }), true],
      ['query is a list', body({ query: ['{ __typename }'] }), true],
      ['query is an object', body({ query: { a: 1 } }), true],
      ['no query', body({}), true],
      ['variables is a string', body({ query: '{ __typename }', variables: '{}' }), true],
      ['variables is a list', body({ query: '{ __typename }', variables: [] }), true],
      ['operationName is a number', body({ query: '{ __typename }', operationName: 1 }), true],
      ['operationName is a list', body({ query: 'query A { __typename }', operationName: ['A'] }), true],
      ['extensions is a string', body({ query: '{ __typename }', extensions: 'x' }), true],
      ['unknown operationName', body({ query: 'query A { __typename }', operationName: 'B' }), true],
      ['two operations, no name', body({ query: 'query A { __typename } query B { __typename }' }), true],
      ['no operation', body({ query: 'fragment F on Query { __typename }' }), true],
      ['a subscription over HTTP', body({ query: 'subscription { __typename }' }), true],
      ['a subscription over GET', get(`query=${encodeURIComponent('subscription { __typename }')}`), true],
      ['GET unknown operationName', get(`query=${encodeURIComponent('query A { __typename }')}&operationName=B`), true],
      ['GET two operations, no name', get(`query=${encodeURIComponent('query A { __typename } query B { __typename }')}`), true],
      // wrong content types
      ['text/plain', post('{ __typename }', { 'content-type': 'text/plain' }), true],
      ['form encoded', post('query=%7B__typename%7D', { 'content-type': 'application/x-www-form-urlencoded' }), true],
      ['multipart without boundary', post('--x\r\n\r\n{ __typename }\r\n--x--', { 'content-type': 'multipart/form-data' }), true],
      ['XML', post('<query/>', { 'content-type': 'application/xml' }), true],
      ['JSON as UTF-16', post(Buffer.from('{"query":"{ __typename }"}', 'utf16le'), { 'content-type': 'application/json; charset=utf-16' })],
      ['JSON with garbage parameters', post('{"query":"{ __typename }"}', { 'content-type': 'application/json; ;;=; charset="' })],
      ['no content type', { method: 'POST', payload: '{"query":"{ __typename }"}', headers: {} }],
      ['application/graphql holding JSON', post('{"query":"{ __typename }"}', { 'content-type': 'application/graphql' })],
      ['octet stream', post(Buffer.from([0, 1, 2, 3]), { 'content-type': 'application/octet-stream' })],
      // junk GET query strings
      ['GET without parameters', get(''), true],
      ['GET query=', get('query='), true],
      ['GET bare query', get('query'), true],
      ['GET bad percent escape', get('query=%E0%A4%A')],
      ['GET lone percent', get('query=%')],
      ['GET bracketed keys', get('query[]=x&query[a]=1')],
      ['GET repeated query', get('query=%7B__typename%7D&query=%7B__typename%7D'), true],
      ['GET broken variables', get('query=%7B__typename%7D&variables=%7B'), true],
      ['GET variables a list', get('query=%7B__typename%7D&variables=%5B%5D'), true],
      ['GET repeated variables', get('query=%7B__typename%7D&variables=%7B%7D&variables=%7B%7D'), true],
      ['GET a thousand parameters', get(Array.from({ length: 1000 }, (_, i) => `p${i}=${i}`).join('&'))],
      ['GET a long query', get(`query=${encodeURIComponent(`{ ${'__typename '.repeat(700)}}`)}`)],
      ['GET a mutation', get(`query=${encodeURIComponent('mutation { __typename }')}`), true],
      ['GET NUL', get('query=%00')],
      // methods
      ['PUT', { method: 'PUT', headers: json, payload: '{}' }],
      ['PATCH', { method: 'PATCH', headers: json, payload: '{}' }],
      ['DELETE', { method: 'DELETE' }],
      ['OPTIONS preflight', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } }],
      ['HEAD', { method: 'HEAD' }],
    ]
    // hostile headers
    for (const authorization of [
      'Bearer',
      'Bearer ',
      'Basic Og==',
      'Self',
      'Self ',
      'Foreign',
      'Foreign  x',
      `Bearer ${'a'.repeat(8000)}`,
      `Self ${'a.'.repeat(3000)}`,
      'Self eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
      '\t',
      'ÿþ',
      ' '.repeat(100),
      'null',
      'undefined',
      '{}',
    ]) {
      cases.push([`Authorization ${JSON.stringify(authorization.slice(0, 30))}`, post(JSON.stringify({ query: `{ ${leaf} }` }), { ...json, authorization })])
    }
    for (const [name, value] of [
      ['x-request-id', 'r'.repeat(8000)],
      ['cookie', `a=${'b'.repeat(8000)}`],
      ['accept', 'text/html'],
      ['accept', '*/*;q=abc'],
      ['accept-encoding', 'gzip;q=2, br;q=-1'],
      ['content-encoding', 'gzip'],
      ['x-forwarded-for', '::1, 999.999.999.999, '.repeat(100)],
      ['origin', 'null'],
    ] as const) {
      cases.push([`header ${name}`, post(JSON.stringify({ query: `{ ${leaf} }` }), { ...json, [name]: value })])
    }
    // documents: deep, wide, huge
    const random = this.random
    cases.push(
      ['deep selection (1,000)', body({ query: `{ ${'__typename { '.repeat(1000)}x${' }'.repeat(1000)} }` }), true],
      ['deep list literal (5,000)', body({ query: `{ ${leaf.split(' ')[0]}(x: ${'['.repeat(5000)}1${']'.repeat(5000)}) }` }), true],
      ['deep object literal (5,000)', body({ query: `{ ${leaf.split(' ')[0]}(x: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}) }` }), true],
      ['deep variable default', body({ query: `query ($v: Int = ${'['.repeat(3000)}1${']'.repeat(3000)}) { __typename }` }), true],
      ['deep inline fragments', body({ query: `{ ${'... on Query { '.repeat(2000)}__typename${' }'.repeat(2000)} }` }), true],
      ['wide: 1,000 aliases', body({ query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: ${leaf}`).join(' ')} }` })],
      ['wide: 3,000 same-name fields', body({ query: `{ ${'__typename '.repeat(3000)}}` })],
      [
        'wide: 500 fragments',
        body({ query: `{ ${Array.from({ length: 500 }, (_, i) => `...F${i}`).join(' ')} } ${Array.from({ length: 500 }, (_, i) => `fragment F${i} on Query { __typename }`).join(' ')}` }),
      ],
      ['wide: 500 operations', body({ query: Array.from({ length: 500 }, (_, i) => `query Q${i} { __typename }`).join(' '), operationName: 'Q499' })],
      ['wide: 1,000 variables', body({ query: `query (${Array.from({ length: 1000 }, (_, i) => `$v${i}: Int`).join(', ')}) { __typename }` })],
      ['wide: 1,000 directives', body({ query: `{ __typename ${'@skip(if: false) '.repeat(1000)}}` })],
      ['a 100k-character name', body({ query: `{ ${'a'.repeat(100_000)} }` }), true],
      ['a 100k-character string literal', body({ query: `{ __typename(x: "${'x'.repeat(100_000)}") }` }), true],
      ['huge document (200k characters)', body({ query: `{ __typename ${' '.repeat(200_000)}}` }), true],
      ['too many tokens', body({ query: `{ ${'__typename '.repeat(20_000)}}` }), true],
      ['fragment cycle', body({ query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }' })],
      ['introspection', body({ query: '{ __schema { types { name fields { name args { name type { name ofType { name ofType { name } } } } } } } }' })],
    )
    const tokens = [
      '{',
      '}',
      '(',
      ')',
      '[',
      ']',
      ':',
      '...',
      '$',
      '@',
      '!',
      '=',
      '"x"',
      '"""',
      '0',
      '-1',
      '1e999',
      'query',
      'mutation',
      'subscription',
      'fragment',
      'on',
      '__typename',
      '__schema',
      'null',
      'true',
      '#',
      '\n',
      '\u0000',
      '\uD800',
      '😀',
      '\\',
      ',',
      ...this.rootFields().map((field) => field.name),
    ]
    for (let index = 0; index < 40; index++) {
      const query = Array.from({ length: 1 + random.int(40) }, () => random.pick(tokens)).join(' ')
      cases.push([`random document ${index}`, body({ query })])
    }
    return cases
  }

  /**
   * What is wrong with one answer, or undefined. `expect`: `error` — the input is invalid, so the
   * answer must carry errors; `request-error` — the request itself is malformed, so it must also
   * have the app's `requestErrorStatus` (or 405/413/415).
   */
  private judge(response: ContractResponse | undefined, expect: 'any' | 'error' | 'request-error' = 'any'): string | undefined {
    if (!response) return undefined
    const problems: string[] = []
    if (response.status >= 500) problems.push(`status ${response.status}`)
    else if (expect !== 'any' && response.status < 400 && (response.body as { errors?: unknown } | undefined)?.errors === undefined) problems.push('invalid input answered as a success')
    else if (expect === 'request-error' && this.options.requestErrorStatus !== undefined && response.status !== this.options.requestErrorStatus && ![400, 405, 413, 415].includes(response.status)) {
      problems.push(`status ${response.status} for a malformed request (expected ${this.options.requestErrorStatus})`)
    }
    if (LEAKS.test(response.text) || this.options.forbiddenText?.test(response.text)) problems.push('a stack trace, JavaScript error text or a library name in the body')
    const errors = (response.body as { errors?: unknown } | undefined)?.errors
    const badPath = Array.isArray(errors) && errors.some((error) => Array.isArray(error?.path) && !error.path.every((segment: unknown) => typeof segment === 'string' || Number.isInteger(segment)))
    if (badPath) problems.push('an errors[].path segment that is neither a field name nor an integer index')
    const isHead = response.text.length === 0 && response.status < 500
    if (!isHead) {
      if (!/json/.test(String(response.headers['content-type'] ?? ''))) problems.push(`content type ${response.headers['content-type']}`)
      const body = response.body as { data?: unknown; errors?: unknown } | undefined
      const plainSuccess = response.status < 400 && typeof body === 'object' && body !== null && body.errors === undefined && typeof body.data === 'object' && body.data !== null
      if (!plainSuccess && !this.options.isErrorShape(response)) problems.push('not in the documented error shape')
    }
    return problems.length === 0 ? undefined : `${problems.join(', ')} → ${describe(response)}`
  }

  /** `undefined` when the app answers `{ __typename }` normally. */
  async stillAnswering(): Promise<string | undefined> {
    const headers = (await this.options.liveHeaders?.()) ?? this.options.anonymousHeaders
    const response = await this.send({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, payload: '{"query":"{ __typename }"}' })
    const data = (response?.body as { data?: { __typename?: unknown } } | undefined)?.data
    return response?.status === 200 && data?.__typename === 'Query' ? undefined : `the app stopped answering: ${describe(response)}`
  }

  private scalarSample(type: GraphQLScalarType): unknown {
    if (type.name in SCALAR_SAMPLES) return SCALAR_SAMPLES[type.name]
    const supplied = this.options.sampleScalar?.(type)
    if (supplied !== undefined) return supplied
    for (const candidate of CUSTOM_SCALAR_CANDIDATES) {
      try {
        type.parseValue(candidate)
        return candidate
      } catch {
        // not this one
      }
    }
    return 'sample'
  }
}

function setAt(root: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(root)
  let cursor: Record<string | number, unknown> = copy
  for (let index = 0; index < path.length - 1; index++) {
    const key = path[index]!
    let next = cursor[key]
    if (typeof next !== 'object' || next === null) cursor[key] = next = typeof path[index + 1] === 'number' ? [] : {}
    cursor = next as Record<string | number, unknown>
  }
  cursor[path[path.length - 1]!] = value
  return copy
}

const renderPath = (path: Path) => path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join('')

function describe(response: ContractResponse | undefined): string {
  if (!response) return 'no response'
  return `${response.status} ${response.text.slice(0, 300)}`
}

/**
 * Registers the generated tests with node:test: refusals, null acceptance and the fuzz, one
 * subtest per root field, then the hostile requests. `options` is read when the tests run, so it
 * may use what a `before` hook built (the app, its schema).
 */
export function graphqlContractTests(options: () => GraphqlContractOptions): void {
  let contract: GraphqlContract | undefined
  const current = () => (contract ??= new GraphqlContract(options()))
  const perField =
    (check: (contract: GraphqlContract, field: RootField) => Promise<ContractReport>, minimumCases: (field: RootField) => number) => async (context: import('node:test').TestContext) => {
      const fields = current().rootFields()
      assert.ok(fields.length > 0, 'the schema has root fields')
      for (const field of fields) {
        await context.test(`${field.operation} ${field.name}`, async () => {
          const report = await check(current(), field)
          assert.deepEqual(report.failures, [])
          assert.ok(report.cases >= minimumCases(field), `${report.cases} cases`)
        })
      }
    }
  const requirementOf = (field: RootField) => current().options.requirement(field)
  test(
    'every guarded root field refuses an anonymous caller and a caller lacking its requirement, in the documented shape',
    perField(
      (contract, field) => contract.checkRefusals(field),
      (field) => (requirementOf(field) === undefined ? 0 : 2),
    ),
  )
  test(
    'every nullable argument and input field accepts null',
    perField(
      (contract, field) => contract.checkNullAcceptance(field),
      () => 0,
    ),
  )
  test(
    'hostile values for every root field: no 5xx, no answer outside the documented shape, no leaked internals',
    perField(
      (contract, field) => contract.fuzz(field),
      () => 1,
    ),
  )
  test('hostile requests: no 5xx, no answer outside the documented shape, no leaked internals, and the app keeps answering', async () => {
    const report = await current().fuzzRequests()
    assert.deepEqual(report.failures, [])
    assert.ok(report.cases > 100, `${report.cases} cases`)
  })
}
