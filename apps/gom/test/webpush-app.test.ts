// Web Push through the whole app: GraphQL mutations (GA's services) enqueue through the Notifier in
// their transaction; the job delivers, encrypted, to the kernel's local push service.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startPushService, type FakePushService } from '@hearth/kernel/testing/push-service'
import { C, O, P1, U1, asC1, asC4, asU1, gql, startGom, type Gom } from './helpers.ts'
import type { SignedIn } from './session.ts'

let gom: Gom
let push: FakePushService
before(async () => {
  push = await startPushService()
  gom = await startGom({ PUSH_ALLOW_INSECURE_TLS: 'true' })
})
after(async () => {
  await gom?.close()
  await push?.close()
})

async function device(who: SignedIn) {
  const subscription = push.subscribe()
  const response = await gom.app.inject({ method: 'POST', url: '/api/webpush/subscribe', headers: who.headers, payload: subscription })
  assert.equal(response.statusCode, 201)
  return subscription
}

test("a customer's updateOrder reaches the seller's device, whatever the client selected", async () => {
  const seller = await device(await asU1(gom.app))
  const customer = await asC1(gom.app)
  const answer = await gql(gom.app, customer, `mutation { updateOrder(data: { stage: CLOSED }, where: { uid: "${O(101)}" }) { uid } }`)
  assert.deepEqual(answer.errors, undefined)
  await gom.app.gomWebPush!.jobs.drain()
  assert.deepEqual(
    push.deliveredTo(seller.endpoint).map((entry) => entry.payload),
    [{ title: 'Pedido actualizado', body: 'Despensa semanal ha sido actualizado', data: { type: 'order', uid: O(101), operation: 'update' } }],
  )
})

test("a seller's createOrder reaches the customer's device", async () => {
  const customer = await device(await asC1(gom.app))
  const seller = await asU1(gom.app)
  const answer = await gql(
    gom.app,
    seller,
    `mutation { createOrder(data: { name: "Pedido de prueba", issuedTo: { connect: { uid: "${C(1)}" } }, assignedTo: { connect: { extUid: "${U1}" } } }) { uid } }`,
  )
  assert.deepEqual(answer.errors, undefined)
  const uid = (answer.data!.createOrder as { uid: string }).uid
  await gom.app.gomWebPush!.jobs.drain()
  assert.deepEqual(
    push.deliveredTo(customer.endpoint).map((entry) => entry.payload),
    [{ title: 'Pedido nuevo', body: 'Tienes un nuevo pedido: Pedido de prueba', data: { type: 'order', uid, operation: 'create' } }],
  )
})

test("createPublication broadcasts P1 to Abarrotes Ana's customers only", async () => {
  const carmen = await device(await asC1(gom.app))
  const fernando = await device(await asC4(gom.app))
  const answer = await gql(gom.app, await asU1(gom.app), `mutation { createPublication(data: { type: NOTIFICATION, status: WAITING, delay: 0, promotion: { connect: { uid: "${P1}" } } }) { uid } }`)
  assert.deepEqual(answer.errors, undefined)
  await gom.app.gomWebPush!.jobs.drain()
  assert.deepEqual(
    push.deliveredTo(carmen.endpoint).map((entry) => entry.payload),
    [{ title: 'Buen Fin: 20% en abarrotes', body: '20% de descuento en todos los abarrotes.\nSólo del 13 al 16 de noviembre.', data: { type: 'promotion', uid: P1 } }],
  )
  assert.equal(push.deliveredTo(fernando.endpoint).length, 0)
  const uid = (answer.data!.createPublication as { uid: string }).uid
  const read = await gql(gom.app, await asU1(gom.app), `{ publication(where: { uid: "${uid}" }) { status updatedBy } }`)
  assert.equal((read.data!.publication as { status: string }).status, 'DELIVERED')
})
