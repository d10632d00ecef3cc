import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { RecordingNotifier } from '../src/notifications.ts'
import type { SignedIn } from './session.ts'
import { asC1, asU1, asU2, C, errorOf, gql, O, P1, P2, startGom, U1, U1_UID, U2, type Gom } from './helpers.ts'

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

const CREATE_ORDER = `mutation($data: OrderCreateInput!) { createOrder(data: $data) { uid name stage createdBy updatedBy items { code createdBy pricing { amount currency } } } }`
const UPDATE_ORDER = `mutation($data: OrderUpdateInput!, $where: OrderWhereUniqueInput!) { updateOrder(data: $data, where: $where) { uid name stage updatedBy items { uid code quantity pricing { uid amount } } } }`

describe('createOrder', () => {
  test('a customer orders from its seller with nested items and prices; audit fields are the caller', async () => {
    const answer = await gql(gom.app, c1, CREATE_ORDER, {
      data: {
        name: 'Tortillas',
        createdBy: 'forged',
        issuedTo: { connect: { uid: C(1) } },
        assignedTo: { connect: { extUid: U1 } },
        items: { create: [{ code: 'TOR-1', quantity: 2, description: 'Tortillas', createdBy: 'kept', pricing: { create: [{ amount: 20, currency: 'MXN' }] } }] },
      },
    })
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors))
    const order = answer.data!.createOrder as Record<string, unknown>
    assert.equal(order.stage, 'OPEN')
    assert.equal(order.createdBy, C(1))
    assert.deepEqual(order.items, [{ code: 'TOR-1', createdBy: 'kept', pricing: [{ amount: 20, currency: 'MXN' }] }])
    assert.match(String(order.uid), /^c[0-9a-z]{24}$/)
  })

  test('the owner guard: issuedTo must be the customer, assignedTo its own seller', async () => {
    const data = (issuedTo: unknown, assignedTo: unknown, stage?: string) => ({ data: { name: 'x', stage, issuedTo: { connect: issuedTo }, assignedTo: { connect: assignedTo } } })
    assert.deepEqual(errorOf(await gql(gom.app, c1, CREATE_ORDER, data({ uid: C(4) }, { extUid: U2 }))), { code: 'FORBIDDEN', message: 'Cannot access this order' })
    assert.deepEqual(errorOf(await gql(gom.app, c1, CREATE_ORDER, data({ uid: C(1) }, { extUid: U2 }))), { code: 'FORBIDDEN', message: 'Cannot access this order' })
    assert.deepEqual(errorOf(await gql(gom.app, c1, CREATE_ORDER, data({ extUid: 'QaCarmen01' }, { extUid: U1 }))), { code: 'SERVER_ERROR', message: 'Cannot validate order owner at this moment' })
    assert.deepEqual(errorOf(await gql(gom.app, u1, CREATE_ORDER, data({ uid: C(4) }, { extUid: U1 }))), { code: 'FORBIDDEN', message: 'Cannot access this order' })
    assert.deepEqual(errorOf(await gql(gom.app, u1, CREATE_ORDER, data({ uid: C(1) }, { extUid: U2 }))), { code: 'FORBIDDEN', message: 'Cannot access this order' })
    assert.deepEqual(errorOf(await gql(gom.app, c1, CREATE_ORDER, data({ uid: C(1) }, { extUid: U1 }, 'WON'))), { code: 'FORBIDDEN', message: 'Cannot set this order stage' })
    const seller = await gql(gom.app, u1, CREATE_ORDER, data({ uid: C(2) }, { uid: U1_UID, extUid: undefined }))
    assert.equal(errorOf(seller)?.code, 'SERVER_ERROR')
  })

  test('notifications are enqueued from the stored order, whatever the selection', async () => {
    const notifier = gom.app.gom.container.notifier as unknown as RecordingNotifier & { orders?: unknown[] }
    const before = Array.isArray(notifier.orders) ? notifier.orders.length : undefined
    const answer = await gql(gom.app, u1, `mutation { createOrder(data: { name: "Sin selección", issuedTo: { connect: { uid: "${C(2)}" } }, assignedTo: { connect: { extUid: "${U1}" } } }) { uid } }`)
    assert.equal(answer.errors, undefined)
    if (before !== undefined) {
      const last = notifier.orders!.at(-1) as { operation: string; emitter: string; order: { issuedTo: { uid: string } } }
      assert.equal(last.operation, 'create')
      assert.equal(last.emitter, U1)
      assert.equal(last.order.issuedTo.uid, C(2))
    }
  })
})

