// The Gom peer: the original's stack — NestJS + @nestjs/graphql with the Apollo driver on Express
// (@nestjs/platform-express) — serving `ordersConnection` with items and prices over Gom's own
// tables through `pg`, behind the original's request pipeline (spec §2.2, §3.4, §3.5):
//   session middleware: the `session-id` cookie (`s:<sid>.<HMAC-SHA256>` signed with APP_KEY, as
//   express-session / cookie-signature) → the session read from Redis (`<prefix>sess:<sid>`, JSON,
//   as connect-redis kept it; Gom writes it, this peer reads the same key) → CSRF: a POST must carry
//   a token that verifies against the session's `csrfSecret` → AuthMiddleware: the JWT rebuilt as
//   `session-token` cookie + '.' + `session.access_token_sign`, verified with jose by its issuer
//   (RS256 through the identity provider's JWKS, HS256 with APP_KEY for the local issuer), `aud`,
//   `iss`, `exp` checked → `req.user = { id: sub, permissions }`; any failure is the original's 403
//   `jwt_error` body. Then the class-level PermissionGuard (`read:orders`) and the owner guard
//   (a seller's filter must be `assignedTo.extUid === sub`) run as Nest guards.
//
// Decorators: the repository runs TypeScript through tsx (esbuild), which does not emit
// `design:*` metadata, and type-checks with TC39 decorators; so Nest's (legacy) decorators are
// applied as plain function calls below (`Reflect.decorate`, parameter decorators called with
// their index) and every constructor dependency has an explicit `Inject` token. The GraphQL schema
// is schema-first (`typeDefs`), so no type metadata is needed either. Behaviour is what
// `@Resolver()`, `@Query()`, `@UseGuards()` … in decorator syntax give.
//
// Env: PORT, DATABASE_URL, DATABASE_SCHEMA (default gom), REDIS_URL, SESSION_PREFIX, APP_KEY,
// GOM_JWKS (the identity provider's JSON Web Key Set).
import 'reflect-metadata'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { Inject, Module, SetMetadata, UseGuards, type CanActivate, type ExecutionContext, type MiddlewareConsumer, type NestModule } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { Args, Context, GqlExecutionContext, GraphQLModule, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql'
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo'
import { GraphQLError, GraphQLScalarType } from 'graphql'
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { EnvReader, readEnvironment } from '@hearth/kernel'

const env = new EnvReader(readEnvironment())
const port = env.int('PORT', 8106)
const schema = env.string('DATABASE_SCHEMA', 'gom')!
const appKey = env.requiredString('APP_KEY')
const sessionPrefix = env.string('SESSION_PREFIX', `${schema}:`)!
const jwks = createLocalJWKSet(JSON.parse(env.requiredString('GOM_JWKS')) as JSONWebKeySet)

const AUDIENCE = 'https://gql.gom.com'
const LOCAL_ISSUER = 'https://auth.gom.com'
const PASSWORD_ISSUER = 'https://identity.gom.hearth.local/'
const PG_POOL = 'PG_POOL'
const PERMISSIONS = 'gom:permissions'

// ─── the session check (express-session + connect-redis + csurf + AuthMiddleware) ────────────────

interface SessionData {
  csrfSecret?: string
  access_token_sign?: string
}
interface User {
  id: string
  permissions: Set<string>
}
type Request = IncomingMessage & { user?: User }

const redis = new Redis(env.requiredString('REDIS_URL'), { lazyConnect: false, maxRetriesPerRequest: 1 })

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  if (!header) return cookies
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    if (!cookies.has(name)) {
      try {
        cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()))
      } catch {
        cookies.set(name, part.slice(eq + 1).trim())
      }
    }
  }
  return cookies
}

