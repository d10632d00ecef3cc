import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { SignedIn } from './session.ts'
import { asC1, asU1, asU2, C, errorOf, gql, O, P1, PB1, startGom, U1, U2, type Gom } from './helpers.ts'

let gom: Gom
let u1: SignedIn
let u2: SignedIn
let c1: SignedIn
before(async () => {
  gom = await startGom()
  u1 = await asU1(gom.app)
  u2 = await asU2(gom.app)
  c1 = await asC1(gom.app)
})
after(() => gom?.close())

const ORDERS = `query Orders($where: OrderWhereInput, $orderBy: OrderOrderByInput, $first: Int, $skip: Int, $after: String, $before: String, $last: Int) {
  ordersConnection(where: $where, orderBy: $orderBy, first: $first, skip: $skip, after: $after, before: $before, last: $last) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { uid name stage issuedTo { uid } assignedTo { extUid } items { uid quantity pricing { amount currency type } } } }
    aggregate { count }
  }
}`

const uids = (answer: Awaited<ReturnType<typeof gql>>) => ((answer.data?.ordersConnection as { edges: { node: { uid: string } }[] }).edges ?? []).map((edge) => edge.node.uid)

describe('ordersConnection', () => {
  test('a seller lists their orders newest first with items, prices and the total', async () => {
    const answer = await gql(gom.app, u1, ORDERS, { where: { assignedTo: { extUid: U1 } }, orderBy: 'createdAt_DESC', first: 20 })
    assert.equal(answer.errors, undefined)
    assert.deepEqual(uids(answer), [201, 102, 101, 103, 202, 302, 301].map(O))
    const connection = answer.data!.ordersConnection as { aggregate: { count: number }; pageInfo: { hasNextPage: boolean }; edges: { node: { items: { pricing: unknown[] }[] } }[] }
    assert.equal(connection.aggregate.count, 7)
    assert.equal(connection.pageInfo.hasNextPage, false)
    const o101 = connection.edges[2]!.node
    assert.deepEqual(o101.items, [
      { uid: 'cgomqaitm0000000000001011', quantity: 2, pricing: [{ amount: 28.5, currency: 'MXN', type: 'GENERAL' }] },
      { uid: 'cgomqaitm0000000000001012', quantity: 1, pricing: [{ amount: 34, currency: 'MXN', type: 'GENERAL' }] },
    ])
  })

  test('pages with first/skip/after/before/last (Prisma 1 semantics)', async () => {
    const where = { assignedTo: { extUid: U1 } }
    const page1 = await gql(gom.app, u1, ORDERS, { where, orderBy: 'createdAt_DESC', first: 3 })
    assert.deepEqual(uids(page1), [201, 102, 101].map(O))
    const info = (page1.data!.ordersConnection as { pageInfo: { hasNextPage: boolean; endCursor: string } }).pageInfo
    assert.equal(info.hasNextPage, true)
    assert.equal(info.endCursor, O(101))
    const page2 = await gql(gom.app, u1, ORDERS, { where, orderBy: 'createdAt_DESC', first: 3, after: info.endCursor })
    assert.deepEqual(uids(page2), [103, 202, 302].map(O))
    const skipped = await gom.app.inject({ method: 'POST', url: '/graphql', headers: u1.headers, payload: { query: ORDERS, variables: { where, orderBy: 'createdAt_DESC', first: 2, skip: 5 } } })
    assert.deepEqual(
      skipped.json().data.ordersConnection.edges.map((edge: { node: { uid: string } }) => edge.node.uid),
      [302, 301].map(O),
    )
    const last = await gql(gom.app, u1, ORDERS, { where, orderBy: 'createdAt_DESC', last: 2 })
    assert.deepEqual(uids(last), [302, 301].map(O))
    assert.equal((last.data!.ordersConnection as { pageInfo: { hasPreviousPage: boolean } }).pageInfo.hasPreviousPage, true)
    const before = await gql(gom.app, u1, ORDERS, { where, orderBy: 'createdAt_DESC', last: 2, before: O(103) })
    assert.deepEqual(uids(before), [102, 101].map(O))
  })

  test('a customer lists only the orders issued to it', async () => {
    const answer = await gql(gom.app, c1, ORDERS, { where: { issuedTo: { uid: C(1) } }, orderBy: 'createdAt_DESC' })
    assert.deepEqual(uids(answer), [102, 101, 103].map(O))
  })

  test('filters with scalar operators, AND/OR/NOT and relation filters', async () => {
    const base = { assignedTo: { extUid: U1 } }
    const cases: [Record<string, unknown>, number[]][] = [
      [{ ...base, stage_in: ['OPEN', 'IN_PROCESS'] }, [201, 102, 101]],
      [{ ...base, stage_not_in: ['OPEN', 'IN_PROCESS'] }, [103, 202, 302, 301]],
      [{ ...base, name_contains: 'an' }, [101, 202, 302, 301]],
      [{ ...base, name_starts_with: 'Pa' }, [103, 302]],
      [{ ...base, name_ends_with: 'grano' }, [202]],
      [{ ...base, createdAt_gte: '2020-09-01T00:00:00.000Z' }, [201, 102, 101]],
      [{ ...base, createdAt_lt: '2020-07-01T00:00:00.000Z' }, [302, 301]],
      [{ ...base, OR: [{ stage: 'WON' }, { stage: 'CLOSED' }], NOT: [{ name_contains: 'Café' }] }, [103, 302, 301]],
      [{ ...base, issuedTo: { name1: 'Diego' } }, [201, 202]],
      [{ ...base, items_some: { pricing_some: { amount_gt: 400 } } }, [103, 301]],
      [{ ...base, items_every: { quantity_gte: 2 } }, [201, 102, 202, 302]],
      [{ ...base, items_none: { quantity_lt: 2 } }, [201, 102, 202, 302]],
      [{ ...base, updatedBy: null }, [201, 101]],
      [{ ...base, updatedBy_not: null }, [102, 103, 202, 302, 301]],
    ]
    for (const [where, expected] of cases) {
      const answer = await gql(gom.app, u1, ORDERS, { where, orderBy: 'createdAt_DESC' })
      assert.equal(answer.errors, undefined, JSON.stringify(where))
      assert.deepEqual(uids(answer), expected.map(O), JSON.stringify(where))
    }
  })

  test('the owner filter is required and must name the caller', async () => {
    const none = await gql(gom.app, u1, ORDERS, {})
    assert.deepEqual(errorOf(none), { code: 'SERVER_ERROR', message: 'Cannot validate order owner at this moment' })
    const other = await gql(gom.app, u1, ORDERS, { where: { assignedTo: { extUid: U2 } } })
    assert.deepEqual(errorOf(other), { code: 'FORBIDDEN', message: 'Cannot access this order' })
    const customerAsOther = await gql(gom.app, c1, ORDERS, { where: { issuedTo: { uid: C(4) } } })
    assert.deepEqual(errorOf(customerAsOther), { code: 'FORBIDDEN', message: 'Cannot access this order' })
  })

  test('an OR cannot widen the owner filter to another seller', async () => {
    const answer = await gql(gom.app, u1, ORDERS, { where: { assignedTo: { extUid: U1 }, OR: [{ assignedTo: { extUid: U2 } }, { uid: O(401) }] } })
    assert.deepEqual(uids(answer), [])
  })

  test('an oversized first and a negative skip are refused with BAD_USER_INPUT', async () => {
    const big = await gql(gom.app, u1, ORDERS, { where: { assignedTo: { extUid: U1 } }, first: 1001 })
    assert.deepEqual(errorOf(big), { code: 'BAD_USER_INPUT', message: 'The `first` argument must not exceed 1000' })
    const negative = await gql(gom.app, u1, ORDERS, { where: { assignedTo: { extUid: U1 } }, skip: -1 })
    assert.equal(errorOf(negative)?.code, 'BAD_USER_INPUT')
  })
})

