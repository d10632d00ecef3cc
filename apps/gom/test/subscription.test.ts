import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { WebSocket } from 'ws'
import { loginAsCustomer, type SignedIn } from './session.ts'
import { asC1, asC4, asU1, asU2, C, gql, O, startGom, U1, U2, type Gom } from './helpers.ts'

interface Message {
  type: string
  id?: string
  payload?: { data?: Record<string, unknown>; message?: string; errors?: { message: string; extensions?: { code: string } }[] } & Record<string, unknown>
}

/** A subscriptions-transport-ws (legacy `graphql-ws`) client, as the Gom UI uses, on the session cookies. */
class LegacyClient {
  private readonly messages: Message[] = []
  private wake: (() => void) | undefined

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message
      if (message.type === 'ka') return
      this.messages.push(message)
      this.wake?.()
    })
    socket.on('close', () => this.wake?.())
  }

  static async open(url: string, cookie: string | undefined): Promise<LegacyClient> {
    const socket = new WebSocket(url, 'graphql-ws', { headers: cookie ? { cookie } : {} })
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const client = new LegacyClient(socket)
    client.socket.send(JSON.stringify({ type: 'connection_init', payload: {} }))
    return client
  }

  start(id: string, query: string, variables: Record<string, unknown>): void {
    this.socket.send(JSON.stringify({ id, type: 'start', payload: { query, variables } }))
  }

  async next(ms = 3000): Promise<Message | undefined> {
    const deadline = Date.now() + ms
    while (this.messages.length === 0 && Date.now() < deadline && this.socket.readyState === WebSocket.OPEN) {
      await new Promise<void>((resolve) => {
        this.wake = resolve
        setTimeout(resolve, deadline - Date.now())
      })
    }
    return this.messages.shift()
  }

  close(): void {
    this.socket.close()
  }
}

const SUBSCRIPTION = `subscription($where: OrderSubscriptionWhereInput) { order(where: $where) { mutation updatedFields previousValues { name stage } node { uid name stage issuedTo { uid } assignedTo { extUid customers { uid } } } } }`

let gom: Gom
let url: string
let u1: SignedIn
let u2: SignedIn
let c1: SignedIn
before(async () => {
  gom = await startGom()
  await gom.app.listen({ port: 0, host: '127.0.0.1' })
  const address = gom.app.server.address() as { port: number }
  url = `ws://127.0.0.1:${address.port}/graphql`
  u1 = await asU1(gom.app)
  u2 = await asU2(gom.app)
  c1 = await asC1(gom.app)
})
after(() => gom?.close())

test('a connection without session cookies is refused', async () => {
  const client = await LegacyClient.open(url, undefined)
  const first = await client.next()
  assert.equal(first?.type, 'connection_error')
  assert.equal(first?.payload?.message, 'No authorization to connect')
  client.close()
})

test('a seller receives its own orders only; a customer its own; nested fields stay scoped', async () => {
  const seller1 = await LegacyClient.open(url, u1.cookie)
  const seller2 = await LegacyClient.open(url, u2.cookie)
  const customer = await LegacyClient.open(url, c1.cookie)
  for (const client of [seller1, seller2, customer]) assert.equal((await client.next())?.type, 'connection_ack')
  seller1.start('1', SUBSCRIPTION, { where: { mutation_in: ['CREATED', 'UPDATED'], node: { assignedTo: { extUid: U1 } } } })
  seller2.start('1', SUBSCRIPTION, { where: { mutation_in: ['CREATED', 'UPDATED'], node: { assignedTo: { extUid: U2 } } } })
  customer.start('1', SUBSCRIPTION, { where: { mutation_in: ['UPDATED'], node: { issuedTo: { uid: C(1) } } } })
  await new Promise((resolve) => setTimeout(resolve, 300))

  const created = await gql(gom.app, c1, `mutation { createOrder(data: { name: "Nueva", issuedTo: { connect: { uid: "${C(1)}" } }, assignedTo: { connect: { extUid: "${U1}" } } }) { uid } }`)
  const uid = (created.data!.createOrder as { uid: string }).uid
  const event = await seller1.next()
  assert.equal(event?.type, 'data')
  assert.deepEqual(event?.payload?.data, {
    order: {
      mutation: 'CREATED',
      updatedFields: null,
      previousValues: null,
      node: { uid, name: 'Nueva', stage: 'OPEN', issuedTo: { uid: C(1) }, assignedTo: { extUid: U1, customers: [{ uid: C(1) }, { uid: C(2) }, { uid: C(3) }] } },
    },
  })

  await gql(gom.app, u1, `mutation { updateOrder(where: { uid: "${O(101)}" }, data: { stage: IN_PROCESS }) { uid } }`)
  const updated = await customer.next()
  const order = updated?.payload?.data?.order as { mutation: string; updatedFields: string[]; previousValues: { stage: string }; node: { assignedTo: { customers: { uid: string }[] } } }
  assert.equal(order.mutation, 'UPDATED')
  assert.deepEqual(order.updatedFields, ['stage', 'updatedBy'])
  assert.deepEqual(order.previousValues, { name: 'Despensa semanal', stage: 'OPEN' })
  assert.deepEqual(order.node.assignedTo.customers, [{ uid: C(1) }]) // the customer sees only itself
  assert.equal((await seller1.next())?.payload?.data?.order !== undefined, true)

  assert.equal(await seller2.next(500), undefined) // U2 saw neither event
  for (const client of [seller1, seller2, customer]) client.close()
})

