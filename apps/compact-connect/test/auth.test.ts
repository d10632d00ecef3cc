// Token verification for the three pools: an external OIDC issuer's tokens checked against its JWKS (a local key
// publisher), and the built-in identity service's client-credentials endpoint for state app clients (§9.11).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeJwt } from 'jose'
import { buildTestApp, startJwksServer, type JwksServer, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedQaStaff } from '../seeds/qa-staff.ts'
import { bearer } from './tokens.ts'

const ISSUERS = { staff: 'https://idp.example.org/staff', provider: 'https://idp.example.org/provider', state: 'https://idp.example.org/state' }
const QUERY = { method: 'POST' as const, url: '/v1/compacts/aslp/providers/query', payload: { query: {} } }
const HISTORY = '/v1/provider-users/me/jurisdiction/co/licenseType/slp/history'

describe('an external OIDC issuer (CC_IDENTITY_PROVIDER=external)', () => {
  let jwks: JwksServer
  let testApp: TestApp<CompactConnectConfig>
  const staffClaims = { sub: 'e1000000-0000-4000-8000-000000000001', token_use: 'access', client_id: 'cc-staff-web', username: 'someone', scope: 'profile aslp/readGeneral' }
  const providerClaims = { sub: 'd1000000-0000-4000-8000-000000000001', token_use: 'id', 'custom:compact': 'aslp', 'custom:providerId': 'c1000000-0000-4000-8000-000000000001', email: 'p@example.org' }

  before(async () => {
    jwks = await startJwksServer()
    testApp = await buildTestApp(compactConnect, {
      env: {
        CC_IDENTITY_PROVIDER: 'external',
        CC_STAFF_JWKS_URL: jwks.url,
        CC_PROVIDER_JWKS_URL: jwks.url,
        CC_STATE_JWKS_URL: jwks.url,
        CC_STAFF_ISSUER: ISSUERS.staff,
        CC_PROVIDER_ISSUER: ISSUERS.provider,
        CC_STATE_ISSUER: ISSUERS.state,
        CC_STAFF_CLIENT_ID: 'cc-staff-web',
        CC_PROVIDER_CLIENT_ID: 'cc-provider-web',
      },
    })
  })
  after(async () => {
    await testApp?.close()
    await jwks?.close()
  })

  const inject = async (options: { method: 'GET' | 'POST'; url: string; payload?: object }, token: string) => (await testApp.app.inject({ ...options, headers: bearer(token) })).statusCode

  test('a staff access token signed with a published key passes', async () => {
    assert.equal(await inject(QUERY, await jwks.sign(staffClaims, { issuer: ISSUERS.staff, audience: null })), 200)
  })

  test('an unknown key id, a wrong issuer, an expired token or the wrong client id is 401', async () => {
    assert.equal(await inject(QUERY, await jwks.sign(staffClaims, { issuer: ISSUERS.staff, audience: null, unpublished: true })), 401)
    assert.equal(await inject(QUERY, await jwks.sign(staffClaims, { issuer: 'https://elsewhere.example.org', audience: null })), 401)
    assert.equal(await inject(QUERY, await jwks.sign(staffClaims, { issuer: ISSUERS.staff, audience: null, expiresAt: '-5m' })), 401)
    assert.equal(await inject(QUERY, await jwks.sign({ ...staffClaims, client_id: 'another-app' }, { issuer: ISSUERS.staff, audience: null })), 401)
    assert.equal(await inject(QUERY, await jwks.sign({ ...staffClaims, token_use: 'id' }, { issuer: ISSUERS.staff, audience: null })), 401)
  })

  test('a practitioner ID token needs the provider pool audience', async () => {
    // Authenticated: the provider does not exist, so the history is a 404 rather than a 401.
    assert.equal(await inject({ method: 'GET', url: HISTORY }, await jwks.sign(providerClaims, { issuer: ISSUERS.provider, audience: 'cc-provider-web' })), 404)
    assert.equal(await inject({ method: 'GET', url: HISTORY }, await jwks.sign(providerClaims, { issuer: ISSUERS.provider, audience: 'another-app' })), 401)
    assert.equal(await inject({ method: 'GET', url: HISTORY }, await jwks.sign({ ...providerClaims, token_use: 'access' }, { issuer: ISSUERS.provider, audience: 'cc-provider-web' })), 401)
  })

  test("each pool's tokens are refused by the other pool's routes with 401", async () => {
    assert.equal(await inject(QUERY, await jwks.sign(providerClaims, { issuer: ISSUERS.provider, audience: 'cc-provider-web' })), 401)
    assert.equal(await inject({ method: 'GET', url: HISTORY }, await jwks.sign(staffClaims, { issuer: ISSUERS.staff, audience: null })), 401)
  })

  test('the built-in identity routes are absent', async () => {
    assert.equal((await testApp.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode, 404)
    assert.equal((await testApp.app.inject({ method: 'POST', url: '/qa/token', payload: { pool: 'staff', sub: staffClaims.sub } })).statusCode, 404)
  })
})

describe('state app clients: client credentials at /oauth2/token (§9.11)', () => {
  let testApp: TestApp<CompactConnectConfig>
  before(async () => {
    testApp = await buildTestApp(compactConnect)
    await seedQaStaff(testApp.app.compactConnect)
  })
  after(async () => testApp?.close())

  const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    testApp.app.inject({ method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(form).toString() })

  test('issues a token with the allowed scopes (all when none is asked for)', async () => {
    const response = await token({ grant_type: 'client_credentials', client_id: 'qa-oh-aslp', client_secret: 'qa-oh-aslp-secret-0001' })
    assert.equal(response.statusCode, 200)
    const body = response.json() as { access_token: string; expires_in: number; token_type: string }
    assert.equal(body.expires_in, 900)
    assert.equal(body.token_type, 'Bearer')
    const claims = decodeJwt(body.access_token)
    assert.deepEqual([claims.sub, claims.client_id, claims.token_use, claims.scope], ['qa-oh-aslp', 'qa-oh-aslp', 'access', 'oh/aslp.write aslp/readGeneral'])
    // The token works on a route its scope reaches, verified through the published key set.
    const keys = (await testApp.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: unknown[] }
    assert.equal(keys.keys.length, 1)
  })

  test('HTTP Basic works too, with a narrower scope', async () => {
    const basic = Buffer.from('qa-oh-aslp:qa-oh-aslp-secret-0001').toString('base64')
    const response = await token({ grant_type: 'client_credentials', scope: 'oh/aslp.write' }, { authorization: `Basic ${basic}` })
    assert.equal(response.statusCode, 200)
    assert.equal(decodeJwt((response.json() as { access_token: string }).access_token).scope, 'oh/aslp.write')
  })

  test('refusals in OAuth words', async () => {
    assert.deepEqual((await token({ grant_type: 'client_credentials', client_id: 'qa-oh-aslp', client_secret: 'wrong' })).json(), { error: 'invalid_client' })
    assert.deepEqual((await token({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' })).json(), { error: 'invalid_client' })
    assert.deepEqual((await token({ grant_type: 'client_credentials', client_id: 'qa-ky-aslp', client_secret: 'qa-ky-aslp-secret-0002', scope: 'oh/aslp.write' })).json(), { error: 'invalid_scope' })
    const password = await token({ grant_type: 'password', client_id: 'qa-oh-aslp', client_secret: 'qa-oh-aslp-secret-0001' })
    assert.deepEqual([password.statusCode, password.json()], [400, { error: 'unsupported_grant_type' }])
  })

  test('a state client token is refused by staff-only routes', async () => {
    const response = await token({ grant_type: 'client_credentials', client_id: 'qa-oh-aslp', client_secret: 'qa-oh-aslp-secret-0001' })
    const access = (response.json() as { access_token: string }).access_token
    assert.equal((await testApp.app.inject({ method: 'GET', url: '/v1/staff-users/me', headers: bearer(access) })).statusCode, 401)
    assert.equal((await testApp.app.inject({ method: 'GET', url: '/v1/provider-users/me', headers: bearer(access) })).statusCode, 401)
  })
})

describe('a configured signing key (CC_IDENTITY_SIGNING_KEY)', () => {
  test('two apps sharing the key accept each other’s tokens', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const first = await buildTestApp(compactConnect, { env: { CC_IDENTITY_SIGNING_KEY: pem } })
    const second = await buildTestApp(compactConnect, { env: { CC_IDENTITY_SIGNING_KEY: pem.replace(/\n/g, '\\n') } })
    try {
      const token = await first.app.ccTokens.mintStaffAccessToken({ sub: 'e2000000-0000-4000-8000-000000000001', username: 'x', scopes: ['profile', 'aslp/readGeneral'] })
      const response = await second.app.inject({ ...QUERY, headers: bearer(token) })
      assert.equal(response.statusCode, 200)
      const keys = (await second.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: { kid: string }[] }
      assert.equal(keys.keys[0]!.kid, decodeProtectedKid(token))
    } finally {
      await first.close()
      await second.close()
    }
  })
})

function decodeProtectedKid(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string }).kid
}
