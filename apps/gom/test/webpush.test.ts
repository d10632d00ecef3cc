import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { eq } from 'drizzle-orm'
import { startPushService, type FakePushService } from '@hearth/kernel/testing/push-service'
import { promotions, publications } from '../src/db/schema.ts'
import { htmlToText } from '../src/modules/webpush/index.ts'
import { loginAsCustomer, loginAsSeller, type SignedIn } from './session.ts'
import { startAuthHarness, type AuthHarness } from './session-harness.ts'

const U1 = 'auth0|60a000000000000000000001'
const U1_UID = 'cgomqausr0000000000000001'
const U2_UID = 'cgomqausr0000000000000002'
const C1 = 'cgomqacus0000000000000001'
const C2 = 'cgomqacus0000000000000002'
const C4 = 'cgomqacus0000000000000004'

let ctx: AuthHarness
let push: FakePushService
before(async () => {
  push = await startPushService()
  ctx = await startAuthHarness()
})
after(async () => {
  await ctx?.close()
  await push?.close()
})

const subscribe = (who: SignedIn, body: unknown, url = '/webpush/subscribe') => ctx.app.inject({ method: 'POST', url, headers: who.headers, payload: body as object })

describe('POST /webpush/subscribe and /webpush/unsubscribe', () => {
  test('store and remove the caller’s subscription: 201 true', async () => {
    const seller = await loginAsSeller(ctx.app, 'ana.lopez@gom.test')
    const subscription = push.subscribe()
    const stored = await subscribe(seller, { ...subscription, expirationTime: null })
    assert.equal(stored.statusCode, 201)
    assert.equal(stored.body, 'true')
    assert.deepEqual(await ctx.webpush.subscriptions.forUser(U1), [{ endpoint: subscription.endpoint, keys: subscription.keys }])
    const removed = await subscribe(seller, subscription, '/api/webpush/unsubscribe')
    assert.equal(removed.statusCode, 201)
    assert.equal(removed.body, 'true')
    assert.deepEqual(await ctx.webpush.subscriptions.forUser(U1), [])
  })

  test('unsubscribe removes only that endpoint of that user (another user keeps the same endpoint)', async () => {
    const seller = await loginAsSeller(ctx.app, 'ana.lopez@gom.test')
    const customer = await loginAsCustomer(ctx.app, 'QaCarmen01', '5512345671')
    const shared = push.subscribe()
    const other = push.subscribe()
    await subscribe(seller, shared)
    await subscribe(seller, other)
    await subscribe(customer, shared)
    await subscribe(seller, shared, '/webpush/unsubscribe')
    assert.deepEqual(
      (await ctx.webpush.subscriptions.forUser(U1)).map((entry) => entry.endpoint),
      [other.endpoint],
    )
    assert.deepEqual(await ctx.webpush.subscriptions.forUser(C1), [{ endpoint: shared.endpoint, keys: shared.keys }], "the customer's copy keeps its keys")
    await subscribe(seller, other, '/webpush/unsubscribe')
    await subscribe(customer, shared, '/webpush/unsubscribe')
  })

  test('needs a session, the CSRF header and a valid token', async () => {
    const subscription = push.subscribe()
    const anonymous = await ctx.app.inject({ method: 'POST', url: '/webpush/subscribe', payload: subscription })
    assert.equal(anonymous.statusCode, 403)
    assert.equal(anonymous.json().error, 'EBADCSRFTOKEN')
    const seller = await loginAsSeller(ctx.app, 'ana.lopez@gom.test')
    const noCsrf = await ctx.app.inject({ method: 'POST', url: '/webpush/subscribe', headers: { cookie: seller.cookie }, payload: subscription })
    assert.deepEqual(noCsrf.json(), { statusCode: 403, error: 'EBADCSRFTOKEN', message: 'invalid csrf token' })
    const noToken = await ctx.app.inject({
      method: 'POST',
      url: '/webpush/subscribe',
      headers: { cookie: seller.cookie.replace(/session-token=[^;]+/, 'session-token=x.y'), 'x-csrf-token': seller.headers['x-csrf-token'] },
      payload: subscription,
    })
    assert.equal(noToken.statusCode, 403)
    assert.equal(noToken.json().error, 'jwt_error')
    assert.deepEqual(await ctx.webpush.subscriptions.forUser(U1), [])
  })

  test('refuses invalid bodies with 400, never 500', async () => {
    const seller = await loginAsSeller(ctx.app, 'ana.lopez@gom.test')
    const good = push.subscribe()
    for (const body of [
      {},
      { endpoint: '', keys: good.keys },
      { endpoint: good.endpoint },
      { endpoint: good.endpoint, keys: { p256dh: '', auth: 'x' } },
      { endpoint: good.endpoint, keys: { p256dh: 'x' } },
      { endpoint: 5, keys: good.keys },
      { endpoint: 'x'.repeat(3000), keys: good.keys },
      [good],
    ]) {
      const response = await subscribe(seller, body)
      assert.equal(response.statusCode, 400, JSON.stringify(body).slice(0, 80))
      assert.equal(response.json().statusCode, 400)
    }
  })
})

