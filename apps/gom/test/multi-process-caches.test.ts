// Two Gom processes on one PostgreSQL and one Redis with long cache lifetimes (10 minutes), so only
// the kernel event bus can explain that a change made through one is seen on the other (README
// "Caches"): a mutation through one empties the other's read cache, a logout through one ends the
// session on the other, the QA seed through one empties the other's caches.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { openDatabase, type Database } from '@hearth/kernel'
import { appProcesses, testDatabaseUrl, testRedisUrl } from '@hearth/kernel/testing'
import { CookieJar } from './session.ts'

const databaseUrl = testDatabaseUrl()
const redisUrl = testRedisUrl()
/** Far longer than any wait below: a change seen in time came through the event bus, not the TTL. */
const CACHE_TTL_MS = '600000'
const processes = databaseUrl
  ? appProcesses('gom', { databaseUrl, redisUrl, env: { APP_KEY: 'multi-process-app-key-0123456789', GOM_READ_CACHE_TTL_MS: CACHE_TTL_MS, GOM_SESSION_CACHE_TTL_MS: CACHE_TTL_MS } })
  : undefined
/** How long a change may take to reach the other process here (the bound is the event's delivery, milliseconds; this leaves room for a loaded machine). */
const PROPAGATION_DEADLINE_MS = 10_000
let database: Database | undefined

after(async () => {
  await database?.close()
  await processes?.close()
})

/** One more Gom process on the shared schema, Redis and DATA_DIR (the first migrates; `qa` also seeds). */
const startProcess = async (seed: 'qa' | 'none') => (await processes!.start({ SEED: seed })).url

async function call(url: string, jar: CookieJar, options: { method?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { cookie: jar.header(), 'x-csrf-token': jar.get('csrf-token') ?? '' }
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(url, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
  jar.take({ headers: { 'set-cookie': response.headers.getSetCookie() } })
  const text = await response.text()
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined }
}

async function signIn(url: string, body: Record<string, string>): Promise<CookieJar> {
  const jar = new CookieJar()
  assert.equal((await call(`${url}/auth/ping`, jar)).status, 200)
  const login = await call(`${url}/auth/login`, jar, { method: 'POST', body })
  assert.equal(login.status, 200, JSON.stringify(login.body))
  return jar
}

/** Polls `probe` until it returns true; fails after the deadline (a correctness bound, not a timing measurement). */
async function eventually(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PROPAGATION_DEADLINE_MS
  while (Date.now() < deadline) {
    if (await probe()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  assert.fail(`${what}: not seen within ${PROPAGATION_DEADLINE_MS} ms`)
}

const O101 = 'cgomqaord0000000000000101'
const O102 = 'cgomqaord0000000000000102'
const nameQuery = { query: `query One($uid: ID) { order(where: { uid: $uid }) { uid name } }`, variables: { uid: O101 } }

test(
  'two Gom processes: a mutation, a logout and the QA seed through one reach the caches of the other through the event bus',
  { skip: databaseUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL (two processes cannot share the embedded database)' },
  async () => {
    const first = await startProcess('qa')
    const second = await startProcess('none')
    database = await openDatabase({ url: databaseUrl!, schema: processes!.schema, poolSize: 1 })
    const seller = await signIn(first, { grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' })
    const nameOn = async (url: string, jar = seller) => {
      const answer = await call(`${url}/graphql`, jar, { method: 'POST', body: nameQuery })
      return (answer.body?.data as { order?: { name: string } } | undefined)?.order?.name
    }

    // The second process keeps the seller's answer (and session): a change by hand in SQL is not seen there.
    assert.equal(await nameOn(second), 'Despensa semanal')
    await database.query(`UPDATE orders SET name = 'Changed by hand' WHERE uid = $1`, [O101])
    assert.equal(await nameOn(second), 'Despensa semanal')

    // A mutation through the first (on another order, by a customer) empties the second's read cache.
    const customer = await signIn(first, { grantType: 'phone', username: 'QaCarmen01', phone: '5512345671' })
    const update = await call(`${first}/graphql`, customer, { method: 'POST', body: { query: `mutation { updateOrder(data: { name: "Otra" }, where: { uid: "${O102}" }) { uid } }` } })
    assert.deepEqual(update.body, { data: { updateOrder: { uid: O102 } } })
    await eventually('the mutation through the first process, on the second', async () => (await nameOn(second)) === 'Changed by hand')

    // The QA seed through the first empties the second's read cache too (and ends every session).
    await database.query(`UPDATE orders SET name = 'Changed again' WHERE uid = $1`, [O101])
    const again = await signIn(first, { grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' })
    assert.equal(await nameOn(second, again), 'Changed by hand') // kept on the second
    assert.equal((await fetch(`${first}/qa/seedDatabase`, { method: 'POST' })).status, 204)
    const fresh = await signIn(first, { grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' })
    await eventually('the QA seed through the first process, on the second', async () => (await nameOn(second, fresh)) === 'Despensa semanal')
    await eventually('the sessions the QA seed ended, on the second', async () => (await call(`${second}/graphql`, again, { method: 'POST', body: nameQuery })).status === 403)

    // Logging out through the first ends the session the second had cached.
    assert.equal((await call(`${second}/graphql`, fresh, { method: 'POST', body: nameQuery })).status, 200)
    const stale = new CookieJar()
    for (const [name, value] of fresh.values) stale.values.set(name, value)
    assert.equal((await call(`${first}/auth/logout`, fresh)).status, 200)
    await eventually('the logout through the first process, on the second', async () => (await call(`${second}/graphql`, stale, { method: 'POST', body: nameQuery })).status === 403)
  },
)
