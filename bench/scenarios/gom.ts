// Gom: `ordersConnection(first: 20, orderBy: createdAt_DESC)` with items and their prices, as a
// seeded seller through the cookie session (split JWT, CSRF header), on the QA seed plus 10,000
// orders (3 items, one price each) for that seller, against NestJS + @nestjs/graphql (Apollo driver
// on Express) over `pg` with the original's session check.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { dropSchema, repositoryRoot, withClient } from '../lib/environment.ts'
import { nodeServer, packageVersion, type Scenario } from '../lib/scenario.ts'
import { freePort, type RunningServer } from '../lib/servers.ts'
import type { Operation } from '../lib/load.ts'
import { SELLERS } from '../../apps/gom/seeds/sellers.ts'

const SCHEMA = 'gom'
const EXTRA_ORDERS = 10_000
const ITEMS_PER_ORDER = 3
const PAGE = 20
const SELLER = SELLERS[0]!
/** Gom and the peer share one Redis for the server sessions (as the original's connect-redis did); keys under this prefix only. */
const REDIS_PREFIX = 'hearth_bench_gom:'

const ordersQuery = `query Orders($where: OrderWhereInput, $orderBy: OrderOrderByInput, $first: Int) {
  ordersConnection(where: $where, orderBy: $orderBy, first: $first) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        uid name stage createdAt updatedAt createdBy
        items { uid code quantity description provider pricing { uid type amount currency } }
      }
    }
  }
}`

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

interface OrdersBody {
  data?: { ordersConnection?: { pageInfo: { hasNextPage: boolean }; edges: { node: { createdAt: string; items: { pricing: unknown[] }[] } }[] } }
  errors?: unknown[]
}

/** The 10,000 orders, 30,000 items and 30,000 prices for the seller, by SQL, after the QA seed. */
async function insertOrders(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    await client.query(`SET search_path TO ${SCHEMA}`)
    await client.query('BEGIN')
    await client.query(
      `INSERT INTO orders (uid, name, stage, issued_to_uid, assigned_to_uid, created_at, updated_at, created_by, updated_by)
       SELECT 'cbenchord' || lpad(g::text, 16, '0'), 'Bench order ' || g,
              (ARRAY['OPEN', 'IN_PROCESS', 'WON', 'CLOSED'])[1 + g % 4],
              c.customers[1 + g % array_length(c.customers, 1)], $2,
              timestamptz '2021-01-01 00:00:00+00' + g * interval '1 minute',
              timestamptz '2021-01-01 00:00:00+00' + g * interval '1 minute' + interval '5 seconds',
              $3, $3
         FROM generate_series(1, $1::int) g
        CROSS JOIN (SELECT array_agg(bp_uid ORDER BY bp_uid) AS customers FROM customer_of WHERE user_uid = $2) c`,
      [EXTRA_ORDERS, SELLER.uid, SELLER.extUid],
    )
    await client.query(
      `INSERT INTO items (uid, code, quantity, description, provider, order_uid, created_at, updated_at, created_by)
       SELECT 'cbenchitm' || lpad((g * $2::int + k)::text, 16, '0'), 'SKU-' || lpad(((g * 7 + k) % 500)::text, 4, '0'),
              k * 1.5, 'Bench item ' || k || ' of order ' || g, (ARRAY['Proveedor A', 'Proveedor B', NULL])[1 + (g + k) % 3],
              'cbenchord' || lpad(g::text, 16, '0'),
              timestamptz '2021-01-01 00:00:00+00' + g * interval '1 minute',
              timestamptz '2021-01-01 00:00:00+00' + g * interval '1 minute', $3
         FROM generate_series(1, $1::int) g CROSS JOIN generate_series(0, $2::int - 1) k`,
      [EXTRA_ORDERS, ITEMS_PER_ORDER, SELLER.extUid],
    )
    await client.query(
      `INSERT INTO prices (uid, type, amount, currency, item_uid, created_at, updated_at)
       SELECT 'cbenchprc' || substr(i.uid, 10), 'GENERAL', ((length(i.description) * 37 + right(i.uid, 3)::int) % 1000) + 0.25, 'MXN', i.uid, i.created_at, i.updated_at
         FROM items i WHERE i.uid LIKE 'cbenchitm%'`,
    )
    await client.query('COMMIT')
    await client.query('ANALYZE')
    const counts = await client.query<{ orders: string; items: string; prices: string }>(
      'SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM prices) AS prices',
    )
    const row = counts.rows[0]!
    console.log(`[bench] gom: ${row.orders} orders, ${row.items} items, ${row.prices} prices`)
  })
}

/** The cookies a browser would hold, by name, raw as the server wrote them. */
function takeCookies(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    if (value === '' || /expires=thu, 01 jan 1970/i.test(line)) jar.delete(name)
    else jar.set(name, value)
  }
}

