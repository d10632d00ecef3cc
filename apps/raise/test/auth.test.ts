import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { SignJWT } from 'jose'
import { generateKeyPairSync } from 'node:crypto'
import { startJwksServer, type JwksServer } from '@hearth/kernel/testing'
import { startRaise, type RaiseTestContext, NATIONAL, NATIONAL_TECH } from './helpers.ts'
import { DEMO_ADMIN_EMAIL, DEMO_GROUP_ID, EXPIRED_TRAINING_EMAIL, NATIONAL_ADMIN_EMAIL } from '../seeds/demo.ts'

const CLIENT_ID = 'raise-test-client.apps.googleusercontent.com'
let ctx: RaiseTestContext
let google: JwksServer
before(async () => {
  google = await startJwksServer({ algorithms: ['RS256'], issuer: 'https://accounts.google.com', audience: CLIENT_ID })
  ctx = await startRaise({ seed: true, env: { GOOGLE_LOGIN_CLIENT_ID: CLIENT_ID, GOOGLE_JWKS_URL: google.url } })
})
after(async () => {
  await ctx.close()
  await google.close()
})

const sign = (payload: Record<string, unknown>, key = ctx.config.jwtPrivateKey) => new SignJWT(payload).setProtectedHeader({ alg: 'ES256' }).sign(key)

describe('middleware order and error contract', () => {
  test('a missing, misformatted, forged or expired token is 401; a malformed payload is 400', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{}, 401, 'No valid bearer token was set in the authorization header'],
      [{ authorization: 'Token abc' }, 401, 'Format should be "Authorization: Bearer [token]"'],
      [{ authorization: 'Bearer not-a-jwt' }, 401, 'Invalid token'],
      [{ authorization: `Bearer ${await sign({ subject: 'x', groups: [] }, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)}` }, 401, 'Invalid token'],
      [{ authorization: `Bearer ${await sign({ subject: 'x', groups: [], iat: 1000, exp: 2000 })}` }, 401, 'Token expired'],
      [{ authorization: `Bearer ${await sign({ subject: 'x', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 })}` }, 400, 'Token payload malformed'],
    ]
    for (const [headers, status, message] of cases) {
      const response = await ctx.request('GET', '/admin/fundraisers', { token: null, headers })
      assert.equal(response.status, status, message)
      assert.deepEqual(response.body, { message })
      assert.equal(response.headers['x-raise-version'], 'hearth-0.1.0')
    }
  })

  test('authentication comes before the content type (401 before 415), then JSON (422), then the schema (400)', async () => {
    const noAuth = await ctx.request('POST', '/admin/groups', { token: null, body: 'name=x', headers: { 'content-type': 'text/plain' } })
    assert.equal(noAuth.status, 401)
    const wrongType = await ctx.request('POST', '/admin/groups', { body: 'name=x', headers: { 'content-type': 'text/plain' } })
    assert.deepEqual([wrongType.status, wrongType.body], [415, { message: 'Unsupported Media Type' }])
    const badJson = await ctx.request('POST', '/admin/groups', { body: '{"name":', headers: { 'content-type': 'application/json' } })
    assert.equal(badJson.status, 422)
    assert.match(badJson.body.message, /invalid JSON/)
    const invalid = await ctx.request('POST', '/admin/groups', { body: { name: 42, extra: true } })
    assert.equal(invalid.status, 400)
    assert.equal(invalid.body.message, 'Event object failed validation')
    assert.ok(Array.isArray(invalid.body.details))
    const suffixJson = await ctx.request('POST', '/admin/groups', { body: '{"name":"Via +json"}', headers: { 'content-type': 'application/vnd.raise+json' } })
    assert.equal(suffixJson.status, 200)
    const bodyOnBodyless = await ctx.request('POST', '/admin/tasks/01G33RD8YDEYHQF3DZFJ5ZWDFH', { body: { unexpected: true } })
    assert.equal(bodyOnBodyless.status, 400)
    const unknown = await ctx.request('GET', '/admin/nothing-here')
    assert.deepEqual([unknown.status, unknown.body], [404, { message: 'Endpoint not found' }])
    const badParam = await ctx.request('GET', '/admin/fundraisers/not-a-ulid/donations')
    assert.equal(badParam.status, 400)
  })

  test('JWT_REQUIRE_ISSUED_AT_AFTER refuses older tokens with 403', async () => {
    const strict = await startRaise({ seed: true, env: { JWT_REQUIRE_ISSUED_AT_AFTER: String(Math.floor(Date.now() / 1000) + 3600) } })
    try {
      const response = await strict.request('GET', '/admin/fundraisers')
      assert.deepEqual([response.status, response.body], [403, { message: 'Your token is too old. Try logging out and in again.' }])
      const login = await strict.request('POST', '/admin/login/impersonation', { token: null, body: { email: NATIONAL_ADMIN_EMAIL } })
      const refreshed = await strict.request('POST', '/admin/login/refresh', { token: null, body: { refreshToken: login.body.refreshToken.value } })
      assert.deepEqual([refreshed.status, refreshed.body.message], [403, 'Your token is too old. Try logging out and in again.'])
    } finally {
      await strict.close()
    }
  })

  test('refused attempts (401 and 403) are audited as security entries', async () => {
    await ctx.request('GET', '/admin/users', { token: await ctx.token([DEMO_GROUP_ID], 'outsider@example.com') })
    const entries = (await ctx.request('GET', '/admin/audit-logs/by-subject/outsider@example.com')).body
    const security = entries.find((entry: { action: string }) => entry.action === 'security')
    assert.equal(security.metadata.statusCode, 403)
    assert.match(security.metadata.message, /^To do this you need to be in one of the groups \[National \(01GPY6D06N6EHEE0RGRNZJ60K7\)\], but you are in \[01GPYGDJ19Z43X6S7YMK8AVSAH\]$/)
    assert.equal(security.object, security.id)
    assert.equal(security.routeRaw, 'GET /admin/users')
    assert.equal(security.ttl, null)
  })
})