test('a subscription naming another seller is refused', async () => {
  const client = await LegacyClient.open(url, u2.cookie)
  assert.equal((await client.next())?.type, 'connection_ack')
  client.start('1', SUBSCRIPTION, { where: { node: { assignedTo: { extUid: U1 } } } })
  const refused = await client.next()
  assert.equal(refused?.type, 'error')
  client.close()
  const noFilter = await LegacyClient.open(url, u2.cookie)
  await noFilter.next()
  noFilter.start('1', SUBSCRIPTION, {})
  assert.equal((await noFilter.next())?.type, 'error')
  noFilter.close()
})

test('a deleteBp cascade delivers DELETED with previousValues to the orders’ seller only, through its filter', async () => {
  const c4 = await asC4(gom.app)
  const c5 = await loginAsCustomer(gom.app, 'QaGabIba05', '3356789015')
  const all = await LegacyClient.open(url, u2.cookie)
  const wonOnly = await LegacyClient.open(url, u2.cookie)
  const createdUpdated = await LegacyClient.open(url, u2.cookie)
  const otherSeller = await LegacyClient.open(url, u1.cookie)
  const otherCustomer = await LegacyClient.open(url, c4.cookie)
  const deletedCustomer = await LegacyClient.open(url, c5.cookie)
  const clients = [all, wonOnly, createdUpdated, otherSeller, otherCustomer, deletedCustomer]
  for (const client of clients) assert.equal((await client.next())?.type, 'connection_ack')
  all.start('1', SUBSCRIPTION, { where: { mutation_in: ['DELETED'], node: { assignedTo: { extUid: U2 } } } })
  wonOnly.start('1', SUBSCRIPTION, { where: { node: { assignedTo: { extUid: U2 }, stage: 'WON' } } })
  createdUpdated.start('1', SUBSCRIPTION, { where: { mutation_in: ['CREATED', 'UPDATED'], node: { assignedTo: { extUid: U2 } } } })
  otherSeller.start('1', SUBSCRIPTION, { where: { node: { assignedTo: { extUid: U1 } } } })
  otherCustomer.start('1', SUBSCRIPTION, { where: { node: { issuedTo: { uid: C(4) } } } })
  deletedCustomer.start('1', SUBSCRIPTION, { where: { node: { issuedTo: { uid: C(5) } } } })
  await new Promise((resolve) => setTimeout(resolve, 300))

  const deleted = await gql(gom.app, u2, `mutation { deleteBp(where: { uid: "${C(5)}" }) { uid } }`)
  assert.equal(deleted.errors, undefined, JSON.stringify(deleted.errors))
  const events = [await all.next(), await all.next()].map((message) => message?.payload?.data?.order)
  assert.deepEqual(
    events.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    [
      { mutation: 'DELETED', updatedFields: null, previousValues: { name: 'Agendas 2021', stage: 'WON' }, node: null },
      { mutation: 'DELETED', updatedFields: null, previousValues: { name: 'Plumones de colores', stage: 'CLOSED' }, node: null },
    ],
  )
  assert.deepEqual((await wonOnly.next())?.payload?.data?.order, { mutation: 'DELETED', updatedFields: null, previousValues: { name: 'Agendas 2021', stage: 'WON' }, node: null })
  assert.equal(await wonOnly.next(300), undefined, 'the CLOSED order does not pass stage: WON')
  assert.equal(await createdUpdated.next(300), undefined)
  assert.equal(await otherSeller.next(300), undefined)
  assert.equal(await otherCustomer.next(300), undefined)
  assert.equal(await deletedCustomer.next(300), undefined, 'the customer deleted with its orders no longer sees them')
  for (const client of clients) client.close()
})
