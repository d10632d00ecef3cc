import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Caller } from '../src/permissions.ts'
import { bpsFilterNamesCaller, mayChangeStage, mayMoveBetweenOrders, ordersFilterNamesCaller, promotionsFilterNamesCaller, visibleRows } from '../src/policies.ts'

const caller = (sub: string, role: 'seller' | 'customer' | 'none') => ({ sub, permissions: role === 'none' ? [] : [`role:${role}`] }) as unknown as Caller
const seller = caller('auth0|1', 'seller')
const customer = caller('c1', 'customer')
const nobody = caller('x', 'none')

describe('visibleRows', () => {
  test('a seller sees its own rows through their owner', () => {
    assert.deepEqual(visibleRows(seller, 'Order'), { assignedTo: { extUid: 'auth0|1' } })
    assert.deepEqual(visibleRows(seller, 'Bp'), { customerOf_some: { extUid: 'auth0|1' } })
    assert.deepEqual(visibleRows(seller, 'Publication'), { promotion: { assignedTo: { extUid: 'auth0|1' } } })
  })
  test('a customer sees itself, its seller and its orders, no promotion', () => {
    assert.deepEqual(visibleRows(customer, 'Bp'), { uid: 'c1' })
    assert.deepEqual(visibleRows(customer, 'User'), { customers_some: { uid: 'c1' } })
    assert.deepEqual(visibleRows(customer, 'Price'), { item: { order: { issuedTo: { uid: 'c1' } } } })
    assert.equal(visibleRows(customer, 'Promotion'), false)
  })
  test('no role or no caller sees nothing', () => {
    assert.equal(visibleRows(nobody, 'Order'), false)
    assert.equal(visibleRows(undefined, 'Bp'), false)
  })
})

describe('owner guards on filters', () => {
  test('orders: the customer branch first, then the seller', () => {
    assert.equal(ordersFilterNamesCaller(customer, { issuedTo: { uid: 'c1' } }), 'pass')
    assert.equal(ordersFilterNamesCaller(customer, { issuedTo: { uid: 'c2' } }), 'deny')
    assert.equal(ordersFilterNamesCaller(customer, { assignedTo: { extUid: 'auth0|1' } }), 'undecidable')
    assert.equal(ordersFilterNamesCaller(seller, { assignedTo: { extUid: 'auth0|1' } }), 'pass')
    assert.equal(ordersFilterNamesCaller(seller, undefined), 'undecidable')
    assert.equal(ordersFilterNamesCaller(nobody, { assignedTo: { extUid: 'x' } }), 'undecidable')
  })
  test('bps and promotions', () => {
    assert.equal(bpsFilterNamesCaller(seller, { customerOf_some: { extUid: 'auth0|1' } }), 'pass')
    assert.equal(bpsFilterNamesCaller(seller, { customerOf_some: { extUid: 'auth0|2' } }), 'deny')
    assert.equal(bpsFilterNamesCaller(customer, { customerOf_some: { extUid: 'c1' } }), 'undecidable')
    assert.equal(promotionsFilterNamesCaller(customer, { assignedTo: { extUid: 'c1' } }), 'deny')
    assert.equal(promotionsFilterNamesCaller(seller, {}), 'undecidable')
  })
})

describe('mayChangeStage', () => {
  test('follows the UI rules', () => {
    assert.equal(mayChangeStage(seller, 'OPEN', 'WON'), true)
    assert.equal(mayChangeStage(seller, 'IN_PROCESS', 'OPEN'), false)
    assert.equal(mayChangeStage(seller, 'WON', 'CLOSED'), false)
    assert.equal(mayChangeStage(seller, 'CLOSED', 'CLOSED'), true)
    assert.equal(mayChangeStage(customer, 'OPEN', 'CLOSED'), true)
    assert.equal(mayChangeStage(customer, 'OPEN', 'IN_PROCESS'), false)
    assert.equal(mayChangeStage(customer, undefined, 'WON'), false)
    assert.equal(mayChangeStage(customer, undefined, 'OPEN'), true)
  })
})

describe('mayMoveBetweenOrders (nested item connect and set)', () => {
  const order = { issuedToUid: 'c1', assignedToUid: 'u1' }
  test('an item moves only between orders of the same customer and seller', () => {
    assert.equal(mayMoveBetweenOrders({ issuedToUid: 'c1', assignedToUid: 'u1' }, order), true)
  })
  test('another customer’s, another seller’s or an unknown order is refused', () => {
    assert.equal(mayMoveBetweenOrders({ issuedToUid: 'c2', assignedToUid: 'u1' }, order), false)
    assert.equal(mayMoveBetweenOrders({ issuedToUid: 'c1', assignedToUid: 'u2' }, order), false)
    assert.equal(mayMoveBetweenOrders(undefined, order), false)
  })
})