describe('login', () => {
  test('impersonation logs in an allowlisted user with ES256 tokens of the original lifetimes, and audits it', async () => {
    const response = await ctx.request('POST', '/admin/login/impersonation', { token: null, body: { email: NATIONAL_ADMIN_EMAIL } })
    assert.equal(response.status, 200)
    const { accessToken, refreshToken, groups } = response.body
    assert.deepEqual(groups, [NATIONAL, NATIONAL_TECH])
    assert.equal(refreshToken.expiresAt - accessToken.expiresAt, 7 * 3600)
    const header = JSON.parse(Buffer.from(accessToken.value.split('.')[0], 'base64url').toString())
    assert.equal(header.alg, 'ES256')
    const payload = JSON.parse(Buffer.from(accessToken.value.split('.')[1], 'base64url').toString())
    assert.deepEqual(Object.keys(payload).sort(), ['exp', 'groups', 'iat', 'subject'])
    assert.equal(payload.exp - payload.iat, 3600)
    const refreshPayload = JSON.parse(Buffer.from(refreshToken.value.split('.')[1], 'base64url').toString())
    assert.deepEqual(Object.keys(refreshPayload).sort(), ['exp', 'iat', 'subject'])
    const profile = await ctx.request('GET', '/admin/login', { token: accessToken.value })
    assert.equal(profile.status, 200)
    assert.equal(profile.body.email, NATIONAL_ADMIN_EMAIL)
    assert.equal(profile.body.expiresAt, payload.exp)
    const logins = (await ctx.request('GET', `/admin/audit-logs/by-object/${NATIONAL_ADMIN_EMAIL}`)).body
    assert.ok(logins.some((entry: { action: string }) => entry.action === 'login'))
  })

  test('refuses unknown emails, expired security training, and is off outside development and QA', async () => {
    const unknown = await ctx.request('POST', '/admin/login/impersonation', { token: null, body: { email: 'stranger@example.com' } })
    assert.deepEqual([unknown.status, unknown.body.message], [403, 'Your account, stranger@example.com, is not allowlisted to use the platform'])
    const expired = await ctx.request('POST', '/admin/login/impersonation', { token: null, body: { email: EXPIRED_TRAINING_EMAIL } })
    assert.equal(expired.status, 403)
    assert.match(expired.body.message, /^Security training for raiseexpiredsecuritytraining@gmail.com out of date, last marked completed on 2020-01-01T00:00:00.000Z$/)
    const off = await startRaise({ env: { IMPERSONATION_LOGIN_ENABLED: 'false' } })
    try {
      const response = await off.request('POST', '/admin/login/impersonation', { token: null, body: { email: NATIONAL_ADMIN_EMAIL } })
      assert.deepEqual([response.status, response.body.message], [401, 'Impersonation login is not enabled'])
    } finally {
      await off.close()
    }
  })

  test('refresh re-reads groups and returns the same refresh token; bad, malformed, expired tokens are refused', async () => {
    const login = (await ctx.request('POST', '/admin/login/impersonation', { token: null, body: { email: DEMO_ADMIN_EMAIL } })).body
    const users = (await ctx.request('GET', '/admin/users')).body
    const demo = users.find((user: { email: string }) => user.email === DEMO_ADMIN_EMAIL)
    assert.equal((await ctx.request('PATCH', `/admin/users/${demo.id}`, { body: { groups: [DEMO_GROUP_ID, NATIONAL] } })).status, 204)
    const refreshed = await ctx.request('POST', '/admin/login/refresh', { token: null, body: { refreshToken: login.refreshToken.value } })
    assert.equal(refreshed.status, 200)
    assert.deepEqual(refreshed.body.groups, [DEMO_GROUP_ID, NATIONAL])
    assert.deepEqual(refreshed.body.refreshToken, login.refreshToken)
    const expect = async (refreshToken: string, status: number, message: string) => {
      const response = await ctx.request('POST', '/admin/login/refresh', { token: null, body: { refreshToken } })
      assert.deepEqual([response.status, response.body.message], [status, message])
    }
    await expect('garbage', 403, 'Bad signature on refresh token')
    await expect(await sign({ subject: DEMO_ADMIN_EMAIL }), 400, 'Invalid refresh token payload shape')
    await expect(await sign({ subject: DEMO_ADMIN_EMAIL, iat: 1000, exp: 2000 }), 403, 'Refresh token has expired. Try logging out and in again.')
  })

  test('Google ID tokens are verified against the key set, audience and issuer', async () => {
    const ok = await google.sign({ email: NATIONAL_ADMIN_EMAIL, email_verified: true, sub: '1234' })
    const response = await ctx.request('POST', '/admin/login/google', { token: null, body: { idToken: ok } })
    assert.equal(response.status, 200, JSON.stringify(response.body))
    assert.deepEqual(response.body.groups, [NATIONAL, NATIONAL_TECH])
    const expect = async (idToken: string, status: number, message: string) => {
      const result = await ctx.request('POST', '/admin/login/google', { token: null, body: { idToken } })
      assert.deepEqual([result.status, result.body.message], [status, message])
    }
    await expect(await google.sign({ email: NATIONAL_ADMIN_EMAIL, email_verified: true }, { audience: 'someone-else' }), 401, 'idToken: not valid')
    await expect(await google.sign({ email: NATIONAL_ADMIN_EMAIL, email_verified: true }, { unpublished: true }), 401, 'idToken: not valid')
    await expect(await google.sign({ email: NATIONAL_ADMIN_EMAIL, email_verified: true }, { expiresAt: '-5m' }), 401, 'idToken: not valid')
    await expect(await google.sign({ email_verified: true, sub: '1' }), 401, 'idToken: missing email')
    await expect(await google.sign({ email: NATIONAL_ADMIN_EMAIL, email_verified: false }), 401, 'idToken: email not verified')
    await expect(await google.sign({ email: 'nobody@example.com', email_verified: true }), 403, 'Your account, nobody@example.com, is not allowlisted to use the platform')
    const disabled = await ctx.request('POST', '/admin/login/google', { token: null, body: { idToken: ok } })
    assert.equal(disabled.status, 200)
  })

  test('Google login is refused when it is not enabled', async () => {
    const off = await startRaise()
    try {
      const response = await off.request('POST', '/admin/login/google', { token: null, body: { idToken: 'x' } })
      assert.deepEqual([response.status, response.body.message], [401, 'Google login is not enabled'])
    } finally {
      await off.close()
    }
  })
})