/** Signs in as the Gom UI does: `GET /auth/ping`, then `POST /auth/login` with the CSRF header. */
async function signIn(server: RunningServer): Promise<{ cookie: string; csrf: string }> {
  const jar = new Map<string, string>()
  const header = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  const ping = await fetch(`${server.url}/auth/ping`)
  if (!ping.ok) throw new Error(`GET /auth/ping answered ${ping.status}: ${await ping.text()}`)
  takeCookies(jar, ping)
  const csrf = () => decodeURIComponent(jar.get('csrf-token') ?? '')
  const login = await fetch(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { cookie: header(), 'x-csrf-token': csrf(), 'content-type': 'application/json' },
    body: JSON.stringify({ grantType: 'password', username: SELLER.email, password: SELLER.password }),
  })
  if (login.status !== 200) throw new Error(`POST /auth/login answered ${login.status}: ${await login.text()}`)
  takeCookies(jar, login)
  for (const name of ['session-id', 'session-token', 'csrf-token']) assert(jar.has(name), `no ${name} cookie after the login`)
  return { cookie: header(), csrf: csrf() }
}

const scenario: Scenario = {
  name: 'gom',
  title: 'Gom (GraphQL, cookie session) vs NestJS + @nestjs/graphql (Apollo)',
  async prepare(settings) {
    const appKey = randomBytes(36).toString('base64url')
    const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0'
    const orders: Operation = {
      name: 'ordersConnection(first: 20)',
      method: 'POST',
      path: '/graphql',
      headers: {}, // the seller's cookies and CSRF header are set once Gom has signed them in
      body: JSON.stringify({
        operationName: 'Orders',
        query: ordersQuery,
        variables: { where: { assignedTo: { extUid: SELLER.extUid } }, orderBy: 'createdAt_DESC', first: PAGE },
      }),
      check(body) {
        const { data, errors } = body as OrdersBody
        assert(errors === undefined || errors.length === 0, `GraphQL errors: ${JSON.stringify(errors)}`)
        const connection = data?.ordersConnection
        assert(connection && connection.edges.length === PAGE && connection.pageInfo.hasNextPage, `expected a full page of ${PAGE} and more`)
        const created = connection.edges.map((edge) => edge.node.createdAt)
        assert(
          created.every((value, index) => index === 0 || value <= created[index - 1]!),
          'expected newest first',
        )
        assert(
          connection.edges.every((edge) => edge.node.items.length === ITEMS_PER_ORDER && edge.node.items.every((item) => item.pricing.length === 1)),
          'expected 3 items with one price each',
        )
      },
    }

    await dropSchema(settings.databaseUrl, SCHEMA)
    const hearthPort = await freePort()
    const peerPort = await freePort()
    const cachesOffPort = await freePort()
    const gomEnv = (port: number): Record<string, string> => ({
      DATABASE_URL: settings.databaseUrl,
      REDIS_URL: redisUrl,
      GOM_REDIS_PREFIX: REDIS_PREFIX,
      APP_KEY: appKey,
      HEARTH_ENV: 'qa',
      SEED: 'none',
      LOG_LEVEL: 'warn',
      RESPONSE_VALIDATION: 'false',
      DATA_DIR: join(settings.workDir, 'gom-data'),
      PORT: String(port),
      GOM_PORT: String(port),
    })
    const gomLabel =
      `Gom (\`apps/gom/src/server.ts\`: Fastify ${packageVersion('fastify')} + mercurius ${packageVersion('mercurius')} on the Hearth kernel, pg pool of 10, ` +
      'sessions in Redis, HEARTH_ENV=qa, LOG_LEVEL=warn, RESPONSE_VALIDATION=false as in production'
    const hearth = nodeServer('hearth', `${gomLabel}; its caches on, as by default)`, join(repositoryRoot, 'apps/gom/src/server.ts'), hearthPort, gomEnv(hearthPort), '/health')
    // The same app on the same database, Redis and secrets with both caches off: every request reads
    // its session from Redis, verifies the token and runs the query (three statements).
    const cachesOff = nodeServer(
      'hearth-caches-off',
      `${gomLabel}; \`GOM_READ_CACHE=false GOM_SESSION_CACHE_TTL_MS=0\`: no read cache, no session cache)`,
      join(repositoryRoot, 'apps/gom/src/server.ts'),
      cachesOffPort,
      { ...gomEnv(cachesOffPort), GOM_READ_CACHE: 'false', GOM_SESSION_CACHE_TTL_MS: '0' },
      '/health',
    )
    const peerEnv: Record<string, string> = {
      DATABASE_URL: settings.databaseUrl,
      DATABASE_SCHEMA: SCHEMA,
      REDIS_URL: redisUrl,
      SESSION_PREFIX: REDIS_PREFIX,
      APP_KEY: appKey,
      PORT: String(peerPort),
    }
    const peerSpec = nodeServer(
      'peer',
      `NestJS ${packageVersion('@nestjs/core')} + @nestjs/graphql ${packageVersion('@nestjs/graphql')} with @nestjs/apollo ${packageVersion('@nestjs/apollo')} ` +
        `(Apollo Server ${packageVersion('@apollo/server')}) on @nestjs/platform-express ${packageVersion('@nestjs/platform-express')} (\`bench/peers/nestjs-gom\`: ` +
        `schema-first resolvers over pg ${packageVersion('pg')} with a pool of 10; the original's session middleware: signed session id, ` +
        `session read from Redis (ioredis ${packageVersion('ioredis')}), CSRF token checked, split JWT rebuilt and verified with jose; permission and owner guards; NODE_ENV=production)`,
      join(repositoryRoot, 'bench/peers/nestjs-gom/server.ts'),
      peerPort,
      peerEnv,
      '/health',
    )
    return {
      setup: [
        `Data: PostgreSQL database \`${new URL(settings.databaseUrl).pathname.slice(1)}\`, schema \`${SCHEMA}\`, migrated by Gom at start, ` +
          `the QA seed loaded through \`POST /qa/seedDatabase\`, then ${EXTRA_ORDERS.toLocaleString('en-US')} orders for the seller ` +
          `${SELLER.email} (issued to that seller's customers, ${ITEMS_PER_ORDER} items each with one price) inserted by SQL, then \`ANALYZE\`.`,
        '',
        `Operation (\`POST /graphql\`): **ordersConnection(first: 20)** = \`ordersConnection(where: {assignedTo: {extUid: <sub>}}, ` +
          `orderBy: createdAt_DESC, first: 20)\` with \`pageInfo\`, each edge's \`cursor\` and order scalars, and \`items { … pricing { … } }\` ` +
          `(20 orders, 60 items, 60 prices), as that seller through the cookie session: the \`session-id\` (signed session id), ` +
          '`session-token` (JWT header and payload) and `csrf-token` cookies from `GET /auth/ping` + `POST /auth/login`, and the ' +
          '`X-Csrf-Token` header, as the Gom UI sends them. The server sessions of both Gom and the peer are in one local Redis ' +
          `(\`REDIS_URL\`, keys under \`${REDIS_PREFIX}\`), as the original's connect-redis store was; the peer reads the session Gom wrote.`,
      ],
      operations: [orders],
      hearth,
      variants: [cachesOff],
      async afterHearthStart(server) {
        const seeded = await fetch(`${server.url}/qa/seedDatabase`, { method: 'POST' })
        if (!seeded.ok) throw new Error(`POST /qa/seedDatabase answered ${seeded.status}: ${await seeded.text()}`)
        await insertOrders(settings.databaseUrl)
        // The built-in identity provider's public keys: the peer verifies the seller's RS256 token with them (the original fetched Auth0's JWKS).
        const jwks = await fetch(`${server.url}/dev/identity/jwks.json`)
        if (!jwks.ok) throw new Error(`GET /dev/identity/jwks.json answered ${jwks.status}`)
        peerSpec.env.GOM_JWKS = await jwks.text()
        const { cookie, csrf } = await signIn(server)
        orders.headers = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }
        console.log(`[bench] gom: signed in as ${SELLER.email}`)
      },
      peer: peerSpec,
      targets: [
        { maxPeakRssMiB: 250 }, // issue 12: one app on a PostgreSQL server under the benchmark load
        { operation: orders.name, versus: 'peer', minimum: 5 },
        { operation: orders.name, versus: 'ceiling', minimum: 0.4 },
      ],
      notes: [
        'What differs between the servers (they answer the same JSON): every request to each of them passes the same session ' +
          'check — the `session-id` signature (HMAC-SHA256), the session (one Redis GET), the CSRF token against the session ' +
          "secret (the peer verifies the tokens Gom issues, HMAC-SHA256; the original's csurf used SHA-1), the split JWT rebuilt " +
          "and verified (RS256, the built-in identity provider's key) — then the permission and owner checks. Neither writes the " +
          "session back (the original's connect-redis refreshed its TTL on every request; the peer leaves that out, which only " +
          'helps it). **hearth** (Gom as configured by default) keeps sessions and verified tokens for up to 5 s ' +
          '(`GOM_SESSION_CACHE_TTL_MS`) and the JSON answer of each successful query per caller (kind, `sub`, permissions) and ' +
          'request for up to 5 s (`GOM_READ_CACHE_TTL_MS`); every mutation and every session write or logout empties them in ' +
          'every process through the kernel\'s event bus (apps/gom/README.md, "Caches"); in this load nothing changes, so ' +
          'after the first request it answers from the cache (the session cookie, CSRF token and permission are still checked on ' +
          'every request). **hearth-caches-off** is the same app with both caches off: the session from Redis and the RS256 ' +
          "verification on every request, then three PostgreSQL round trips (the page of orders, the page's items, their " +
          'prices), like the peer. The peer does not cache. The peer selects the page with `JOIN users … WHERE ext_uid = $1 ' +
          "ORDER BY created_at DESC, uid DESC LIMIT 21`, which PostgreSQL answers by sorting all of the seller's 10,000 orders; " +
          "Gom ANDs the caller's visibility rule to every statement and names the seller's key as a scalar subquery, which " +
          'PostgreSQL answers from the `(assigned_to_uid, created_at)` index. Both run graphql-js (Gom through mercurius, without ' +
          "graphql-jit, which cannot compile Gom's recursive filter inputs; the peer through Apollo). The peer runs under tsx like " +
          "Gom, with Nest's decorators applied as function calls (no emitted metadata; see its header).",
      ],
    }
  },
}

export default scenario
