// Two Gom processes on one PostgreSQL and one Redis (platform "Scale-out"): a session made through
// one is used on the other, the login limiter counts both processes' failures together, an order
// updated through one reaches a subscriber connected to the other, and a push subscription stored
// through one is used by the job that runs in either.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import WebSocket from 'ws'
import { appProcesses, testDatabaseUrl, testRedisUrl } from '@hearth/kernel/testing'
import { startPushService, type FakePushService } from '@hearth/kernel/testing/push-service'
import { CookieJar } from './session.ts'

const databaseUrl = testDatabaseUrl()
const redisUrl = testRedisUrl()
const processes = databaseUrl ? appProcesses('gom', { databaseUrl, redisUrl, env: { APP_KEY: 'multi-process-app-key-0123456789', PUSH_ALLOW_INSECURE_TLS: 'true' } }) : undefined
let push: FakePushService | undefined

after(async () => {
  await processes?.close()
  await push?.close()
})

/** One more Gom process on the shared schema, Redis and DATA_DIR (the first migrates; `qa` also seeds). */
const startProcess = async (seed: 'qa' | 'none') => (await processes!.start({ SEED: seed })).url

/** A browser's cookie jar over fetch. */
async function call(url: string, jar: CookieJar, options: { method?: string; body?: unknown; csrf?: boolean } = {}) {
  const headers: Record<string, string> = { cookie: jar.header() }
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.csrf) headers['x-csrf-token'] = jar.get('csrf-token') ?? ''
  const response = await fetch(url, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
  jar.take({ headers: { 'set-cookie': response.headers.getSetCookie() } })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined }
}

async function signIn(url: string, body: Record<string, string>): Promise<CookieJar> {
  const jar = new CookieJar()
  assert.equal((await call(`${url}/api/auth/ping`, jar)).status, 200)
  const login = await call(`${url}/api/auth/login`, jar, { method: 'POST', body, csrf: true })
  assert.equal(login.status, 200, JSON.stringify(login.body))
  return jar
}

