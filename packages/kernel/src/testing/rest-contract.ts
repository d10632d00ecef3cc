/**
 * Contract tests generated from a REST app's own route table (`app.hearthRoutes`, the routes as
 * registered, with their schemas and permissions), for every Hearth REST app, present and future.
 *
 * Given the built app and a few adapters that say what only the app knows (who lacks a permission,
 * who holds one, what its error body looks like, which origin its browser client has), it checks:
 *
 * - limits: every integer, number, string and array in every request schema (body, params,
 *   query) is bounded, within what PostgreSQL can hold;
 * - refusals: every route that declares a permission refuses an anonymous caller and a caller
 *   lacking it, in the app's error shape (the request is otherwise valid, so no earlier check
 *   answers instead);
 * - CORS: a real preflight for every route and method succeeds and allows the method and the
 *   headers a browser client sends;
 * - nulls: every nullable request field is accepted as `null` and stays `null` through validation,
 *   and every nullable response field is written as `null`;
 * - fuzz: a bounded, seeded set of hostile requests per route (wrong types, nulls, extremes,
 *   NUL/surrogates, oversized strings, malformed JSON, wrong content types, junk path and query
 *   values, hostile headers), plus transport failures on a real socket, never answers ≥ 500, never
 *   answers outside the error shape, never leaks a stack trace or a library name, and the app
 *   keeps answering.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyInstance } from 'fastify'
import { bodyAjvOptions, unstorableValue, type RouteRecord } from '../http/index.ts'
import { LEAKS, prng, type ContractHeaders, type ContractResponse } from './contract-common.ts'

type Schema = Record<string, unknown>

export interface RestContractOptions {
  app: FastifyInstance
  /**
   * Headers of a caller holding one of `permissions` (the route's `config.permission` as a list,
   * "any of"; undefined for a public route). The fuzz and the null checks call as them.
   */
  headersHolding(permissions: readonly string[] | undefined): ContractHeaders | Promise<ContractHeaders>
  /** Headers of an authenticated caller holding none of `permissions`; `undefined` when every signed-in caller holds one. */
  headersLacking(permissions: readonly string[]): ContractHeaders | undefined | Promise<ContractHeaders | undefined>
  /** Statuses the app answers an anonymous caller and a caller lacking the permission (e.g. 401 and 403). */
  refusalStatuses: { anonymous: readonly number[]; lacking: readonly number[] }
  /** Whether a body is the app's documented error body. */
  isErrorBody(body: unknown, status: number): boolean
  /** The browser client's origin, for the preflights; `false` for an app without CORS. */
  corsOrigin: string | false
  /** The request headers the browser client sends (default `authorization, content-type`). */
  corsRequestHeaders?: string
  /** A valid-looking value for a path parameter, where the schema alone cannot say (default: from the schema). */
  pathValue?(name: string, schema: Schema | undefined): string | undefined
  /** Routes left out of the per-route checks (e.g. a streaming download), with the reason. */
  skip?: Record<string, string>
  /** Fuzz cases per route (default 40). */
  casesPerRoute?: number
}

interface Route {
  method: string
  url: string
  /** The route's `config.permission` as a list ("any of"); undefined for a public route. */
  permission: readonly string[] | undefined
  schema: { body?: Schema; params?: Schema; querystring?: Schema; response?: Record<string, Schema> }
  key: string
}

const SAMPLE_ULID = '01HZX3K6W1Z8Q4M5N6P7R8S9TV'
const formats: Record<string, string> = {
  email: 'ada@example.com',
  'date-time': '2026-01-02T03:04:05.000Z',
  date: '2026-01-02',
  time: '03:04:05Z',
  uri: 'https://example.com/a',
  url: 'https://example.com/a',
  uuid: '6f1c3b52-3f1e-4b5e-9f0a-2d8c1e7b4a10',
  ipv4: '127.0.0.1',
  hostname: 'example.com',
}

export class RestContract {
  readonly routes: Route[]
  private readonly schemas: Record<string, Schema>
  private readonly ajv: Ajv

  constructor(readonly options: RestContractOptions) {
    const table = options.app.hearthRoutes
    assert.ok(table, 'the app was built by createApp (app.hearthRoutes)')
    this.schemas = options.app.getSchemas() as Record<string, Schema>
    this.ajv = new Ajv({ ...bodyAjvOptions })
    ;(addFormats as unknown as { default: (ajv: Ajv) => void }).default(this.ajv)
    for (const schema of Object.values(this.schemas)) this.ajv.addSchema(stripIds(schema, true) as Schema)
    this.routes = table.routes.filter((record) => isContractRoute(record) && !(options.skip && `${record.method} ${record.url}` in options.skip)).map(toRoute)
  }