describe('order notifications', () => {
  test('a customer’s new order reaches the seller’s browsers, encrypted, through a job', async () => {
    const seller = await loginAsSeller(ctx.app, 'ana.lopez@gom.test')
    const subscription = push.subscribe()
    await subscribe(seller, subscription)
    await ctx.database.transaction((tx) =>
      ctx.webpush.notifier.orderChanged(tx, { operation: 'create', emitter: C1, order: { uid: 'cgomqaord0000000000000999', name: 'Despensa', issuedTo: { uid: C1 }, assignedTo: { extUid: U1 } } }),
    )
    assert.equal(push.deliveredTo(subscription.endpoint).length, 0, 'nothing is sent inside the request')
    assert.equal(await ctx.webpush.jobs.drain(), 1)
    const [received] = push.deliveredTo(subscription.endpoint)
    assert.deepEqual(received!.payload, { title: 'Pedido nuevo', body: 'Tienes un nuevo pedido: Despensa', data: { type: 'order', uid: 'cgomqaord0000000000000999', operation: 'create' } })
    assert.equal(received!.vapid.sub, 'https://dev.gom.com')
  })

  test('the seller’s update reaches the customer; an outsider’s change notifies nobody; a rolled-back change enqueues nothing', async () => {
    const customer = await loginAsCustomer(ctx.app, 'QaCarmen01', '5512345671')
    const subscription = push.subscribe()
    await subscribe(customer, subscription)
    const order = { uid: 'cgomqaord0000000000000101', name: 'Despensa semanal', issuedTo: { uid: C1 }, assignedTo: { extUid: U1 } }
    await ctx.database.transaction((tx) => ctx.webpush.notifier.orderChanged(tx, { operation: 'update', emitter: U1, order }))
    await ctx.database.transaction((tx) => ctx.webpush.notifier.orderChanged(tx, { operation: 'update', emitter: 'someone-else', order }))
    await assert.rejects(
      ctx.database.transaction(async (tx) => {
        await ctx.webpush.notifier.orderChanged(tx, { operation: 'update', emitter: U1, order: { ...order, name: 'rolled back' } })
        throw new Error('rollback')
      }),
    )
    assert.equal(await ctx.webpush.jobs.drain(), 1)
    assert.deepEqual(
      push.deliveredTo(subscription.endpoint).map((entry) => entry.payload),
      [{ title: 'Pedido actualizado', body: 'Despensa semanal ha sido actualizado', data: { type: 'order', uid: order.uid, operation: 'update' } }],
    )
  })

  test('a subscription the push service reports gone (410/404) is removed', async () => {
    const customer = await loginAsCustomer(ctx.app, 'QaDiegoF02', '5523456782')
    const gone = push.subscribe()
    const alive = push.subscribe()
    await subscribe(customer, gone)
    await subscribe(customer, alive)
    push.answer(gone.endpoint, 410)
    await ctx.database.transaction((tx) =>
      ctx.webpush.notifier.orderChanged(tx, { operation: 'update', emitter: U1, order: { uid: 'cgomqaord0000000000000201', name: 'Refrescos', issuedTo: { uid: C2 }, assignedTo: { extUid: U1 } } }),
    )
    await ctx.webpush.jobs.drain()
    assert.deepEqual(
      (await ctx.webpush.subscriptions.forUser(C2)).map((entry) => entry.endpoint),
      [alive.endpoint],
    )
    assert.equal(push.deliveredTo(alive.endpoint).length, 1)
  })
})