describe('order', () => {
  test('a seller reads their order; another seller and a stranger customer are refused', async () => {
    const query = `query($uid: ID) { order(where: { uid: $uid }) { uid name issuedTo { uid name1 } } }`
    const own = await gql(gom.app, u1, query, { uid: O(101) })
    assert.deepEqual(own.data, { order: { uid: O(101), name: 'Despensa semanal', issuedTo: { uid: C(1), name1: 'Carmen' } } })
    for (const [who, uid] of [
      [u2, O(101)],
      [c1, O(201)],
      [u1, 'cnotthere000000000000000000'],
    ] as const) {
      const refused = await gql(gom.app, who, query, { uid })
      assert.deepEqual(errorOf(refused), { code: 'FORBIDDEN', message: 'Cannot access this order' })
      assert.equal(refused.data?.order, null)
    }
  })

  test('nested selections never show another customer or seller (spec §11.7)', async () => {
    const query = `{ order(where: { uid: "${O(101)}" }) { assignedTo { uid business customers { uid } orders { uid } promotions { uid } } issuedTo { orders { uid } customerOf { uid customers { uid } } } } }`
    const answer = await gql(gom.app, c1, query)
    assert.equal(answer.errors, undefined)
    const order = answer.data!.order as {
      assignedTo: { customers: { uid: string }[]; orders: { uid: string }[]; promotions: unknown[] }
      issuedTo: { orders: { uid: string }[]; customerOf: { customers: { uid: string }[] }[] }
    }
    assert.deepEqual(order.assignedTo.customers, [{ uid: C(1) }])
    assert.deepEqual(order.assignedTo.orders.map((o) => o.uid).sort(), [101, 102, 103].map(O).sort())
    assert.deepEqual(order.assignedTo.promotions, [])
    assert.deepEqual(order.issuedTo.customerOf[0]!.customers, [{ uid: C(1) }])
  })

  test('relation filters inside a where cannot probe another seller', async () => {
    const query = `query($where: BpWhereInput) { bpsConnection(where: $where) { edges { node { uid } } } }`
    const answer = await gql(gom.app, u1, query, { where: { customerOf_some: { extUid: U1 }, orders_some: { assignedTo: { extUid: U2 } } } })
    assert.deepEqual((answer.data!.bpsConnection as { edges: unknown[] }).edges, [])
  })
})