  // ---------------------------------------------------------------------------------------------
  // Schemas

  /** A schema with `$ref`s to shared schemas resolved (one level at a time, as walked). */
  private resolve(schema: Schema | undefined): Schema | undefined {
    let current = schema
    for (let hops = 0; current && typeof current.$ref === 'string' && hops < 10; hops++) {
      const id = current.$ref.replace(/#$/, '')
      current = this.schemas[id] ?? current
      if (current.$ref === `${id}#` || current.$ref === id) break
    }
    return current
  }

  /** Every unbounded value in a request schema, as `pointer: problem`. */
  unboundedFields(schema: Schema | undefined, where: string, problems: string[] = [], seen = new Set<Schema>()): string[] {
    const node = this.resolve(schema)
    if (!node || seen.has(node)) return problems
    seen.add(node)
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) for (const option of (node[key] as Schema[] | undefined) ?? []) this.unboundedFields(option, where, problems, seen)
    if (node.not) return problems
    const types = [node.type].flat().filter((type): type is string => typeof type === 'string')
    const enumerated = node.enum !== undefined || node.const !== undefined
    const bound = (name: string) => typeof node[name] === 'number' && Number.isFinite(node[name] as number)
    const safe = (name: string) => !bound(name) || Math.abs(node[name] as number) <= Number.MAX_SAFE_INTEGER
    for (const type of types) {
      if (enumerated) continue
      if (type === 'integer' || type === 'number') {
        if (!(bound('maximum') || bound('exclusiveMaximum')) || !(bound('minimum') || bound('exclusiveMinimum'))) problems.push(`${where}: ${type} without a minimum and a maximum`)
        else if (!['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].every(safe)) problems.push(`${where}: ${type} bounds beyond ±2^53`)
      }
      if (type === 'string' && !bound('maxLength')) problems.push(`${where}: string without a maxLength`)
      if (type === 'array' && !bound('maxItems')) problems.push(`${where}: array without maxItems`)
    }
    for (const [name, property] of Object.entries((node.properties as Record<string, Schema> | undefined) ?? {})) this.unboundedFields(property, `${where}/${name}`, problems, seen)
    if (node.items && typeof node.items === 'object') this.unboundedFields(node.items as Schema, `${where}/items`, problems, seen)
    if (node.additionalProperties && typeof node.additionalProperties === 'object') this.unboundedFields(node.additionalProperties as Schema, `${where}/*`, problems, seen)
    return problems
  }

  /** A valid value for a schema: every property present where possible (`minProperties` rules need them). */
  sample(schema: Schema | undefined, depth = 0, required = true): unknown {
    const node = this.resolve(schema)
    if (!node || depth > 12) return undefined
    if (node.const !== undefined) return node.const
    if (Array.isArray(node.enum)) return node.enum.find((value) => value !== null) ?? node.enum[0]
    for (const key of ['anyOf', 'oneOf'] as const) {
      const options = node[key] as Schema[] | undefined
      if (options) {
        const concrete = options.map((option) => this.resolve(option)).filter((option) => option && option.type !== 'null')
        return concrete.length > 0 ? this.sample(concrete[0], depth + 1) : null
      }
    }
    if (Array.isArray(node.allOf)) return Object.assign({}, ...(node.allOf as Schema[]).map((part) => this.sample(part, depth + 1) as object))
    const type = [node.type].flat().find((item) => item !== 'null')
    switch (type) {
      case 'object': {
        const value: Record<string, unknown> = {}
        for (const [name, property] of Object.entries((node.properties as Record<string, Schema> | undefined) ?? {})) {
          const sampled = this.sample(property, depth + 1, (node.required as string[] | undefined)?.includes(name) ?? false)
          if (sampled !== undefined) value[name] = sampled
        }
        return value
      }
      case 'array': {
        const item = this.sample(node.items as Schema | undefined, depth + 1)
        const count = Math.max(typeof node.minItems === 'number' ? node.minItems : 0, required ? 1 : 0)
        return item === undefined ? [] : Array.from({ length: Math.min(count, 3) }, () => item)
      }
      case 'integer':
      case 'number': {
        const low = typeof node.minimum === 'number' ? node.minimum : typeof node.exclusiveMinimum === 'number' ? Math.floor(node.exclusiveMinimum) + 1 : undefined
        const high = typeof node.maximum === 'number' ? node.maximum : typeof node.exclusiveMaximum === 'number' ? Math.ceil(node.exclusiveMaximum) - 1 : undefined
        let value = low !== undefined && low > 1 ? low : 1
        if (high !== undefined && value > high) value = high
        return value
      }
      case 'boolean':
        return false
      case 'null':
        return null
      case 'string': {
        if (typeof node.format === 'string' && formats[node.format]) return formats[node.format]
        const candidates = [
          'sample',
          SAMPLE_ULID,
          'ada@example.com',
          'a',
          '1',
          '2026-01-02',
          '2026-01-02T03:04:05.000Z',
          'https://example.com/a',
          'x'.repeat(Math.max(1, (node.minLength as number | undefined) ?? 1)),
        ]
        const check = this.ajv.compile(stripIds(node, false) as Schema)
        return candidates.find((candidate) => check(candidate)) ?? 'sample'
      }
      default:
        return required ? {} : undefined
    }
  }

  private validator(schema: Schema): ValidateFunction {
    return this.ajv.compile(stripIds(schema, false) as Schema)
  }

  /** Pointers (as property paths) of nullable properties in an object schema, nested objects included. */
  nullableFields(schema: Schema | undefined, path: string[] = [], found: string[][] = [], depth = 0): string[][] {
    const node = this.resolve(schema)
    if (!node || depth > 6) return found
    for (const [name, property] of Object.entries((node.properties as Record<string, Schema> | undefined) ?? {})) {
      const resolved = this.resolve(property)
      const options = ((resolved?.anyOf ?? resolved?.oneOf) as Schema[] | undefined)?.map((option) => this.resolve(option))
      const nullable = [resolved?.type].flat().includes('null') || (options ?? []).some((option) => option?.type === 'null')
      if (nullable) found.push([...path, name])
      const objectOption = (options ?? [resolved]).find((option) => option?.type === 'object')
      if (objectOption) this.nullableFields(objectOption, [...path, name], found, depth + 1)
    }
    return found
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  pathFor(route: Route, overrides: Record<string, string> = {}): string {
    return route.url.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
      if (name in overrides) return overrides[name]!
      const property = (this.resolve(route.schema.params)?.properties as Record<string, Schema> | undefined)?.[name]
      const given = this.options.pathValue?.(name, property)
      if (given !== undefined) return encodeURIComponent(given)
      const sampled = property ? this.sample(property) : SAMPLE_ULID
      return encodeURIComponent(String(sampled ?? SAMPLE_ULID))
    })
  }

  validBody(route: Route): unknown {
    return route.schema.body ? this.sample(route.schema.body) : undefined
  }

  async send(request: { method: string; url: string; headers?: ContractHeaders; payload?: string; contentType?: string }): Promise<ContractResponse> {
    const headers: ContractHeaders = { ...request.headers }
    if (request.payload !== undefined) headers['content-type'] = request.contentType ?? 'application/json'
    const response = await this.options.app.inject({ method: request.method as 'GET', url: request.url, headers, payload: request.payload })
    let body: unknown
    try {
      body = response.body === '' ? undefined : JSON.parse(response.body)
    } catch {
      body = undefined
    }
    return { status: response.statusCode, headers: response.headers, text: response.body, body }
  }

  /** What is wrong with an answer to a hostile request (empty when nothing is). */
  problemsWith(response: ContractResponse): string[] {
    const problems: string[] = []
    if (response.status >= 500) problems.push(`answered ${response.status}`)
    if (response.status >= 400 && !this.options.isErrorBody(response.body, response.status)) problems.push('an error body outside the documented shape')
    if (LEAKS.test(response.text)) problems.push('a stack trace, JavaScript error text or a library name in the body')
    return problems
  }

  // ---------------------------------------------------------------------------------------------
  // The checks, each returning its failures (empty = pass)

  checkLimits(): string[] {
    const problems: string[] = []
    for (const route of this.routes) {
      for (const part of ['body', 'params', 'querystring'] as const) this.unboundedFields(route.schema[part], `${route.key} ${part}`, problems)
    }
    return problems
  }

  async checkRefusals(route: Route): Promise<string[]> {
    if (route.permission === undefined) return []
    const failures: string[] = []
    const body = this.validBody(route)
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const url = this.pathFor(route)
    const anonymous = await this.send({ method: route.method, url, payload })
    if (!this.options.refusalStatuses.anonymous.includes(anonymous.status) || !this.options.isErrorBody(anonymous.body, anonymous.status)) {
      failures.push(`${route.key} anonymous → ${anonymous.status} ${anonymous.text.slice(0, 200)}`)
    }
    const lacking = await this.options.headersLacking(route.permission)
    if (lacking) {
      const refused = await this.send({ method: route.method, url, payload, headers: lacking })
      if (!this.options.refusalStatuses.lacking.includes(refused.status) || !this.options.isErrorBody(refused.body, refused.status)) {
        failures.push(`${route.key} without ${route.permission.join(' or ')} → ${refused.status} ${refused.text.slice(0, 200)}`)
      }
    }
    return failures
  }

  async checkPreflight(route: Route): Promise<string[]> {
    const origin = this.options.corsOrigin
    if (origin === false) return []
    const requested = this.options.corsRequestHeaders ?? 'authorization, content-type'
    const response = await this.send({
      method: 'OPTIONS',
      url: this.pathFor(route),
      headers: { origin, 'access-control-request-method': route.method, 'access-control-request-headers': requested },
    })
    const failures: string[] = []
    const header = (name: string) => String(response.headers[name] ?? '')
    if (response.status < 200 || response.status >= 300) failures.push(`status ${response.status}`)
    if (![origin, '*'].includes(header('access-control-allow-origin'))) failures.push(`allow-origin "${header('access-control-allow-origin')}"`)
    const methods = header('access-control-allow-methods')
      .split(/,\s*/)
      .map((method) => method.toUpperCase())
    if (!methods.includes(route.method) && !methods.includes('*')) failures.push(`allow-methods "${header('access-control-allow-methods')}" lacks ${route.method}`)
    const allowed = header('access-control-allow-headers').toLowerCase().split(/,\s*/)
    for (const name of requested.toLowerCase().split(/,\s*/))
      if (!allowed.includes(name) && !allowed.includes('*')) failures.push(`allow-headers "${header('access-control-allow-headers')}" lacks ${name}`)
    return failures.map((failure) => `${route.key} preflight: ${failure}`)
  }

  checkNulls(route: Route): string[] {
    const failures: string[] = []
    if (route.schema.body) {
      const check = this.validator(route.schema.body)
      for (const path of this.nullableFields(route.schema.body)) {
        const body = structuredClone(this.validBody(route)) as Record<string, unknown>
        setAt(body, path, null)
        const valid = check(body) && unstorableValue(body) === undefined
        if (!valid) failures.push(`${route.key} body /${path.join('/')}: null refused (${check.errors?.[0]?.instancePath} ${check.errors?.[0]?.message})`)
        else if (getAt(body, path) !== null) failures.push(`${route.key} body /${path.join('/')}: null changed to ${JSON.stringify(getAt(body, path))}`)
      }
    }
    const serializers = SerializerSelector()(this.schemas as never, {} as never)
    for (const [status, schema] of Object.entries(route.schema.response ?? {})) {
      if (!/^2/.test(status)) continue
      const paths = this.nullableFields(schema)
      if (paths.length === 0) continue
      const serialize = serializers({ schema, method: route.method, url: route.url, httpStatus: status } as never) as (data: unknown) => string
      for (const path of paths) {
        const value = this.sample(schema) as Record<string, unknown>
        setAt(value, path, null)
        const written = JSON.parse(serialize(value)) as unknown
        if (getAt(written, path) !== null) failures.push(`${route.key} response ${status} /${path.join('/')}: null written as ${JSON.stringify(getAt(written, path))}`)
      }
    }
    return failures
  }

  /** Hostile requests against one route, as a caller allowed to call it. */
  async fuzz(route: Route, seed: number): Promise<{ cases: number; failures: string[] }> {
    const random = prng(seed)
    const headers = await this.options.headersHolding(route.permission)
    const body = this.validBody(route)
    const cases: { label: string; method: string; url: string; headers: ContractHeaders; payload?: string; contentType?: string }[] = []
    const add = (label: string, change: { url?: string; headers?: ContractHeaders; payload?: string; contentType?: string }) =>
      cases.push({ label, method: route.method, url: change.url ?? this.pathFor(route), headers: { ...headers, ...change.headers }, payload: change.payload, contentType: change.contentType })
    const valid = body === undefined ? undefined : JSON.stringify(body)

    // Bodies: every property with each kind of wrong value.
    const hostileValues: [string, string][] = [
      ['a numeric string', '"2500"'],
      ['true', 'true'],
      ['null', 'null'],
      ['an object', '{"$gt":""}'],
      ['an array', '[1,2]'],
      ['1e308', '1e308'],
      ['2^63', '9223372036854775808'],
      ['-2^63', '-9223372036854775809'],
      ['a fraction', '1.5'],
      ['-0', '-0'],
      ['-1', '-1'],
      ['a NUL byte', '"a\\u0000b"'],
      ['a lone surrogate', '"x\\ud800"'],
      ['100k characters', JSON.stringify('x'.repeat(100_000))],
      ['an empty string', '""'],
      ['a 2,000-deep array', `${'['.repeat(2000)}${']'.repeat(2000)}`],
    ]
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      for (const name of Object.keys(body)) {
        for (const [label, json] of hostileValues) {
          const rest = JSON.stringify({ ...(body as object), [name]: '__HOLE__' })
          add(`body ${name} = ${label}`, { payload: rest.replace('"__HOLE__"', json) })
        }
      }
      add('unknown property', { payload: JSON.stringify({ ...(body as object), unexpected__: 1 }) })
      add('__proto__ property', { payload: JSON.stringify(body).replace(/^\{/, '{"__proto__":{"admin":true},') })
    }
    for (const [label, payload] of [
      ['malformed JSON', '{"a":'],
      ['a JSON string', '"text"'],
      ['a JSON array', '[]'],
      ['JSON null', 'null'],
      ['a 100,000-deep array', '['.repeat(100_000)],
      ['a NUL key', '{"\\u0000":1}'],
    ] as const) {
      add(`body: ${label}`, { payload })
    }
    if (route.method !== 'GET' && route.method !== 'DELETE') {
      add('empty body with JSON type', { payload: '' })
      for (const contentType of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16']) {
        add(`content type ${contentType}`, { payload: valid ?? '{}', contentType })
      }
    }
    // Path parameters.
    const names = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!)
    for (const name of names) {
      for (const junk of ['%00', '%ZZ', 'x'.repeat(600), '..', '%F0%9F%98%80', '-1', '1e308', '99999999999999999999', '%ED%A0%80', '%20', 'null']) {
        add(`path ${name} = ${junk.slice(0, 20)}`, { url: this.pathFor(route, { [name]: junk }), payload: valid })
      }
    }
    // Query strings.
    const queryNames = Object.keys((this.resolve(route.schema.querystring)?.properties as object | undefined) ?? {})
    for (const name of [...queryNames, 'unexpected']) {
      for (const junk of ['%00', '1e308', '-1', 'abc', 'x'.repeat(3000), '%ZZ', '']) add(`query ${name} = ${junk.slice(0, 20)}`, { url: `${this.pathFor(route)}?${name}=${junk}`, payload: valid })
    }
    add('query __proto__', { url: `${this.pathFor(route)}?__proto__[admin]=1&constructor[prototype][x]=1`, payload: valid })
    // Hostile headers.
    for (const [label, extra] of [
      ['a huge bearer token', { authorization: `Bearer ${'a'.repeat(8000)}` }],
      ['Authorization: null null', { authorization: 'null null' }],
      ['a bearer with spaces', { authorization: 'Bearer a b c' }],
      ['a non-bearer scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['a junk cookie', { cookie: `session=${'%'.repeat(100)}; a=\u00e9` }],
      ['a junk accept', { accept: 'application/x-nonsense' }],
      ['a forwarded-for list', { 'x-forwarded-for': '1.1.1.1, , ::1, nonsense' }],
    ] as [string, ContractHeaders][]) {
      add(`header ${label}`, { headers: extra, payload: valid })
    }

    // Bounded: a seeded sample when there are more cases than the budget.
    const budget = this.options.casesPerRoute ?? 40
    const chosen = cases.length <= budget ? cases : Array.from({ length: budget }, () => cases.splice(random.int(cases.length), 1)[0]!)
    const failures: string[] = []
    for (const item of chosen) {
      const response = await this.send(item)
      for (const problem of this.problemsWith(response)) failures.push(`${route.key} ${item.label}: ${problem} (${response.status} ${response.text.slice(0, 160)})`)
    }
    return { cases: chosen.length, failures }
  }

  /** Failures that happen before any route: on a real socket, through Node's HTTP parser. */
  async transportFailures(): Promise<string[]> {
    const app = this.options.app
    const address = app.server.address()
    if (address === null) await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const failures: string[] = []
    const cases: [string, string][] = [
      ['headers too large', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
      ['a request line that is not HTTP', 'NOT HTTP AT ALL\r\n\r\n'],
      ['malformed percent-encoding', 'GET /%zz%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
      ['a NUL in the path', 'GET /%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
      ['a bad Content-Length', 'POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
    ]
    for (const [label, bytes] of cases) {
      const answer = await rawExchange(port, bytes)
      const [head = '', text = ''] = answer.split('\r\n\r\n')
      const status = Number(head.split(' ')[1])
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        body = undefined
      }
      const problems = Number.isNaN(status) ? ['no HTTP answer'] : this.problemsWith({ status, headers: {}, text, body })
      if (status < 400) problems.push(`answered ${status}`)
      for (const problem of problems) failures.push(`${label}: ${problem} (${head.split('\r\n')[0]} ${text.slice(0, 120)})`)
    }
    return failures
  }
}

function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.setTimeout(10_000, () => socket.destroy())
    socket.on('data', (chunk) => (text += chunk))
    socket.on('error', (error) => (text === '' ? reject(error) : resolve(text)))
    socket.on('close', () => resolve(text))
    socket.write(bytes)
  })
}

function isContractRoute(record: RouteRecord): boolean {
  const options = record.options as { schema?: { hide?: boolean }; websocket?: boolean; config?: { responsesDescribedBy?: string } }
  if (record.method === 'HEAD' || record.method === 'OPTIONS') return false
  return !options.schema?.hide && !options.websocket && options.config?.responsesDescribedBy === undefined
}

function toRoute(record: RouteRecord): Route {
  const options = record.options as { schema?: Route['schema']; config?: { permission?: string | readonly string[] } }
  const permission = options.config?.permission
  return { method: record.method, url: record.url, permission: typeof permission === 'string' ? [permission] : permission, schema: options.schema ?? {}, key: `${record.method} ${record.url}` }
}

function stripIds(schema: unknown, root: boolean): unknown {
  if (Array.isArray(schema)) return schema.map((item) => stripIds(item, false))
  if (schema === null || typeof schema !== 'object') return schema
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => root || key !== '$id')
      .map(([key, value]) => [key, stripIds(value, false)]),
  )
}