describe('updateOrder', () => {
  test('nested item create, update and delete and price writes commit together', async () => {
    const answer = await gql(gom.app, u1, UPDATE_ORDER, {
      where: { uid: O(101) },
      data: {
        name: 'Despensa semanal (editada)',
        items: {
          create: [{ code: 'NEW', quantity: 1, pricing: { create: [{ amount: 10, currency: 'MXN' }] } }],
          update: [{ where: { uid: 'cgomqaitm0000000000001011' }, data: { quantity: 3, pricing: { update: [{ where: { uid: 'cgomqaprc0000000000001011' }, data: { amount: 30 } }] } } }],
          delete: [{ uid: 'cgomqaitm0000000000001012' }],
        },
      },
    })
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors))
    const order = answer.data!.updateOrder as { updatedBy: string; items: { uid: string; code: string; quantity: number; pricing: { amount: number }[] }[] }
    assert.equal(order.updatedBy, U1)
    assert.deepEqual(order.items.map((item) => [item.code, item.quantity, item.pricing.map((price) => price.amount)]).sort(), [
      ['ARR-1K', 3, [30]],
      ['NEW', 1, [10]],
    ])
  })

  test('a failing nested write rolls the whole mutation back', async () => {
    const answer = await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(102) }, data: { name: 'changed', items: { delete: [{ uid: 'cgomqaitm0000000000004011' }] } } })
    assert.equal(errorOf(answer)?.code, 'BAD_USER_INPUT')
    const read = await gql(gom.app, u1, `{ order(where: { uid: "${O(102)}" }) { name } }`)
    assert.deepEqual(read.data, { order: { name: 'Fruta de temporada' } })
    const other = await gql(gom.app, u2, `{ order(where: { uid: "${O(401)}" }) { items { uid } } }`)
    assert.equal((other.data!.order as { items: unknown[] }).items.length, 2)
  })

  test('owner checks on stage, issuedTo and assignedTo', async () => {
    assert.deepEqual(errorOf(await gql(gom.app, c1, UPDATE_ORDER, { where: { uid: O(101) }, data: { stage: 'WON' } })), { code: 'FORBIDDEN', message: 'Cannot set this order stage' })
    assert.deepEqual(errorOf(await gql(gom.app, c1, UPDATE_ORDER, { where: { uid: O(101) }, data: { stage: 'IN_PROCESS' } })), { code: 'FORBIDDEN', message: 'Cannot set this order stage' })
    assert.deepEqual(errorOf(await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(103) }, data: { stage: 'OPEN' } })), { code: 'FORBIDDEN', message: 'Cannot set this order stage' })
    assert.deepEqual(errorOf(await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(201) }, data: { assignedTo: { connect: { extUid: U2 } } } })), {
      code: 'FORBIDDEN',
      message: 'Cannot access this order',
    })
    assert.deepEqual(errorOf(await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(201) }, data: { issuedTo: { connect: { uid: C(4) } } } })), {
      code: 'FORBIDDEN',
      message: 'Cannot access this order',
    })
    assert.deepEqual(errorOf(await gql(gom.app, c1, UPDATE_ORDER, { where: { uid: O(201) }, data: { name: 'x' } })), { code: 'FORBIDDEN', message: 'Cannot access this order' })
    assert.deepEqual(errorOf(await gql(gom.app, u2, UPDATE_ORDER, { where: { uid: O(201) }, data: { name: 'x' } })), { code: 'FORBIDDEN', message: 'Cannot access this order' })
    const closed = await gql(gom.app, c1, UPDATE_ORDER, { where: { uid: O(101) }, data: { stage: 'CLOSED' } })
    assert.equal((closed.data!.updateOrder as { stage: string }).stage, 'CLOSED')
    const moved = await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(201) }, data: { issuedTo: { connect: { uid: C(3) } } } })
    assert.equal(moved.errors, undefined)
  })
})

