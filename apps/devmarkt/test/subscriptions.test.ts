import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createClient } from 'graphql-ws'
import { WebSocket } from 'ws'
import { forbiddenError, gql, headerFixtures, startDevmarkt, UNAUTHORIZED, type Devmarkt, type HeaderFixtures } from './helpers.ts'
import { RawClient, settle, subscribeRaw } from './ws-client.ts'

let app: Devmarkt
let headers: HeaderFixtures
let base: string
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
  await app.app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.app.server.address() as { port: number }
  base = `ws://127.0.0.1:${address.port}`
})
after(() => app.close())

const CREATED = 'subscription { applicationCreated { id status user { id { type number } } template { name } answers { number } } }'
const DELETED = 'subscription { applicationDeleted }'
const PROCESSED = 'subscription { applicationProcessed { id status } }'
const createApplication = (auth: string, template = 'Empty template') =>
  gql(app, `mutation { createApplication(templateName: "${template}", answers: []) { ... on Application { id } ... on Failure { errors { code } } } }`, { auth })

describe('graphql-transport-ws (graphql-ws client library)', () => {
  test('an admin receives applicationCreated with the stored application', async () => {
    const client = createClient({ url: `${base}/graphql`, webSocketImpl: WebSocket, connectionParams: { Authorization: headers.admin }, lazy: false, retryAttempts: 0 })
    const received: unknown[] = []
    const done = new Promise<void>((resolve, reject) => {
      const stop = client.subscribe(
        { query: CREATED },
        {
          next: (value) => {
            received.push(value)
            stop()
            resolve()
          },
          error: reject,
          complete: () => resolve(),
        },
      )
    })
    await settle()
    const created = await createApplication(`Foreign ${headers.admin.slice(5)} viaTransport:1`)
    await done
    await client.dispose()
    assert.deepEqual(received, [
      {
        data: {
          applicationCreated: {
            id: created.body.data!.createApplication.id,
            status: 'UNPROCESSED',
            user: { id: { type: 'viaTransport', number: 1 } },
            template: { name: 'Empty template' },
            answers: [],
          },
        },
      },
    ])
  })
})