describe('bp and bpsConnection', () => {
  test('a seller reads their customers; others are refused', async () => {
    const list = await gql(gom.app, u1, `{ bpsConnection(where: { customerOf_some: { extUid: "${U1}" } }, orderBy: name1_ASC) { edges { node { uid extUid name1 } } aggregate { count } } }`)
    assert.deepEqual((list.data!.bpsConnection as { aggregate: { count: number } }).aggregate, { count: 3 })
    const mine = await gql(gom.app, u1, `{ bp(where: { extUid: "QaCarmen01" }) { uid phone } }`)
    assert.deepEqual(mine.data, { bp: { uid: C(1), phone: '5512345671' } })
    const theirs = await gql(gom.app, u1, `{ bp(where: { uid: "${C(4)}" }) { uid } }`)
    assert.deepEqual(errorOf(theirs), { code: 'FORBIDDEN', message: 'Cannot access this BP' })
    const noFilter = await gql(gom.app, u1, `{ bpsConnection { edges { node { uid } } } }`)
    assert.deepEqual(errorOf(noFilter), { code: 'SERVER_ERROR', message: 'Cannot validate BP owner at this moment' })
    const customer = await gql(gom.app, c1, `{ bp(where: { uid: "${C(1)}" }) { uid } }`)
    assert.deepEqual(errorOf(customer), { code: 'FORBIDDEN', message: 'No permission to perform the operation' })
  })
})

describe('promotions and publications', () => {
  test('a seller reads their promotion and its publication; the other seller cannot', async () => {
    const own = await gql(gom.app, u1, `{ promotion(where: { uid: "${P1}" }) { code publications { uid status } } }`)
    assert.deepEqual(own.data, { promotion: { code: 'BUENFIN20', publications: [{ uid: PB1, status: 'DELIVERED' }] } })
    const other = await gql(gom.app, u2, `{ promotion(where: { uid: "${P1}" }) { code } }`)
    assert.deepEqual(errorOf(other), { code: 'FORBIDDEN', message: 'Cannot access this order' })
    const publication = await gql(gom.app, u2, `{ publication(where: { uid: "${PB1}" }) { uid } }`)
    assert.deepEqual(errorOf(publication), { code: 'FORBIDDEN', message: 'Cannot access this publication' })
    const list = await gql(gom.app, u2, `{ publicationsConnection { aggregate { count } } }`)
    assert.deepEqual(list.data, { publicationsConnection: { aggregate: { count: 0 } } })
    const promotions = await gql(gom.app, u1, `{ promotionsConnection(where: { assignedTo: { extUid: "${U1}" } }) { edges { node { uid start end } } } }`)
    assert.equal(promotions.errors, undefined, JSON.stringify(promotions.errors))
    assert.deepEqual(promotions.data, { promotionsConnection: { edges: [{ node: { uid: P1, start: '2020-11-13T06:00:00.000Z', end: '2020-11-17T05:59:59.000Z' } }] } })
    const customer = await gql(gom.app, c1, `{ promotion(where: { uid: "${P1}" }) { uid } }`)
    assert.deepEqual(errorOf(customer), { code: 'FORBIDDEN', message: 'No permission to perform the operation' })
  })
})

describe('/api/graphql', () => {
  test('answers like /graphql (the UI calls its own origin under /api)', async () => {
    const response = await gom.app.inject({ method: 'POST', url: '/api/graphql', headers: u1.headers, payload: { query: `{ order(where: { uid: "${O(101)}" }) { uid } }` } })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { data: { order: { uid: O(101) } } })
  })
})