const safeEqual = (a: string, b: string) => {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** cookie-signature's unsign: `<value>.<base64 HMAC-SHA256 without '='>`. */
function unsign(signed: string, secret: string): string | undefined {
  const dot = signed.lastIndexOf('.')
  if (dot <= 0) return undefined
  const value = signed.slice(0, dot)
  const expected = createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')
  return safeEqual(signed.slice(dot + 1), expected) ? value : undefined
}

/** The CSRF token scheme of the sessions Gom writes: `<salt>-<HMAC-SHA256(csrfSecret, salt) base64url>`. */
function verifyCsrf(secret: string | undefined, token: unknown): boolean {
  if (!secret || typeof token !== 'string') return false
  const dash = token.indexOf('-')
  if (dash <= 0) return false
  return safeEqual(token.slice(dash + 1), createHmac('sha256', secret).update(token.slice(0, dash)).digest('base64url'))
}

class WireError extends Error {
  constructor(
    readonly body: Record<string, unknown>,
    message: string,
  ) {
    super(message)
  }
}
const jwtError = (message: string) => new WireError({ statusCode: 403, message, error: 'jwt_error' }, message)
const csrfError = () => new WireError({ statusCode: 403, error: 'EBADCSRFTOKEN', message: 'invalid csrf token' }, 'invalid csrf token')

async function loadSession(cookies: Map<string, string>): Promise<SessionData | undefined> {
  const raw = cookies.get('session-id')
  if (!raw?.startsWith('s:')) return undefined
  const sid = unsign(raw.slice(2), appKey)
  if (!sid) return undefined
  const text = await redis.get(`${sessionPrefix}sess:${sid}`)
  return text === null ? undefined : (JSON.parse(text) as SessionData)
}

const appKeyBytes = new TextEncoder().encode(appKey)

async function authenticate(request: Request): Promise<User> {
  const cookies = parseCookies(request.headers.cookie)
  const session = await loadSession(cookies)
  if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS') {
    if (!verifyCsrf(session?.csrfSecret, request.headers['x-csrf-token'] ?? request.headers['csrf-token'])) throw csrfError()
  }
  const unsigned = cookies.get('session-token')
  if (!unsigned || !session?.access_token_sign) throw jwtError('Token malformed')
  const token = `${unsigned}.${session.access_token_sign}`
  let issuer: unknown
  try {
    issuer = decodeJwt(token).iss
  } catch {
    throw jwtError('Token malformed')
  }
  if (typeof issuer !== 'string') throw jwtError('Token malformed')
  try {
    if (issuer !== PASSWORD_ISSUER && issuer !== LOCAL_ISSUER) throw jwtError('Unknown issuer')
    const { payload } =
      issuer === PASSWORD_ISSUER
        ? await jwtVerify(token, jwks, { algorithms: ['RS256'], issuer, audience: AUDIENCE, requiredClaims: ['exp'] })
        : await jwtVerify(token, appKeyBytes, { algorithms: ['HS256'], issuer, audience: AUDIENCE, requiredClaims: ['exp'] })
    if (typeof payload.sub !== 'string' || !Array.isArray(payload.permissions)) throw jwtError('Token malformed')
    return { id: payload.sub, permissions: new Set(payload.permissions as string[]) }
  } catch (error) {
    if (error instanceof WireError) throw error
    throw jwtError((error as Error).message)
  }
}

function sessionMiddleware(request: Request, response: ServerResponse, next: (error?: unknown) => void): void {
  authenticate(request).then(
    (user) => {
      request.user = user
      next()
    },
    (error: unknown) => {
      if (!(error instanceof WireError)) return next(error)
      response.statusCode = 403
      response.setHeader('content-type', 'application/json; charset=utf-8')
      response.end(JSON.stringify(error.body))
    },
  )
}

// ─── guards (the original's PermissionGuard and the order owner guard) ───────────────────────────

const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } })

class PermissionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const required = (Reflect.getMetadata(PERMISSIONS, context.getHandler()) as string[] | undefined) ?? []
    const user = GqlExecutionContext.create(context).getContext<{ user?: User }>().user
    if (!user || !required.every((permission) => user.permissions.has(permission))) throw forbidden('No permission to perform the operation')
    return true
  }
}

interface OrderWhere {
  assignedTo?: { extUid?: string | null } | null
  issuedTo?: { uid?: string | null } | null
}

class OrderOwnerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const gql = GqlExecutionContext.create(context)
    const user = gql.getContext<{ user?: User }>().user!
    const where = gql.getArgs<{ where?: OrderWhere | null }>().where
    if (user.permissions.has('role:customer')) {
      if (where?.issuedTo?.uid === user.id) return true
    } else if (user.permissions.has('role:seller')) {
      if (where?.assignedTo?.extUid === user.id) return true
    }
    if (where?.issuedTo?.uid || where?.assignedTo?.extUid) throw forbidden('Cannot access this order')
    throw new GraphQLError('Cannot validate order owner at this moment', { extensions: { code: 'SERVER_ERROR' } })
  }
}

// ─── resolvers over pg ───────────────────────────────────────────────────────────────────────────

interface OrderRow {
  uid: string
  name: string
  stage: string
  created_at: Date
  updated_at: Date
  created_by: string | null
}
interface ItemRow {
  uid: string
  code: string | null
  quantity: number | null
  description: string | null
  provider: string | null
  order_uid: string
}
interface PriceRow {
  uid: string
  type: string | null
  amount: number
  currency: string
  item_uid: string
}
type OrderNode = OrderRow & { items: (ItemRow & { pricing: PriceRow[] })[] }

const ORDER_COLUMNS: Record<string, string> = { uid: 'uid', name: 'name', stage: 'stage', createdAt: 'created_at', updatedAt: 'updated_at' }

class OrdersResolver {
  constructor(private readonly pool: pg.Pool) {}