const ITM = (n: string) => `cgomqaitm000000000000${n}`
const PRC = (n: string) => `cgomqaprc000000000000${n}`
const ITEMS = (uid: string) => `{ order(where: { uid: "${uid}" }) { items(orderBy: code_ASC) { uid code quantity provider pricing(orderBy: amount_ASC) { uid amount } } } }`
type ItemRead = { uid: string; code: string; quantity: number; provider: string | null; pricing: { uid: string; amount: number }[] }
const itemsOf = async (who: SignedIn, uid: string): Promise<ItemRead[]> => {
  const answer = await gql(gom.app, who, ITEMS(uid))
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors))
  return (answer.data!.order as { items: ItemRead[] }).items
}

describe('nested item and price writes (Prisma 1 upsert, set, updateMany, deleteMany, connect)', () => {
  test('upsert updates an item of the order or creates one; updateMany and deleteMany act on the matching items and prices', async () => {
    const first = await gql(gom.app, u1, UPDATE_ORDER, {
      where: { uid: O(102) },
      data: {
        items: {
          upsert: [
            {
              where: { uid: ITM('1021') },
              update: {
                quantity: 4,
                pricing: {
                  upsert: [
                    { where: { uid: PRC('1021') }, update: { amount: 45 }, create: { amount: 1, currency: 'MXN' } },
                    { where: { uid: 'cnosuchprice' }, update: { amount: 2 }, create: { amount: 99, currency: 'MXN' } },
                  ],
                },
              },
              create: { code: 'NEVER' },
            },
            { where: { uid: 'cnosuchitem' }, update: { code: 'NEVER' }, create: { code: 'UPS-NEW', quantity: 1, pricing: { create: [{ amount: 5, currency: 'MXN' }] } } },
          ],
          updateMany: [{ where: { code_starts_with: 'UPS' }, data: { provider: 'Mayoreo' } }],
        },
      },
    })
    assert.equal(first.errors, undefined, JSON.stringify(first.errors))
    let items = await itemsOf(u1, O(102))
    assert.deepEqual(
      items.map((item) => [item.code, item.quantity, item.provider, item.pricing.map((price) => price.amount)]),
      [
        ['MNG-KG', 4, 'Central de Abasto', [45, 99]],
        ['UPS-NEW', 1, 'Mayoreo', [5]],
      ],
    )
    const second = await gql(gom.app, u1, UPDATE_ORDER, {
      where: { uid: O(102) },
      data: {
        items: {
          deleteMany: [{ code: 'UPS-NEW' }],
          update: [{ where: { uid: ITM('1021') }, data: { pricing: { updateMany: [{ where: { amount_lt: 50 }, data: { amount: 50 } }], deleteMany: [{ amount_gt: 90 }] } } }],
        },
      },
    })
    assert.equal(second.errors, undefined, JSON.stringify(second.errors))
    items = await itemsOf(u1, O(102))
    assert.deepEqual(
      items.map((item) => [item.code, item.pricing.map((price) => [price.uid, price.amount])]),
      [['MNG-KG', [[PRC('1021'), 50]]]],
    )
  })

  test('set makes the listed items the order’s (moving them from the customer’s other order); leaving one out is refused', async () => {
    const refused = await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(301) }, data: { items: { set: [{ uid: ITM('3021') }] } } })
    assert.deepEqual(errorOf(refused), { code: 'BAD_USER_INPUT', message: "The change you are trying to make would violate the required relation 'OrderItem' between Order and Item" })
    const moved = await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(301) }, data: { items: { set: [{ uid: ITM('3011') }, { uid: ITM('3021') }] } } })
    assert.equal(moved.errors, undefined, JSON.stringify(moved.errors))
    assert.deepEqual(
      (await itemsOf(u1, O(301))).map((item) => item.uid),
      [ITM('3011'), ITM('3021')],
    )
    assert.deepEqual(await itemsOf(u1, O(302)), [])
    // Prices: set on item 3011 takes over item 3021's price and keeps its own.
    const prices = await gql(gom.app, u1, UPDATE_ORDER, {
      where: { uid: O(301) },
      data: { items: { update: [{ where: { uid: ITM('3011') }, data: { pricing: { set: [{ uid: PRC('3011') }, { uid: PRC('3021') }] } } }] } },
    })
    assert.equal(prices.errors, undefined, JSON.stringify(prices.errors))
    const after = await itemsOf(u1, O(301))
    assert.deepEqual(
      after
        .find((item) => item.uid === ITM('3011'))!
        .pricing.map((price) => price.uid)
        .sort(),
      [PRC('3011'), PRC('3021')],
    )
    const dropped = await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(301) }, data: { items: { update: [{ where: { uid: ITM('3011') }, data: { pricing: { set: [] } } }] } } })
    assert.deepEqual(errorOf(dropped), { code: 'BAD_USER_INPUT', message: "The change you are trying to make would violate the required relation 'ItemPrices' between Item and Price" })
  })

  test('connect moves an existing item of the same customer and seller into a new order', async () => {
    const created = await gql(gom.app, u1, CREATE_ORDER, {
      data: { name: 'Café otra vez', issuedTo: { connect: { uid: C(2) } }, assignedTo: { connect: { extUid: U1 } }, items: { connect: [{ uid: ITM('2021') }] } },
    })
    assert.equal(created.errors, undefined, JSON.stringify(created.errors))
    const order = created.data!.createOrder as { uid: string; items: { code: string }[] }
    assert.deepEqual(
      order.items.map((item) => item.code),
      ['CAF-500'],
    )
    assert.deepEqual(await itemsOf(u1, O(202)), [])
  })

  test('no nested write reaches another seller’s (or another customer’s) rows, and a refusal rolls everything back', async () => {
    const forbidden = { code: 'FORBIDDEN', message: 'Cannot access this order' }
    // U2's item and price, by connect, set or price set: refused; nothing of the mutation stays.
    const connect = await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(102) }, data: { name: 'should not stay', items: { connect: [{ uid: ITM('4011') }] } } })
    assert.deepEqual(errorOf(connect), forbidden)
    assert.deepEqual(errorOf(await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(102) }, data: { items: { set: [{ uid: ITM('1021') }, { uid: ITM('4011') }] } } })), forbidden)
    assert.deepEqual(
      errorOf(
        await gql(gom.app, u1, UPDATE_ORDER, {
          where: { uid: O(102) },
          data: { items: { update: [{ where: { uid: ITM('1021') }, data: { pricing: { set: [{ uid: PRC('1021') }, { uid: PRC('4011') }] } } }] } },
        }),
      ),
      forbidden,
    )
    assert.deepEqual(
      errorOf(await gql(gom.app, u1, CREATE_ORDER, { data: { name: 'x', issuedTo: { connect: { uid: C(1) } }, assignedTo: { connect: { extUid: U1 } }, items: { connect: [{ uid: ITM('4011') }] } } })),
      forbidden,
    )
    // The seller's own item, but from another customer's order: refused too.
    assert.deepEqual(errorOf(await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(102) }, data: { items: { connect: [{ uid: ITM('2011') }] } } })), forbidden)
    // A customer cannot reach its seller's other customers' items either.
    assert.deepEqual(errorOf(await gql(gom.app, c1, UPDATE_ORDER, { where: { uid: O(102) }, data: { items: { connect: [{ uid: ITM('3011') }] } } })), forbidden)
    // Filters and unique selectors stay inside the order: U2's rows are untouched.
    const contained = await gql(gom.app, u1, UPDATE_ORDER, {
      where: { uid: O(102) },
      data: {
        items: {
          updateMany: [
            { where: { uid: ITM('4011') }, data: { provider: 'hijacked' } },
            { where: {}, data: { provider: 'Central' } },
          ],
          upsert: [{ where: { uid: ITM('4012') }, update: { code: 'hijacked' }, create: { code: 'OWN-NEW' } }],
          update: [{ where: { uid: ITM('1021') }, data: { pricing: { deleteMany: [{ uid: PRC('4011') }], updateMany: [{ where: { uid: PRC('4012') }, data: { amount: 0 } }] } } }],
        },
      },
    })
    assert.equal(contained.errors, undefined, JSON.stringify(contained.errors))
    assert.deepEqual(
      (await itemsOf(u1, O(102))).map((item) => [item.code, item.provider]),
      [
        ['MNG-KG', 'Central'],
        ['OWN-NEW', 'Central'],
      ],
    )
    assert.deepEqual(
      errorOf(await gql(gom.app, u1, UPDATE_ORDER, { where: { uid: O(102) }, data: { items: { update: [{ where: { uid: ITM('4011') }, data: { code: 'x' } }] } } }))?.code,
      'BAD_USER_INPUT',
    )
    const theirs = await itemsOf(u2, O(401))
    assert.deepEqual(
      theirs.map((item) => [item.uid, item.code, item.provider, item.pricing.map((price) => price.amount)]),
      [
        [ITM('4011'), 'CUA-100', 'Scribe', [38]],
        [ITM('4012'), 'LAP-HB', 'Mirado', [6.5]],
      ],
    )
    const read = await gql(gom.app, u1, `{ order(where: { uid: "${O(102)}" }) { name } }`)
    assert.deepEqual(read.data, { order: { name: 'Fruta de temporada' } })
  })
})

