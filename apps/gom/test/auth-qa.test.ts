// `POST /qa/seedDatabase` empties everything Gom keeps (spec §11.1): sessions and their CSRF
// secrets, both limiters' counters and blocks, push subscriptions, queued jobs.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { U1, asC1, asU1, startGom, type Gom } from './helpers.ts'
import { headersOf, ping } from './session.ts'

let gom: Gom
before(async () => {
  gom = await startGom()
})
after(() => gom?.close())

test('the QA seed ends sessions, clears the limiters and the push subscriptions', async () => {
  const seller = await asU1(gom.app)
  const subscribed = await gom.app.inject({
    method: 'POST',
    url: '/webpush/subscribe',
    headers: seller.headers,
    payload: { endpoint: 'https://push.example/abc', keys: { p256dh: 'p256dh-key', auth: 'auth-secret' } },
  })
  assert.equal(subscribed.statusCode, 201)
  assert.equal((await gom.app.gomWebPush!.subscriptions.forUser(U1)).length, 1)
  for (let attempt = 0; attempt < 7; attempt++) {
    const jar = await ping(gom.app)
    await gom.app.inject({ method: 'POST', url: '/auth/login', headers: headersOf(jar), payload: { grantType: 'phone', username: 'QaCarmen01', phone: '0000000000' } })
  }
  await assert.rejects(asC1(gom.app), /login answered 429/)

  assert.equal((await gom.app.inject({ method: 'POST', url: '/qa/seedDatabase' })).statusCode, 204)

  const stale = await gom.app.inject({ method: 'POST', url: '/graphql', headers: seller.headers, payload: { query: '{ __typename }' } })
  assert.equal(stale.statusCode, 403, 'the session (and its CSRF secret) is gone')
  assert.deepEqual(await gom.app.gomWebPush!.subscriptions.forUser(U1), [])
  assert.equal((await asC1(gom.app)).profile.sub, 'cgomqacus0000000000000001', 'the limiter no longer blocks')
})