for (const protocol of ['graphql-transport-ws', 'graphql-ws'] as const) {
  const next = protocol === 'graphql-ws' ? 'data' : 'next'
  describe(`${protocol}`, () => {
    test('Authorization from the upgrade request; applicationProcessed and applicationDeleted reach a USER on /graphql-ws', async () => {
      const processed = await subscribeRaw(`${base}/graphql-ws`, protocol, PROCESSED, { header: headers.second_user })
      const deleted = await subscribeRaw(`${base}/graphql-ws`, protocol, DELETED, { header: headers.second_user })
      await settle()
      const id = (await createApplication(`Foreign ${headers.admin.slice(5)} ${protocol.replace(/-/g, '')}:1`)).body.data!.createApplication.id
      await gql(app, `mutation { processApplication(id: ${id}, status: REJECTED) }`, { auth: headers.admin })
      assert.deepEqual(await processed.next(), { type: next, id: '1', payload: { data: { applicationProcessed: { id, status: 'REJECTED' } } } })
      await gql(app, `mutation { deleteApplication(id: ${id}) }`, { auth: headers.admin })
      assert.deepEqual(await deleted.next(), { type: next, id: '1', payload: { data: { applicationDeleted: id } } })
      processed.close()
      deleted.close()
    })

    test('a USER may not subscribe to applicationCreated: FORBIDDEN as the result, then complete', async () => {
      const client = await subscribeRaw(`${base}/graphql`, protocol, CREATED, { payload: headers.user })
      assert.deepEqual(await client.next(), { type: next, id: '1', payload: { errors: [forbiddenError('Subscription', 'applicationCreated')] } })
      assert.deepEqual(await client.next(), { type: 'complete', id: '1' })
      client.close()
    })

    test('without credentials the subscription is UNAUTHORIZED', async () => {
      const client = await subscribeRaw(`${base}/graphql`, protocol, DELETED, {})
      assert.deepEqual(await client.next(), { type: next, id: '1', payload: { errors: [UNAUTHORIZED] } })
      assert.deepEqual(await client.next(), { type: 'complete', id: '1' })
      client.close()
    })

    test('connection_init payload Authorization wins over the upgrade header', async () => {
      const client = await subscribeRaw(`${base}/graphql`, protocol, CREATED, { header: headers.user, payload: headers.admin })
      await settle()
      const id = (await createApplication(`Foreign ${headers.admin.slice(5)} payloadWins${protocol === 'graphql-ws' ? 'a' : 'b'}:1`)).body.data!.createApplication.id
      const message = await client.next()
      assert.equal(message.type, next)
      assert.equal(message.payload.data.applicationCreated.id, id)
      client.close()
    })

    test("a role change ends the user's subscriptions with complete; a deletion too", async () => {
      const auth = `Foreign ${headers.admin.slice(5)} roleChange${protocol === 'graphql-ws' ? 'a' : 'b'}:1`
      await createApplication(auth) // creates the user
      const first = await subscribeRaw(`${base}/graphql`, protocol, DELETED, { payload: auth })
      const second = await subscribeRaw(`${base}/graphql`, protocol, PROCESSED, { payload: auth })
      const bystander = await subscribeRaw(`${base}/graphql`, protocol, DELETED, { payload: headers.user })
      await settle()
      const type = `roleChange${protocol === 'graphql-ws' ? 'a' : 'b'}`
      await gql(app, `mutation { updateUserRole(userId: {type: "${type}", number: 1}, role: NONE) { __typename } }`, { auth: headers.admin })
      assert.deepEqual(await first.next(), { type: 'complete', id: '1' })
      assert.deepEqual(await second.next(), { type: 'complete', id: '1' })
      // Re-subscribing now applies the new role.
      first.send({ type: protocol === 'graphql-ws' ? 'start' : 'subscribe', id: '2', payload: { query: DELETED } })
      assert.deepEqual(await first.next(), { type: next, id: '2', payload: { errors: [forbiddenError('Subscription', 'applicationDeleted')] } })
      assert.deepEqual(await first.next(), { type: 'complete', id: '2' })
      // The bystander's subscription still runs.
      const id = (await createApplication(`Foreign ${headers.admin.slice(5)} bystander${protocol === 'graphql-ws' ? 'a' : 'b'}:1`)).body.data!.createApplication.id
      await gql(app, `mutation { deleteApplication(id: ${id}) }`, { auth: headers.admin })
      assert.deepEqual(await bystander.next(), { type: next, id: '1', payload: { data: { applicationDeleted: id } } })
      // Deletion ends subscriptions as well.
      const third = await subscribeRaw(`${base}/graphql`, protocol, DELETED, { payload: headers.second_user })
      await settle()
      await gql(app, 'mutation { deleteUser(userId: {type: "testuser", number: 3}) }', { auth: headers.admin })
      assert.deepEqual(await third.next(), { type: 'complete', id: '1' })
      for (const client of [first, second, bystander, third]) client.close()
      // testuser:3 is gone for the other protocol's run: put it back.
      await gql(app, 'mutation { createUser(userId: {type: "testuser", number: 3}, role: USER) { __typename } }', { auth: headers.admin })
    })

    test('the client stops an operation; the socket stays usable', async () => {
      const client = await subscribeRaw(`${base}/graphql`, protocol, DELETED, { payload: headers.admin })
      client.send({ type: protocol === 'graphql-ws' ? 'stop' : 'complete', id: '1' })
      if (protocol === 'graphql-ws') assert.deepEqual(await client.next(), { type: 'complete', id: '1' })
      client.send({ type: protocol === 'graphql-ws' ? 'start' : 'subscribe', id: '2', payload: { query: '{ roles }' } })
      assert.deepEqual(await client.next(), { type: next, id: '2', payload: { data: { roles: ['ADMIN', 'USER', 'NONE'] } } })
      assert.deepEqual(await client.next(), { type: 'complete', id: '2' })
      client.close()
    })
  })
}

