import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { UnsecuredJWT } from 'jose'
import { buildTestApp } from '@hearth/kernel/testing'
import { startKeyServer, type FakeKeyServer } from '@hearth/kernel/testing/key-server'
import sendAHug, { DEVELOPMENT_JWKS_PATH } from '../src/app.ts'
import { seededApp, type Harness } from './helpers.ts'
import { factories } from './factories.ts'

describe('headers, errors, docs and QA routes', () => {
  let h: Harness
  before(async () => {
    h = await seededApp({ env: { FRONTEND: 'https://sendahug.example' } })
  })
  after(() => h.close())

  test('every response carries the security and CORS headers of the original', async () => {
    const response = await h.call(null, { method: 'GET', url: '/' })
    const headers = response.headers
    assert.equal(headers['access-control-allow-origin'], 'https://sendahug.example')
    assert.equal(headers['access-control-allow-methods'], 'GET, POST, PATCH, DELETE, OPTIONS')
    assert.equal(headers['access-control-allow-headers'], 'Authorization, Content-Type')
    assert.equal(headers['strict-transport-security'], 'max-age=31536000; includeSubDomains')
    assert.equal(headers['x-frame-options'], 'deny')
    assert.equal(headers['x-content-type-options'], 'nosniff')
    assert.match(String(headers['content-security-policy']), /default-src 'self'/)
    assert.equal(headers['referrer-policy'], 'no-referrer')
    assert.equal(headers['cross-origin-embedder-policy'], 'require-corp')
    assert.equal(headers['cache-control'], 'no-store, max-age=0')
    assert.equal(headers.pragma, 'no-cache')
    const error = await h.call('user', { method: 'GET', url: '/users/all/99999' })
    assert.equal(error.headers['x-frame-options'], 'deny', 'errors too')
  })

  test('a known path with the wrong method is 405 in the HTTP error shape, an unknown path 404', async () => {
    const wrongMethod = await h.app.inject({ method: 'PUT', url: '/posts/1' })
    assert.equal(wrongMethod.statusCode, 405)
    assert.deepEqual(wrongMethod.json(), { success: false, code: 405, message: 'method not allowed at this endpoint' })
    assert.match(String(wrongMethod.headers.allow), /PATCH/)
    assert.match(String(wrongMethod.headers.allow), /DELETE/)
    const unknown = await h.app.inject({ method: 'PUT', url: '/no/such/path' })
    assert.equal(unknown.statusCode, 404)
    assert.deepEqual(unknown.json(), { success: false, code: 404, message: 'resource not found' })
  })

  test('CORS answers preflights for the FRONTEND origin only', async () => {
    const allowed = await h.app.inject({ method: 'OPTIONS', url: '/posts', headers: { origin: 'https://sendahug.example', 'access-control-request-method': 'POST' } })
    assert.equal(allowed.statusCode, 204)
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://sendahug.example')
    const other = await h.app.inject({ method: 'GET', url: '/', headers: { origin: 'https://evil.example' } })
    assert.notEqual(other.headers['access-control-allow-origin'], 'https://evil.example')
  })

  test('unknown routes are 404 in the HTTP error shape', async () => {
    for (const url of ['/posts/', '/users/all/', '/nowhere']) {
      const response = await h.call(null, { method: 'GET', url })
      assert.equal(response.statusCode, 404, url)
      assert.deepEqual(h.json(response), { success: false, code: 404, message: 'resource not found' })
    }
  })

  test('OpenAPI is served at /openapi.json with all 28 operations, and the docs at /docs', async () => {
    const document = h.json(await h.call(null, { method: 'GET', url: '/openapi.json' }))
    assert.equal(document.openapi, '3.1.0')
    const operations = Object.values(document.paths as Record<string, object>).flatMap((path) => Object.keys(path))
    assert.equal(operations.length, 28)
    assert.equal(document.paths['/reports'].get['x-permission'], 'read:admin-board')
    assert.equal((await h.call(null, { method: 'GET', url: '/docs' })).statusCode < 400, true)
  })

  test('the development issuer publishes its keys', async () => {
    const jwks = h.json(await h.call(null, { method: 'GET', url: DEVELOPMENT_JWKS_PATH }))
    assert.equal(jwks.keys[0].kid, h.app.sendAHug.identity.issuer!.kid)
    assert.equal(jwks.keys[0].d, undefined, 'no private part')
  })

  test('POST /qa/token mints a token the app accepts; POST /qa/seedDatabase restores the seed', async () => {
    const minted = h.json(await h.call(null, { method: 'POST', url: '/qa/token', payload: { sub: 'abcd', email_verified: true } }))
    const me = await h.app.inject({ method: 'GET', url: '/users/all/abcd', headers: { authorization: `Bearer ${minted.token}` } })
    assert.equal(h.json(me).user.id, 1)
    await h.call('admin', { method: 'DELETE', url: '/posts/45' })
    const seeded = await h.call(null, { method: 'POST', url: '/qa/seedDatabase' })
    assert.equal(seeded.statusCode, 204)
    assert.equal(h.json(await h.call(null, { method: 'GET', url: '/' })).recent[0].id, 45)
    const created = h.json(await h.call('user', { method: 'POST', url: '/posts', payload: { text: 'x', date: '2024-01-01T00:00:00.000Z' } }))
    assert.equal(created.posts.id, 46, 'ids continue where the fixture says')
    const roles = await h.database.query('SELECT 1 FROM roles WHERE id = 5')
    assert.equal(roles.length, 1, 'the blocked-user role exists after a reset')
  })
})