  async ordersConnection(where: OrderWhere | null, orderBy: string | null, first: number | null, user: User) {
    const [field = 'uid', direction = 'ASC'] = (orderBy ?? 'uid_ASC').split('_')
    const column = ORDER_COLUMNS[field]
    if (!column || (direction !== 'ASC' && direction !== 'DESC')) throw new GraphQLError(`Unknown OrderOrderByInput value ${orderBy}`)
    const take = Math.min(first ?? 1000, 1000)
    const byCustomer = user.permissions.has('role:customer')
    const { rows } = await this.pool.query<OrderRow>(
      `SELECT o.uid, o.name, o.stage, o.created_at, o.updated_at, o.created_by FROM orders o
        ${byCustomer ? 'WHERE o.issued_to_uid = $1' : 'JOIN users u ON u.uid = o.assigned_to_uid WHERE u.ext_uid = $1'}
        ORDER BY o.${column} ${direction}, o.uid ${direction} LIMIT $2`,
      [byCustomer ? where!.issuedTo!.uid : where!.assignedTo!.extUid, take + 1],
    )
    const more = rows.length > take
    const page = more ? rows.slice(0, take) : rows
    // Items of the page in one query, their prices in one more (no N+1).
    const orderUids = page.map((row) => row.uid)
    const items = await this.pool.query<ItemRow>('SELECT uid, code, quantity, description, provider, order_uid FROM items WHERE order_uid = ANY($1) ORDER BY uid', [orderUids])
    const prices = await this.pool.query<PriceRow>('SELECT uid, type, amount, currency, item_uid FROM prices WHERE item_uid = ANY($1) ORDER BY uid', [items.rows.map((item) => item.uid)])
    const pricing = new Map<string, PriceRow[]>()
    for (const price of prices.rows) pricing.set(price.item_uid, [...(pricing.get(price.item_uid) ?? []), price])
    const byOrder = new Map<string, OrderNode['items']>(orderUids.map((uid) => [uid, []]))
    for (const item of items.rows) byOrder.get(item.order_uid)!.push({ ...item, pricing: pricing.get(item.uid) ?? [] })
    const edges = page.map((row) => ({ cursor: row.uid, node: { ...row, items: byOrder.get(row.uid)! } satisfies OrderNode }))
    return {
      pageInfo: { hasNextPage: more, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      edges,
    }
  }
}

class OrderFieldsResolver {
  createdAt(order: OrderNode) {
    return order.created_at
  }
  updatedAt(order: OrderNode) {
    return order.updated_at
  }
  createdBy(order: OrderNode) {
    return order.created_by
  }
}

// What `@Resolver()`, `@UseGuards(…)`, `@Query()`, `@Args()` … do in decorator syntax.
const decorateMethod = (target: object, name: string, decorators: (MethodDecorator | ClassDecorator)[]) => {
  const descriptor = Object.getOwnPropertyDescriptor(target, name)!
  Reflect.decorate(decorators as MethodDecorator[], target, name, descriptor)
}
Reflect.decorate([Resolver('Order') as ClassDecorator, UseGuards(PermissionGuard) as ClassDecorator], OrdersResolver)
Inject(PG_POOL)(OrdersResolver, undefined as unknown as string, 0)
decorateMethod(OrdersResolver.prototype, 'ordersConnection', [Query('ordersConnection'), SetMetadata(PERMISSIONS, ['read:orders']), UseGuards(OrderOwnerGuard)])
Args('where')(OrdersResolver.prototype, 'ordersConnection', 0)
Args('orderBy')(OrdersResolver.prototype, 'ordersConnection', 1)
Args('first')(OrdersResolver.prototype, 'ordersConnection', 2)
Context('user')(OrdersResolver.prototype, 'ordersConnection', 3)
Reflect.decorate([Resolver('Order') as ClassDecorator], OrderFieldsResolver)
for (const field of ['createdAt', 'updatedAt', 'createdBy']) {
  decorateMethod(OrderFieldsResolver.prototype, field, [ResolveField(field)])
  Parent()(OrderFieldsResolver.prototype, field, 0)
}

const typeDefs = /* GraphQL */ `
  scalar DateTime
  enum OrderStage {
    OPEN
    WON
    CLOSED
    IN_PROCESS
  }
  enum PriceType {
    GENERAL
  }
  enum Currency {
    MXN
  }
  enum OrderOrderByInput {
    uid_ASC
    uid_DESC
    name_ASC
    name_DESC
    stage_ASC
    stage_DESC
    createdAt_ASC
    createdAt_DESC
    updatedAt_ASC
    updatedAt_DESC
  }
  input UserWhereInput {
    extUid: ID
  }
  input BpWhereInput {
    uid: ID
  }
  input OrderWhereInput {
    assignedTo: UserWhereInput
    issuedTo: BpWhereInput
  }
  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
  type Price {
    uid: ID!
    type: PriceType
    amount: Float!
    currency: Currency!
  }
  type Item {
    uid: ID!
    code: String
    quantity: Float
    description: String
    provider: String
    pricing: [Price!]
  }
  type Order {
    uid: ID!
    name: String!
    stage: OrderStage
    items: [Item!]
    createdAt: DateTime!
    updatedAt: DateTime!
    createdBy: String
  }
  type OrderEdge {
    node: Order!
    cursor: String!
  }
  type OrderConnection {
    pageInfo: PageInfo!
    edges: [OrderEdge]!
  }
  type Query {
    ordersConnection(where: OrderWhereInput, orderBy: OrderOrderByInput, first: Int): OrderConnection!
  }
`

class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(sessionMiddleware).forRoutes('graphql')
  }
}
const pool = new pg.Pool({ connectionString: env.requiredString('DATABASE_URL'), max: 10, options: `-c search_path=${schema}` })
Reflect.decorate(
  [
    Module({
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          typeDefs,
          resolvers: {
            DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (value) => (value instanceof Date ? value.toISOString() : value) }),
          },
          path: '/graphql',
          context: ({ req }: { req: Request }) => ({ user: req.user }),
        }),
      ],
      providers: [{ provide: PG_POOL, useValue: pool }, OrdersResolver, OrderFieldsResolver],
    }) as ClassDecorator,
  ],
  AppModule,
)

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] })
const http = app.getHttpAdapter()
http.get('/health', (_request: unknown, response: ServerResponse) => {
  response.setHeader('content-type', 'application/json')
  response.end('{"status":"UP"}')
})
await app.listen(port, '127.0.0.1')
const stop = () => {
  void app
    .close()
    .then(() => Promise.all([pool.end(), redis.quit()]))
    .then(() => process.exit(0))
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