describe('protocol edges', () => {
  test('an unknown subprotocol is refused', async () => {
    await assert.rejects(RawClient.connect(`${base}/graphql`, 'something-else'))
  })

  test('graphql-transport-ws: subscribe before connection_init closes with 4401; garbage closes with 4400', async () => {
    const early = await RawClient.connect(`${base}/graphql`, 'graphql-transport-ws')
    early.send({ type: 'subscribe', id: '1', payload: { query: DELETED } })
    assert.equal(await early.closed(), 4401)
    const garbage = await RawClient.connect(`${base}/graphql`, 'graphql-transport-ws')
    garbage.socket.send('{not json')
    assert.equal(await garbage.closed(), 4400)
  })

  test('graphql-ws (legacy): garbage gets connection_error and a ka keep-alive follows the ack', async () => {
    const client = await RawClient.connect(`${base}/graphql`, 'graphql-ws')
    client.send({ type: 'connection_init', payload: {} })
    assert.deepEqual(await client.next(), { type: 'connection_ack' })
    client.socket.send('{not json')
    assert.deepEqual(await client.next(), { type: 'connection_error', payload: { message: 'Invalid message received' } })
    client.close()
  })

  test('graphql-transport-ws: a subscribe without a string payload.query (or with a malformed payload) closes with 4400', async () => {
    for (const payload of [
      {},
      { query: 5 },
      { query: null },
      { query: ['{ roles }'] },
      undefined,
      'subscription { applicationDeleted }',
      { query: '{ roles }', variables: 'x' },
      { query: '{ roles }', operationName: 7 },
    ]) {
      const client = await RawClient.connect(`${base}/graphql`, 'graphql-transport-ws')
      const reason = new Promise<string>((resolve) => client.socket.once('close', (_code, text) => resolve(String(text))))
      client.send({ type: 'connection_init', payload: { Authorization: headers.admin } })
      assert.deepEqual(await client.next(), { type: 'connection_ack' })
      client.send({ type: 'subscribe', id: '1', payload })
      assert.equal(await client.closed(), 4400, JSON.stringify(payload))
      assert.match(await reason, /^Malformed GraphQL request: /)
      assert.deepEqual(client.pending(), [])
    }
  })

  test('graphql-ws (legacy): a start without a string payload.query is answered with the error, then complete', async () => {
    const client = await RawClient.connect(`${base}/graphql`, 'graphql-ws')
    client.send({ type: 'connection_init', payload: { Authorization: headers.admin } })
    assert.deepEqual(await client.next(), { type: 'connection_ack' })
    client.send({ type: 'start', id: '1', payload: { query: 5 } })
    assert.deepEqual(await client.next(), { type: 'data', id: '1', payload: { data: null, errors: [{ message: 'Malformed GraphQL request: "query" must be a string holding a GraphQL document' }] } })
    assert.deepEqual(await client.next(), { type: 'complete', id: '1' })
    client.close()
  })

  test('over the socket as over HTTP: deep documents, unknown operations and NUL in variables are refused per operation', async () => {
    const client = await subscribeRaw(`${base}/graphql`, 'graphql-transport-ws', `subscription { applicationDeleted(x: ${'['.repeat(5000)}1${']'.repeat(5000)}) }`, { payload: headers.admin })
    assert.deepEqual(await client.next(), { type: 'error', id: '1', payload: [{ message: 'The document nests selections, arguments or values deeper than the limit of 64 levels.' }] })
    client.send({ type: 'subscribe', id: '2', payload: { query: 'subscription A { applicationDeleted }', operationName: 'B' } })
    assert.deepEqual(await client.next(), { type: 'error', id: '2', payload: [{ message: 'Unknown operation named "B".' }] })
    client.send({ type: 'subscribe', id: '3', payload: { query: 'query ($n: TemplateName!) { template(name: $n) { __typename } }', variables: { n: 'a\u0000' } } })
    const refused = await client.next()
    assert.equal(refused.type, 'error')
    assert.match(refused.payload[0].message, /^Variable "\$n" got an invalid value; strings must not contain NUL/)
    client.send({ type: 'subscribe', id: '4', payload: { query: '{ template(name: "a\\u0000") { __typename } }' } })
    const literal = await client.next()
    assert.equal(literal.type, 'error')
    assert.match(literal.payload[0].message, /^String literals must not contain NUL/)
    // The socket is still open and serves the next operation.
    client.send({ type: 'subscribe', id: '5', payload: { query: '{ roles }' } })
    assert.deepEqual(await client.next(), { type: 'next', id: '5', payload: { data: { roles: ['ADMIN', 'USER', 'NONE'] } } })
    client.close()
  })

  test('invalid documents are refused per operation', async () => {
    const client = await subscribeRaw(`${base}/graphql`, 'graphql-transport-ws', 'subscription { nope }', { payload: headers.admin })
    const message = await client.next()
    assert.equal(message.type, 'error')
    assert.equal(message.id, '1')
    assert.match(message.payload[0].message, /nope/)
    client.close()
  })
})