describe('Bp mutations', () => {
  test('createBp generates the share code and links the calling seller only', async () => {
    const create = `mutation($data: BpCreateInput!) { createBp(data: $data) { uid extUid name1 createdBy customerOf { extUid } } }`
    const answer = await gql(gom.app, u1, create, { data: { name1: 'Nuevo', extUid: 'chosen', customerOf: { connect: [{ extUid: U1 }] } } })
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors))
    const bp = answer.data!.createBp as { extUid: string; createdBy: string; customerOf: unknown[] }
    assert.match(bp.extUid, /^[A-Za-z0-9]{10}$/)
    assert.notEqual(bp.extUid, 'chosen')
    assert.equal(bp.createdBy, U1)
    assert.deepEqual(bp.customerOf, [{ extUid: U1 }])
    assert.deepEqual(errorOf(await gql(gom.app, u1, create, { data: { name1: 'x', customerOf: { connect: [{ extUid: U1 }, { extUid: U2 }] } } })), {
      code: 'FORBIDDEN',
      message: 'Cannot access this BP',
    })
    assert.deepEqual(errorOf(await gql(gom.app, u1, create, { data: { name1: 'x' } })), { code: 'SERVER_ERROR', message: 'Cannot validate BP owner at this moment' })
  })

  test('updateBp and deleteBp: owner, missing uid, active orders, cascade', async () => {
    const update = await gql(gom.app, u1, `mutation { updateBp(where: { uid: "${C(3)}" }, data: { email: "elena@new.test" }) { email updatedBy } }`)
    assert.deepEqual(update.data, { updateBp: { email: 'elena@new.test', updatedBy: U1 } })
    assert.deepEqual(errorOf(await gql(gom.app, u2, `mutation { updateBp(where: { uid: "${C(3)}" }, data: { email: "x" }) { uid } }`)), { code: 'FORBIDDEN', message: 'Cannot access this BP' })
    assert.deepEqual(errorOf(await gql(gom.app, u1, `mutation { deleteBp(where: { extUid: "QaElenaG03" }) { uid } }`)), { code: 'BAD_USER_INPUT', message: 'Missing uid in arguments' })
    assert.deepEqual(errorOf(await gql(gom.app, u1, `mutation { deleteBp(where: { uid: "${C(1)}" }) { uid } }`)), { code: 'BP_WITH_ACTIVE_ORDERS', message: 'BP with active orders cannot be deleted' })
    const deleted = await gql(gom.app, u2, `mutation { deleteBp(where: { uid: "${C(5)}" }) { uid name1 } }`)
    assert.deepEqual(deleted.data, { deleteBp: { uid: C(5), name1: 'Gabriela' } })
    assert.deepEqual(errorOf(await gql(gom.app, u2, `{ order(where: { uid: "${O(501)}" }) { uid } }`)), { code: 'FORBIDDEN', message: 'Cannot access this order' })
  })
})