describe('promotion publications', () => {
  test('a delayed broadcast reaches only that seller’s customers, once, and marks the publication DELIVERED', async () => {
    const at = new Date('2020-11-01T16:00:00.000Z')
    await ctx.database.db.insert(promotions).values([
      {
        uid: 'cgomqaprm0000000000000001',
        code: 'BUENFIN20',
        name: 'Buen Fin: 20% en abarrotes',
        content: '<p>20% de descuento en <strong>todos los abarrotes</strong>.</p><p>Sólo del 13 al 16 de noviembre.</p>',
        assignedToUid: U1_UID,
        createdAt: at,
        updatedAt: at,
      },
      {
        uid: 'cgomqaprm0000000000000002',
        code: 'REGRESO10',
        name: 'Regreso a clases: 10%',
        content: '<p>10% en <em>útiles escolares</em> de lista.</p>',
        assignedToUid: U2_UID,
        createdAt: at,
        updatedAt: at,
      },
    ])
    await ctx.database.db
      .insert(publications)
      .values({ uid: 'cgomqapub0000000000000777', type: 'NOTIFICATION', status: 'WAITING', delay: 0, promotionUid: 'cgomqaprm0000000000000001', createdAt: at, updatedAt: at })
    const carmen = await loginAsCustomer(ctx.app, 'QaCarmen01', '5512345671')
    const fernando = await loginAsCustomer(ctx.app, 'QaFerHer04', '3345678904')
    const carmenDevice = push.subscribe()
    const fernandoDevice = push.subscribe()
    await subscribe(carmen, carmenDevice)
    await subscribe(fernando, fernandoDevice)

    await ctx.database.transaction((tx) => ctx.webpush.notifier.publicationCreated(tx, { publicationUid: 'cgomqapub0000000000000777', promotionUid: 'cgomqaprm0000000000000001', delay: 3_600_000 }))
    assert.equal(await ctx.webpush.jobs.drain(), 0, 'delayed by an hour')
    await ctx.database.query(`UPDATE jobs SET run_at = now() WHERE name = 'webpush.publication'`)
    // A second enqueue for the same publication (a retry of the request) is ignored.
    await ctx.database.transaction((tx) => ctx.webpush.notifier.publicationCreated(tx, { publicationUid: 'cgomqapub0000000000000777', promotionUid: 'cgomqaprm0000000000000001', delay: 0 }))
    assert.equal(await ctx.webpush.jobs.drain(), 1)
    assert.deepEqual(
      push.deliveredTo(carmenDevice.endpoint).map((entry) => entry.payload),
      [{ title: 'Buen Fin: 20% en abarrotes', body: '20% de descuento en todos los abarrotes.\nSólo del 13 al 16 de noviembre.', data: { type: 'promotion', uid: 'cgomqaprm0000000000000001' } }],
    )
    assert.equal(push.deliveredTo(fernandoDevice.endpoint).length, 0, "another seller's customer gets nothing")
    const [row] = await ctx.database.db.select().from(publications).where(eq(publications.uid, 'cgomqapub0000000000000777'))
    assert.equal(row!.status, 'DELIVERED')
    assert.match(row!.updatedBy!, /^system_job:\d+$/)
    assert.ok(row!.publishAt!.getTime() > Date.now() - 60_000)
    void C4
  })
})

test('htmlToText keeps paragraphs as lines and decodes entities', () => {
  assert.equal(htmlToText('<p>10% en <em>útiles escolares</em> de lista.</p>'), '10% en útiles escolares de lista.')
  assert.equal(htmlToText('<p>a &amp; b&nbsp;c</p><br/><div>&#233;&#x41;</div>'), 'a & b c\néA')
  assert.equal(htmlToText(null), '')
})