function setAt(target: unknown, path: string[], value: unknown): void {
  let current = target as Record<string, unknown>
  for (const name of path.slice(0, -1)) {
    if (current[name] === null || typeof current[name] !== 'object') current[name] = {}
    current = current[name] as Record<string, unknown>
  }
  current[path.at(-1)!] = value
}

function getAt(target: unknown, path: string[]): unknown {
  return path.reduce<unknown>((current, name) => (current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[name] : undefined), target)
}

/**
 * Registers the generated tests with node:test. `options` is read when the tests run, so it may
 * use what a `before` hook built.
 */
export function restContractTests(options: () => RestContractOptions): void {
  let contract: RestContract | undefined
  const current = () => (contract ??= new RestContract(options()))
  const perRoute = (check: (contract: RestContract, route: Route, index: number) => Promise<string[]> | string[]) => async (context: import('node:test').TestContext) => {
    const routes = current().routes
    assert.ok(routes.length > 0, 'the app has routes')
    for (const [index, route] of routes.entries()) {
      await context.test(route.key, async () => assert.deepEqual(await check(current(), route, index), []))
    }
  }
  test('every request field is bounded within what the database can hold', () => assert.deepEqual(current().checkLimits(), []))
  test(
    'every route with a permission refuses an anonymous caller and a caller lacking it, in the app shape',
    perRoute((contract, route) => contract.checkRefusals(route)),
  )
  test(
    'a browser preflight succeeds for every route and method',
    perRoute((contract, route) => contract.checkPreflight(route)),
  )
  test(
    'every nullable request field stays null through validation, every nullable response field is written as null',
    perRoute((contract, route) => contract.checkNulls(route)),
  )
  test(
    'hostile requests to every route: no 5xx, nothing outside the error shape, no leaked internals',
    perRoute(async (contract, route, index) => (await contract.fuzz(route, 7919 * (index + 1))).failures),
  )
  test('transport failures answer in the app shape, and the app keeps answering', async () => {
    assert.deepEqual(await current().transportFailures(), [])
    const health = await current().send({ method: 'GET', url: '/health' })
    assert.equal(health.status, 200)
  })
}