test('outside QA mode the QA routes do not exist', async () => {
  const app = await buildTestApp(sendAHug, { env: { HEARTH_ENV: 'development', SEED: 'none' } })
  try {
    assert.equal((await app.app.inject({ method: 'POST', url: '/qa/seedDatabase' })).statusCode, 404)
    assert.equal((await app.app.inject({ method: 'POST', url: '/qa/token', payload: { sub: 'x' } })).statusCode, 404)
  } finally {
    await app.close()
  }
})

test('the demo seed gives npm start friendly data and the banner ready-to-paste tokens', async () => {
  const app = await buildTestApp(sendAHug, { env: { HEARTH_ENV: 'development', SEED: 'demo' } })
  try {
    const home = JSON.parse((await app.app.inject({ method: 'GET', url: '/' })).body)
    assert.equal(home.recent.length, 6)
    // Written through the repositories: the two demo hugs count on the post.
    const hugged = home.recent.find((post: { text: string }) => post.text.startsWith('First week'))
    assert.equal(hugged.givenHugs, 2)
    assert.equal(hugged.sentHugs.length, 2)
    const banner = await sendAHug.banner(app.config, app.app)
    assert.equal(banner.docsPath, '/docs')
    const [label, value] = Object.entries(banner.credentials)[0]!
    assert.match(label, /admin/)
    const me = await app.app.inject({ method: 'GET', url: '/users/all/demo-admin', headers: { authorization: value } })
    assert.equal(JSON.parse(me.body).user.role.name, 'admin')
  } finally {
    await app.close()
  }
})

describe('Firebase identity driven by configuration', () => {
  let keys: FakeKeyServer
  before(async () => {
    keys = await startKeyServer({ projectId: 'sah-test-project', format: 'x509' })
  })
  after(() => keys.close())

  test("tokens signed with the configured project's published keys are accepted; others are not", async () => {
    const app = await buildTestApp(sendAHug, { env: { IDENTITY_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: 'sah-test-project', FIREBASE_KEYS_URL: keys.url } })
    try {
      await factories(app.database).user.create({ firebaseId: 'firebase-user' })
      const good = await keys.mint({ sub: 'firebase-user', email_verified: true })
      assert.equal((await app.app.inject({ method: 'GET', url: '/messages', headers: { authorization: `Bearer ${good}` } })).statusCode, 200)
      const otherProject = await keys.mint({ sub: 'firebase-user' }, { audience: 'another-project', issuer: 'https://securetoken.google.com/another-project' })
      assert.equal((await app.app.inject({ method: 'GET', url: '/messages', headers: { authorization: `Bearer ${otherProject}` } })).statusCode, 401)
      const stranger = await keys.mint({ sub: 'firebase-user' }, { unpublished: true })
      assert.equal((await app.app.inject({ method: 'GET', url: '/messages', headers: { authorization: `Bearer ${stranger}` } })).statusCode, 401)
      assert.equal((await app.app.inject({ method: 'POST', url: '/qa/token', payload: { sub: 'x' } })).statusCode, 404, 'no minting without the development issuer')
    } finally {
      await app.close()
    }
  })

  test("with FIREBASE_AUTH_EMULATOR_HOST the emulator's unsigned tokens are accepted", async () => {
    const app = await buildTestApp(sendAHug, { env: { IDENTITY_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: 'sah-emulated', FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' } })
    try {
      await factories(app.database).user.create({ firebaseId: 'emulated-user' })
      const now = Math.floor(Date.now() / 1000)
      const unsigned = new UnsecuredJWT({ auth_time: now, email_verified: true })
        .setSubject('emulated-user')
        .setIssuer('https://securetoken.google.com/sah-emulated')
        .setAudience('sah-emulated')
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .encode()
      assert.equal((await app.app.inject({ method: 'GET', url: '/messages', headers: { authorization: `Bearer ${unsigned}` } })).statusCode, 200)
    } finally {
      await app.close()
    }
  })

  test('production refuses the emulator and the development issuer', () => {
    const production = { HEARTH_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/db', PRIVATE_VAPID_KEY: 'x'.repeat(43) }
    assert.throws(() => sendAHug.loadConfig({ ...production, IDENTITY_PROVIDER: 'development' }), /IDENTITY_PROVIDER/)
    assert.throws(() => sendAHug.loadConfig({ ...production, FIREBASE_PROJECT_ID: 'p', FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' }), /FIREBASE_AUTH_EMULATOR_HOST/)
    assert.throws(() => sendAHug.loadConfig({ ...production, FIREBASE_PROJECT_ID: 'p', PUSH_ALLOW_INSECURE_TLS: 'true' }), /PUSH_ALLOW_INSECURE_TLS/)
  })
})

test('when the signing keys cannot be fetched the answer is 503, not a sign-out', async () => {
  const app = await buildTestApp(sendAHug, { env: { IDENTITY_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: 'sah-offline', FIREBASE_KEYS_URL: 'http://127.0.0.1:9/keys' } })
  const keys = await startKeyServer({ projectId: 'sah-offline' })
  try {
    const token = await keys.mint({ sub: 'someone' })
    const response = await app.app.inject({ method: 'GET', url: '/messages', headers: { authorization: `Bearer ${token}` } })
    assert.equal(response.statusCode, 503)
    assert.equal(JSON.parse(response.body).success, false)
  } finally {
    await keys.close()
    await app.close()
  }
})
