// The Gom UI's subscription: a WebSocket upgrade on /api/graphql with the legacy `graphql-ws`
// subprotocol (subscriptions-transport-ws), authenticated by the upgrade's cookies (spec §3.6).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import WebSocket from 'ws'
import { O, U1, asC1, asU1, gql, startGom, type Gom } from './helpers.ts'

let gom: Gom
let base: string
before(async () => {
  gom = await startGom()
  await gom.app.listen({ host: '127.0.0.1', port: 0 })
  base = `ws://127.0.0.1:${(gom.app.server.address() as AddressInfo).port}`
})
after(() => gom?.close())

interface LegacyClient {
  messages: Record<string, unknown>[]
  next(timeoutMs?: number): Promise<Record<string, unknown>>
  send(message: unknown): void
  close(): void
}

/** Opens a legacy `graphql-ws` connection and sends `connection_init`. */
async function connect(path: string, cookie: string | undefined, protocol = 'graphql-ws'): Promise<LegacyClient> {
  const socket = new WebSocket(`${base}${path}`, protocol, cookie ? { headers: { cookie } } : {})
  const messages: Record<string, unknown>[] = []
  const waiting: ((message: Record<string, unknown>) => void)[] = []
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>
    if (message.type === 'ka' || message.type === 'ping' || message.type === 'pong') return
    const waiter = waiting.shift()
    if (waiter) waiter(message)
    else messages.push(message)
  })
  socket.on('close', (code, reason) => {
    const waiter = waiting.shift()
    if (waiter) waiter({ type: 'closed', code, reason: String(reason) })
    else messages.push({ type: 'closed', code, reason: String(reason) })
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  socket.send(JSON.stringify({ type: 'connection_init', payload: {} }))
  return {
    messages,
    send: (message) => socket.send(JSON.stringify(message)),
    close: () => socket.close(),
    next(timeoutMs = 5000) {
      const queued = messages.shift()
      if (queued) return Promise.resolve(queued)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message in time')), timeoutMs)
        waiting.push((message) => {
          clearTimeout(timer)
          resolve(message)
        })
      })
    },
  }
}

const SUBSCRIPTION = `subscription($where: OrderSubscriptionWhereInput) { order(where: $where) { mutation node { uid name } updatedFields } }`

describe('the order subscription over legacy graphql-ws with the session cookies', () => {
  test("a seller subscribed on /api/graphql receives a customer's update made over HTTP", async () => {
    const seller = await asU1(gom.app)
    const client = await connect('/api/graphql', seller.cookie)
    assert.equal((await client.next()).type, 'connection_ack')
    client.send({ id: '1', type: 'start', payload: { query: SUBSCRIPTION, variables: { where: { mutation_in: ['CREATED', 'UPDATED'], node: { assignedTo: { extUid: U1 } } } } } })
    await new Promise((resolve) => setTimeout(resolve, 300))

    const customer = await asC1(gom.app)
    const update = await gql(gom.app, customer, `mutation { updateOrder(data: { name: "Despensa (editada)" }, where: { uid: "${O(101)}" }) { uid } }`)
    assert.equal(update.status, 200)
    assert.deepEqual(update.errors, undefined)

    const message = await client.next()
    assert.equal(message.type, 'data')
    assert.equal(message.id, '1')
    assert.deepEqual((message.payload as { data: unknown }).data, { order: { mutation: 'UPDATED', node: { uid: O(101), name: 'Despensa (editada)' }, updatedFields: ['name', 'updatedBy'] } })
    client.close()
  })

  test('a connection without cookies, or with forged ones, is refused: "No authorization to connect"', async () => {
    const seller = await asU1(gom.app)
    const forged = seller.cookie.replace(
      /session-token=([^;.]+)\.([^;]+)/,
      (_match, header: string) => `session-token=${header}.${Buffer.from(JSON.stringify({ sub: 'x', permissions: ['role:seller'] })).toString('base64url')}`,
    )
    for (const cookie of [undefined, 'session-id=s%3Aabc.def; session-token=x.y', forged, seller.cookie.replace(/session-id=[^;]+/, 'session-id=s%3Anope.nope')]) {
      const client = await connect('/graphql', cookie)
      const message = await client.next()
      assert.equal(message.type, 'connection_error', String(cookie))
      assert.deepEqual(message.payload, { message: 'No authorization to connect' })
      client.close()
    }
  })

  test('after logout the same cookies no longer open a subscription', async () => {
    const seller = await asU1(gom.app)
    const logout = await gom.app.inject({ method: 'GET', url: '/api/auth/logout', headers: { cookie: seller.cookie } })
    assert.equal(logout.statusCode, 200)
    const client = await connect('/api/graphql', seller.cookie)
    assert.equal((await client.next()).type, 'connection_error')
    client.close()
  })
})

describe('the current graphql-transport-ws subprotocol, same cookies', () => {
  test('a customer subscribed with cookies receives its own order update; without cookies there is no ack', async () => {
    const customer = await asC1(gom.app)
    const client = await connect('/graphql', customer.cookie, 'graphql-transport-ws')
    assert.equal((await client.next()).type, 'connection_ack')
    client.send({ id: 'a', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { where: { node: { issuedTo: { uid: 'cgomqacus0000000000000001' } } } } } })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const seller = await asU1(gom.app)
    const update = await gql(gom.app, seller, `mutation { updateOrder(data: { name: "Fruta (editada)" }, where: { uid: "${O(102)}" }) { uid } }`)
    assert.deepEqual(update.errors, undefined)
    const message = await client.next()
    assert.equal(message.type, 'next')
    assert.deepEqual((message.payload as { data: { order: { node: unknown } } }).data.order.node, { uid: O(102), name: 'Fruta (editada)' })
    client.close()

    const anonymous = await connect('/graphql', undefined, 'graphql-transport-ws')
    const refused = await anonymous.next()
    assert.notEqual(refused.type, 'connection_ack')
    anonymous.close()
  })
})
