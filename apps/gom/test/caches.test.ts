// The read cache and the session cache in one process (README "Caches"): what is kept, what empties
// it, and that the caches never let one caller see another's answer. The same across two processes
// is in `multi-process-caches.test.ts`.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Database } from '@hearth/kernel'
import { buildTestApp } from '@hearth/kernel/testing'
import gom from '../src/app.ts'
import { asC1, asU1, asU2, gql, O, U1 } from './helpers.ts'

const ORDER = `query One($uid: ID) { order(where: { uid: $uid }) { uid name items { uid pricing { amount } } } }`
const PAGE = `query Orders($where: OrderWhereInput) { ordersConnection(where: $where, orderBy: createdAt_DESC, first: 20) { edges { node { uid name } } } }`

async function start(env: Record<string, string> = {}): Promise<{ app: FastifyInstance; database: Database; close(): Promise<void> }> {
  const built = await buildTestApp(gom, { env: { APP_KEY: 'test-app-key-0123456789abcdef', ...env } })
  const seeded = await built.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
  assert.equal(seeded.statusCode, 204, seeded.body)
  return built
}

/** A change made behind the app's back (by hand in SQL): no event, so only the TTL would reveal it. */
const renameBySql = (database: Database, uid: string, name: string) => database.query(`UPDATE orders SET name = $1 WHERE uid = $2`, [name, uid])

const nameOf = (answer: Awaited<ReturnType<typeof gql>>) => (answer.data?.order as { name: string } | null)?.name