describe('Promotion and Publication mutations', () => {
  test('promotions: the seller creates and updates their own', async () => {
    const created = await gql(
      gom.app,
      u1,
      `mutation { createPromotion(data: { code: "X1", name: "Promo", start: "2021-01-01T00:00:00Z", assignedTo: { connect: { extUid: "${U1}" } } }) { uid code start createdBy } }`,
    )
    assert.equal(created.errors, undefined, JSON.stringify(created.errors))
    assert.equal((created.data!.createPromotion as { start: string }).start, '2021-01-01T00:00:00.000Z')
    assert.deepEqual(errorOf(await gql(gom.app, u1, `mutation { createPromotion(data: { code: "X", name: "Y", assignedTo: { connect: { extUid: "${U2}" } } }) { uid } }`)), {
      code: 'FORBIDDEN',
      message: 'Cannot access this order',
    })
    assert.deepEqual(errorOf(await gql(gom.app, u1, `mutation { updatePromotion(where: { uid: "${P2}" }, data: { name: "mine now" }) { uid } }`)), {
      code: 'FORBIDDEN',
      message: 'Cannot access this order',
    })
    const updated = await gql(gom.app, u1, `mutation { updatePromotion(where: { uid: "${P1}" }, data: { name: "Buen Fin 2" }) { name updatedBy } }`)
    assert.deepEqual(updated.data, { updatePromotion: { name: 'Buen Fin 2', updatedBy: U1 } })
  })

  test('publications: owner guard, daily limit, publishAt set by the server', async () => {
    const create = (promotion: string) =>
      `mutation { createPublication(data: { type: NOTIFICATION, status: WAITING, delay: 0, publishAt: "1999-01-01T00:00:00Z", promotion: { connect: { uid: "${promotion}" } } }) { uid publishAt createdBy } }`
    assert.deepEqual(errorOf(await gql(gom.app, u2, create(P1))), { code: 'FORBIDDEN', message: 'Cannot access this publication' })
    const first = await gql(gom.app, u2, create(P2))
    assert.equal(first.errors, undefined, JSON.stringify(first.errors))
    const publishAt = Date.parse((first.data!.createPublication as { publishAt: string }).publishAt)
    assert.ok(Math.abs(publishAt - Date.now()) < 60_000)
    assert.deepEqual(errorOf(await gql(gom.app, u2, create(P2))), { code: 'TOO_MANY_PUBLICATIONS', message: 'Too many publications' })
    const uid = (first.data!.createPublication as { uid: string }).uid
    assert.deepEqual(errorOf(await gql(gom.app, u1, `mutation { updatePublication(where: { uid: "${uid}" }, data: { status: FAILED }) { uid } }`)), {
      code: 'FORBIDDEN',
      message: 'Cannot access this publication',
    })
    const updated = await gql(gom.app, u2, `mutation { updatePublication(where: { uid: "${uid}" }, data: { status: FAILED }) { status updatedBy } }`)
    assert.deepEqual(updated.data, { updatePublication: { status: 'FAILED', updatedBy: U2 } })
  })

  test('a customer holds no promotion or publication permission', async () => {
    assert.deepEqual(errorOf(await gql(gom.app, c1, `mutation { createPublication(data: { type: NOTIFICATION, promotion: { connect: { uid: "${P1}" } } }) { uid } }`)), {
      code: 'FORBIDDEN',
      message: 'No permission to perform the operation',
    })
  })
})
