import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SignedIn } from './session.ts'
import { asU1, gql, startGom, U1, type Gom } from './helpers.ts'

let gom: Gom
let u1: SignedIn
before(async () => {
  gom = await startGom()
  u1 = await asU1(gom.app)
})
after(() => gom?.close())

const ORDERS = `query($where: OrderWhereInput, $first: Int) { ordersConnection(where: $where, first: $first) { edges { node { uid } } } }`
const own = { assignedTo: { extUid: U1 } }

test('a where nested deeper than the limit is refused with QUERY_TOO_COMPLEX', async () => {
  let where: Record<string, unknown> = { name: 'x' }
  for (let i = 0; i < 60; i++) where = i % 2 ? { AND: [where] } : { OR: [where, { name: 'y' }] }
  const answer = await gql(gom.app, u1, ORDERS, { where: { ...own, AND: [where] } })
  assert.ok(answer.status < 500)
  assert.equal(answer.errors?.[0]?.extensions.code !== undefined, true)
  assert.notEqual(answer.errors?.[0]?.extensions.code, 'INTERNAL_SERVER_ERROR')
})

test('a moderately deep where is refused by the translator, not the database', async () => {
  let where: Record<string, unknown> = { name: 'x' }
  for (let i = 0; i < 14; i++) where = { AND: [where] }
  const answer = await gql(gom.app, u1, ORDERS, { where: { ...own, AND: [where] } })
  assert.equal(answer.status, 200)
  assert.deepEqual(answer.errors?.[0]?.extensions, { code: 'QUERY_TOO_COMPLEX' })
})

test('a huge _in list is refused', async () => {
  const answer = await gql(gom.app, u1, ORDERS, { where: { ...own, uid_in: Array.from({ length: 5_000 }, (_, i) => `c${i}`) } })
  assert.equal(answer.status, 200)
  assert.deepEqual(answer.errors?.[0]?.extensions, { code: 'QUERY_TOO_COMPLEX' })
})

test('an oversized first is refused with BAD_USER_INPUT', async () => {
  const answer = await gql(gom.app, u1, ORDERS, { where: own, first: 1_000_000 })
  assert.deepEqual(answer.errors?.[0], {
    message: 'The `first` argument must not exceed 1000',
    locations: answer.errors?.[0]?.locations,
    path: ['ordersConnection'],
    extensions: { code: 'BAD_USER_INPUT' },
  })
})

test('a selection nested beyond the depth limit is refused before execution', async () => {
  let selection = 'uid'
  for (let i = 0; i < 10; i++) selection = `issuedTo { orders { ${selection} } }`
  const answer = await gql(gom.app, u1, `{ order(where: { uid: "x" }) { ${selection} } }`)
  assert.ok(answer.status === 400 || answer.status === 200)
  assert.equal(typeof answer.errors?.[0]?.extensions.code, 'string')
})

test('a wrongly typed variable is BAD_USER_INPUT, an unknown field GRAPHQL_VALIDATION_FAILED', async () => {
  const typed = await gql(gom.app, u1, ORDERS, { where: { stage: 'NOPE' } })
  assert.equal(typed.errors?.[0]?.extensions.code, 'BAD_USER_INPUT')
  const unknown = await gql(gom.app, u1, `{ users { uid } }`)
  assert.equal(unknown.errors?.[0]?.extensions.code, 'GRAPHQL_VALIDATION_FAILED')
})

test('a mutation with too many nested writes is refused and writes nothing', async () => {
  const items = Array.from({ length: 201 }, () => ({ code: 'x' }))
  const answer = await gql(gom.app, u1, `mutation($data: OrderCreateInput!) { createOrder(data: $data) { uid } }`, {
    data: { name: 'many', issuedTo: { connect: { uid: 'cgomqacus0000000000000001' } }, assignedTo: { connect: { extUid: U1 } }, items: { create: items } },
  })
  assert.equal(answer.errors?.[0]?.extensions.code, 'BAD_USER_INPUT')
  const count = await gql(gom.app, u1, `{ ordersConnection(where: { assignedTo: { extUid: "${U1}" }, name: "many" }) { aggregate { count } } }`)
  assert.deepEqual(count.data, { ordersConnection: { aggregate: { count: 0 } } })
})