describe('with the caches on (the default)', () => {
  let gomApp: Awaited<ReturnType<typeof start>>
  before(async () => {
    gomApp = await start({ GOM_READ_CACHE_TTL_MS: '600000', GOM_SESSION_CACHE_TTL_MS: '600000' })
  })
  after(() => gomApp?.close())

  test('a query answer is kept per caller until a mutation, in any caller, empties the cache', async () => {
    const { app, database } = gomApp
    const u1 = await asU1(app)
    const c1 = await asC1(app)
    assert.equal(nameOf(await gql(app, u1, ORDER, { uid: O(101) })), 'Despensa semanal')
    await renameBySql(database, O(101), 'Renamed behind the app')
    // The seller's answer is the kept one; the customer (another caller) reads afresh.
    assert.equal(nameOf(await gql(app, u1, ORDER, { uid: O(101) })), 'Despensa semanal')
    assert.equal(nameOf(await gql(app, c1, ORDER, { uid: O(101) })), 'Renamed behind the app')
    // Any mutation (here the customer's, on another order) empties the cache before it answers.
    const update = await gql(app, c1, `mutation { updateOrder(data: { name: "Otra" }, where: { uid: "${O(102)}" }) { uid } }`)
    assert.equal(update.errors, undefined, JSON.stringify(update.errors))
    assert.equal(nameOf(await gql(app, u1, ORDER, { uid: O(101) })), 'Renamed behind the app')
  })

  test("answers with errors are not kept, and no caller gets another caller's answer", async () => {
    const { app, database } = gomApp
    const u1 = await asU1(app)
    const u2 = await asU2(app)
    const mine = await gql(app, u1, PAGE, { where: { assignedTo: { extUid: U1 } } })
    assert.equal(mine.errors, undefined)
    // The same document and variables as another seller: refused, every time (never U1's kept answer).
    for (let attempt = 0; attempt < 2; attempt++) {
      const theirs = await gql(app, u2, PAGE, { where: { assignedTo: { extUid: U1 } } })
      assert.equal(theirs.data?.ordersConnection ?? null, null)
      assert.equal(theirs.errors?.[0]?.extensions.code, 'FORBIDDEN')
    }
    // An error answer is not kept: the order the seller cannot see yet, then can.
    const ghost = 'cgomqaord0000000000009999'
    const missing = await gql(app, u1, ORDER, { uid: ghost })
    assert.equal(missing.data?.order ?? null, null)
    await database.query(
      `INSERT INTO orders (uid, name, stage, issued_to_uid, assigned_to_uid, created_by, updated_by) SELECT $1, 'Ghost', 'OPEN', issued_to_uid, assigned_to_uid, created_by, updated_by FROM orders WHERE uid = $2`,
      [ghost, O(102)],
    )
    const found = await gql(app, u1, ORDER, { uid: ghost })
    // `order` answers null without an error for a missing order (kept), or the row: either way the
    // cache must not turn a refusal into data or data into another caller's.
    assert.ok(found.data?.order === null || nameOf(found) === 'Ghost')
  })

  test('concurrent identical requests get the same answer (one computes it, the others wait for it)', async () => {
    const { app } = gomApp
    const u1 = await asU1(app)
    await gql(app, u1, `mutation { updateOrder(data: { name: "Concurrent" }, where: { uid: "${O(102)}" }) { uid } }`) // empties the cache
    const answers = await Promise.all(Array.from({ length: 8 }, () => gql(app, u1, PAGE, { where: { assignedTo: { extUid: U1 } } })))
    for (const answer of answers) {
      assert.equal(answer.errors, undefined)
      assert.deepEqual(answer.data, answers[0]!.data)
    }
    const edges = (answers[0]!.data!.ordersConnection as { edges: { node: { uid: string; name: string } }[] }).edges
    assert.equal(edges.find((edge) => edge.node.uid === O(102))?.node.name, 'Concurrent')
  })

  test('logout ends the session at once in the process that handled it, though the session was cached', async () => {
    const { app } = gomApp
    const u1 = await asU1(app)
    assert.equal((await gql(app, u1, ORDER, { uid: O(101) })).status, 200)
    const logout = await app.inject({ method: 'GET', url: '/auth/logout', headers: { cookie: u1.cookie } })
    assert.equal(logout.statusCode, 200)
    const afterLogout = await app.inject({ method: 'POST', url: '/graphql', headers: u1.headers, payload: { query: ORDER, variables: { uid: O(101) } } })
    // The session is gone, so its CSRF secret is too: the session layer's 403, no data.
    assert.equal(afterLogout.statusCode, 403)
    assert.equal(afterLogout.json().error, 'EBADCSRFTOKEN')
  })

  test('the QA seed empties the read cache', async () => {
    const { app, database } = gomApp
    const u1 = await asU1(app)
    const before = nameOf(await gql(app, u1, ORDER, { uid: O(103) }))
    await renameBySql(database, O(103), 'Changed before the reseed')
    assert.equal(nameOf(await gql(app, u1, ORDER, { uid: O(103) })), before)
    assert.equal((await app.inject({ method: 'POST', url: '/qa/seedDatabase' })).statusCode, 204)
    const again = await asU1(app) // the seed ended every session
    assert.equal(nameOf(await gql(app, again, ORDER, { uid: O(103) })), before)
    await renameBySql(database, O(103), 'Changed after the reseed')
    assert.equal(nameOf(await gql(app, again, ORDER, { uid: O(103) })), before) // kept again
  })
})

describe('with GOM_READ_CACHE=false and GOM_SESSION_CACHE_TTL_MS=0', () => {
  let gomApp: Awaited<ReturnType<typeof start>>
  before(async () => {
    gomApp = await start({ GOM_READ_CACHE: 'false', GOM_SESSION_CACHE_TTL_MS: '0' })
  })
  after(() => gomApp?.close())

  test('every query reads the database', async () => {
    const { app, database } = gomApp
    const u1 = await asU1(app)
    assert.equal(nameOf(await gql(app, u1, ORDER, { uid: O(101) })), 'Despensa semanal')
    await renameBySql(database, O(101), 'Renamed behind the app')
    assert.equal(nameOf(await gql(app, u1, ORDER, { uid: O(101) })), 'Renamed behind the app')
  })
})