function legacySubscription(url: string, cookie: string, query: string, variables: unknown) {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/graphql`, 'graphql-ws', { headers: { cookie } })
  const messages: Record<string, unknown>[] = []
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>
    if (message.type !== 'ka') messages.push(message)
  })
  socket.on('open', () => {
    socket.send(JSON.stringify({ type: 'connection_init', payload: {} }))
    socket.send(JSON.stringify({ id: '1', type: 'start', payload: { query, variables } }))
  })
  return {
    messages,
    async waitFor(type: string, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const index = messages.findIndex((message) => message.type === type)
        if (index >= 0) return messages.splice(index, 1)[0]!
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error(`no ${type} message; got ${JSON.stringify(messages)}`)
    },
    close: () => socket.close(),
  }
}

const U1 = 'auth0|60a000000000000000000001'
const O101 = 'cgomqaord0000000000000101'

test(
  'two Gom processes on one PostgreSQL and Redis share sessions, CSRF secrets, the login limiter, subscriptions events and push subscriptions',
  { skip: databaseUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL (two processes cannot share the embedded database)' },
  async () => {
    push = await startPushService()
    const first = await startProcess('qa') // migrates and seeds
    const second = await startProcess('none')

    // A session (and its CSRF secret) made through the first process works on the second.
    const jar = new CookieJar()
    await call(`${first}/auth/ping`, jar)
    const login = await call(`${second}/auth/login`, jar, { method: 'POST', body: { grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' }, csrf: true })
    assert.equal(login.status, 200)
    const onFirst = await call(`${first}/graphql`, jar, { method: 'POST', body: { query: `{ order(where: { uid: "${O101}" }) { uid name } }` }, csrf: true })
    assert.deepEqual(onFirst.body, { data: { order: { uid: O101, name: 'Despensa semanal' } } })

    // The subscriber on the second process hears an update made through the first.
    const subscriber = legacySubscription(second, jar.header(), 'subscription($where: OrderSubscriptionWhereInput) { order(where: $where) { mutation node { uid name } previousValues { uid } } }', {
      where: { mutation_in: ['UPDATED', 'DELETED'], node: { assignedTo: { extUid: U1 } } },
    })
    await subscriber.waitFor('connection_ack')
    await new Promise((resolve) => setTimeout(resolve, 500))
    const customer = await signIn(first, { grantType: 'phone', username: 'QaCarmen01', phone: '5512345671' })

    // The seller's push subscription is stored through the second process...
    const device = push.subscribe()
    assert.equal((await call(`${second}/webpush/subscribe`, jar, { method: 'POST', body: device, csrf: true })).status, 201)

    // ...and the customer's update through the first reaches both the subscriber and the device.
    const update = await call(`${first}/api/graphql`, customer, {
      method: 'POST',
      body: { query: `mutation { updateOrder(data: { name: "Despensa (multi)" }, where: { uid: "${O101}" }) { uid } }` },
      csrf: true,
    })
    assert.deepEqual(update.body, { data: { updateOrder: { uid: O101 } } })
    const data = await subscriber.waitFor('data')
    assert.deepEqual((data.payload as { data: { order: { node: unknown; mutation: string } } }).data.order, {
      mutation: 'UPDATED',
      node: { uid: O101, name: 'Despensa (multi)' },
      previousValues: { uid: O101 },
    })
    // A deleteBp through the first process: its cascaded orders reach the second's subscriber as DELETED.
    const deleted = await call(`${first}/graphql`, jar, { method: 'POST', body: { query: `mutation { deleteBp(where: { uid: "cgomqacus0000000000000003" }) { uid } }` }, csrf: true })
    assert.deepEqual(deleted.body, { data: { deleteBp: { uid: 'cgomqacus0000000000000003' } } })
    const gone = [await subscriber.waitFor('data'), await subscriber.waitFor('data')].map(
      (message) => (message.payload as { data: { order: { mutation: string; node: unknown; previousValues: { uid: string } } } }).data.order,
    )
    assert.deepEqual(
      gone.sort((a, b) => a.previousValues.uid.localeCompare(b.previousValues.uid)),
      ['cgomqaord0000000000000301', 'cgomqaord0000000000000302'].map((uid) => ({ mutation: 'DELETED', node: null, previousValues: { uid } })),
    )
    subscriber.close()
    for (let attempt = 0; attempt < 100 && push.deliveredTo(device.endpoint).length === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 100))
    assert.deepEqual(
      push.deliveredTo(device.endpoint).map((entry) => entry.payload),
      [{ title: 'Pedido actualizado', body: 'Despensa (multi) ha sido actualizado', data: { type: 'order', uid: O101, operation: 'update' } }],
    )

    // The limiter counts failures on both processes together: 3 + 3 refused, the 7th is 429 on either.
    const wrong = { grantType: 'phone', username: 'QaDiegoF02', phone: '0000000000' }
    for (const url of [first, second, first, second, first, second]) {
      const attempt = new CookieJar()
      await call(`${url}/auth/ping`, attempt)
      assert.equal((await call(`${url}/auth/login`, attempt, { method: 'POST', body: wrong, csrf: true })).status, 403)
    }
    for (const url of [first, second]) {
      const attempt = new CookieJar()
      await call(`${url}/auth/ping`, attempt)
      const blocked = await call(`${url}/auth/login`, attempt, { method: 'POST', body: { ...wrong, phone: '5523456782' }, csrf: true })
      assert.equal(blocked.status, 429)
      assert.deepEqual(blocked.body, { statusCode: 429, message: 'Too many requests' })
      assert.ok(Number(blocked.headers.get('retry-after')) > 3500)
    }

    // Logging out through the second ends the session for the first too.
    const stale = new CookieJar()
    for (const [name, value] of jar.values) stale.values.set(name, value)
    assert.equal((await call(`${second}/auth/logout`, jar)).status, 200)
    // The first process may hold the session in its short-lived cache until the logout's
    // `sessionChanged` event reaches it (README "Caches"): milliseconds, so poll briefly.
    let after = await call(`${first}/graphql`, stale, { method: 'GET' })
    for (let attempt = 0; attempt < 100 && after.status !== 403; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      after = await call(`${first}/graphql`, stale, { method: 'GET' })
    }
    assert.equal(after.status, 403)
    assert.equal(after.body?.error, 'jwt_error')
  },
)
