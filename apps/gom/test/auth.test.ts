import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose'
import { CookieJar, headersOf, loginAsCustomer, loginAsSeller, ping } from './session.ts'
import { APP_KEY, startAuthHarness, type AuthHarness } from './session-harness.ts'

const U1 = 'auth0|60a000000000000000000001'
const C1 = 'cgomqacus0000000000000001'

let ctx: AuthHarness
before(async () => {
  ctx = await startAuthHarness()
})
after(() => ctx?.close())

const setCookies = (response: { headers: Record<string, unknown> }) => {
  const header = response.headers['set-cookie']
  return (header === undefined ? [] : Array.isArray(header) ? header : [header]) as string[]
}
const cookieLine = (response: { headers: Record<string, unknown> }, name: string) => setCookies(response).find((line) => line.startsWith(`${name}=`))

async function graphql(headers: Record<string, string>, method: 'GET' | 'POST' = 'POST', url = '/graphql') {
  return ctx.app.inject({ method, url, headers, ...(method === 'POST' ? { payload: { query: '{ __typename }' } } : {}) })
}

describe('GET /auth/ping', () => {
  test('starts a session and sets the csrf-token cookie with the original flags', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/auth/ping' })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { success: true })
    const session = cookieLine(response, 'session-id')!
    assert.match(session, /^session-id=s(:|%3A)[A-Za-z0-9_-]+\.[A-Za-z0-9%+/]+; Max-Age=3600; Path=\/; HttpOnly$/, "express-session's signed id; development profile: not Secure, no SameSite")
    const csrf = cookieLine(response, 'csrf-token')!
    assert.match(csrf, /^csrf-token=[^;]+; Path=\/; Secure; SameSite=Lax$/, 'readable by JavaScript, no Max-Age')
  })

  test('keeps an existing csrf-token cookie (CsrfgenMiddleware never replaces one)', async () => {
    const jar = await ping(ctx.app)
    const again = await ctx.app.inject({ method: 'GET', url: '/auth/ping', headers: { cookie: jar.header() } })
    assert.equal(cookieLine(again, 'csrf-token'), undefined)
    assert.equal(cookieLine(again, 'session-id'), undefined, 'the session was not modified')
  })

  test('answers under /api too', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/auth/ping' })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { success: true })
  })
})

describe('POST /auth/login', () => {
  test('refuses a login without the CSRF header: 403 EBADCSRFTOKEN', async () => {
    const jar = await ping(ctx.app)
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { cookie: jar.header() },
      payload: { grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' },
    })
    assert.equal(response.statusCode, 403)
    assert.deepEqual(response.json(), { statusCode: 403, error: 'EBADCSRFTOKEN', message: 'invalid csrf token' })
  })

  test('refuses a forged CSRF token, a token of another session, and a login with no session at all', async () => {
    const jar = await ping(ctx.app)
    const other = await ping(ctx.app)
    const body = { grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' }
    for (const token of ['forged', 'abc-def', other.get('csrf-token')!, '', 'x'.repeat(500)]) {
      const response = await ctx.app.inject({ method: 'POST', url: '/auth/login', headers: { cookie: jar.header(), 'x-csrf-token': token }, payload: body })
      assert.equal(response.statusCode, 403, token)
      assert.equal(response.json().error, 'EBADCSRFTOKEN')
    }
    const noSession = await ctx.app.inject({ method: 'POST', url: '/auth/login', headers: { 'x-csrf-token': jar.get('csrf-token')! }, payload: body })
    assert.equal(noSession.statusCode, 403)
    assert.equal(noSession.json().error, 'EBADCSRFTOKEN')
  })

  test('accepts the token from any of csurf places: body _csrf, query _csrf, csrf-token / xsrf-token / x-xsrf-token headers', async () => {
    const wrong = { grantType: 'password', username: 'nobody@gom.test', password: 'nope' }
    const variants = [
      (token: string) => ({ payload: { ...wrong, _csrf: token } }),
      (token: string) => ({ url: `/auth/login?_csrf=${encodeURIComponent(token)}`, payload: wrong }),
      (token: string) => ({ headers: { 'csrf-token': token }, payload: wrong }),
      (token: string) => ({ headers: { 'xsrf-token': token }, payload: wrong }),
      (token: string) => ({ headers: { 'x-xsrf-token': token }, payload: wrong }),
    ]
    for (const variant of variants) {
      const jar = await ping(ctx.app)
      const options = variant(jar.get('csrf-token')!)
      const response = await ctx.app.inject({ method: 'POST', url: '/auth/login', ...options, headers: { cookie: jar.header(), ...('headers' in options ? options.headers : {}) } })
      assert.equal(response.statusCode, 403, JSON.stringify(options))
      assert.equal(response.json().error, 'invalid_grant', 'past CSRF, refused by the identity provider')
    }
  })

  test('signs a seller in with the built-in provider: profile, split JWT, new session id, fresh CSRF cookie', async () => {
    const jar = await ping(ctx.app)
    const before = jar.get('session-id')
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: headersOf(jar),
      payload: { grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' },
    })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { nickname: 'ana.lopez', name: 'Ana López', email: 'ana.lopez@gom.test', sub: U1 })
    const tokenLine = cookieLine(response, 'session-token')!
    assert.match(tokenLine, /; Max-Age=3600; Path=\/; Secure; SameSite=Lax$/, 'not HttpOnly: the UI reads it')
    assert.doesNotMatch(tokenLine, /HttpOnly/)
    assert.match(cookieLine(response, 'csrf-token')!, /^csrf-token=[^;]+; Path=\/; Secure; SameSite=Lax$/)
    jar.take(response)
    assert.notEqual(jar.get('session-id'), before, 'the session is regenerated at login (no fixation)')
    const token = jar.get('session-token')!
    assert.equal(token.split('.').length, 2, 'header.payload only: the signature stays on the server')
    const claims = decodeJwt(`${token}.x`)
    assert.equal(claims.sub, U1)
    assert.equal(claims.aud, 'https://gql.gom.com')
    assert.equal(claims.gty, 'password')
    assert.equal(claims.scope, 'openid offline_access')
    assert.notEqual(claims.iss, 'https://auth.gom.com')
    assert.equal((claims.exp as number) - (claims.iat as number), 86_400)
    assert.equal((claims.permissions as string[]).length, 19)
    assert.equal(decodeProtectedHeader(`${token}.x`).alg, 'RS256')

    // The old session id no longer exists.
    const old = new CookieJar()
    old.values.set('session-id', encodeURIComponent(before!))
    old.values.set('session-token', jar.values.get('session-token')!)
    assert.equal((await graphql({ cookie: old.header() }, 'GET')).statusCode, 403)

    // With the new cookies, GraphQL sees the seller.
    const answer = await graphql(headersOf(jar))
    assert.equal(answer.statusCode, 200)
    assert.equal(answer.json().data.caller.sub, U1)
    assert.equal(answer.json().data.caller.kind, 'seller')

    // A second login on the same session does nothing: 204.
    const again = await ctx.app.inject({ method: 'POST', url: '/auth/login', headers: headersOf(jar), payload: { grantType: 'password', username: 'beto.ruiz@gom.test', password: 'Beto-QA-pass-2' } })
    assert.equal(again.statusCode, 204)
    assert.equal(again.body, '')
  })

  test('refuses a wrong password or an unknown email as Auth0 does', async () => {
    for (const [username, password] of [
      ['ana.lopez@gom.test', 'wrong'],
      ['nobody@gom.test', 'Ana-QA-pass-1'],
    ]) {
      const jar = await ping(ctx.app)
      const response = await ctx.app.inject({ method: 'POST', url: '/auth/login', headers: headersOf(jar), payload: { grantType: 'password', username, password } })
      assert.equal(response.statusCode, 403)
      assert.deepEqual(response.json(), { statusCode: 403, message: 'Wrong email or password.', error: 'invalid_grant' })
    }
  })

  test('signs a customer in with the phone grant: HS256 local token with the six customer permissions', async () => {
    const signedIn = await loginAsCustomer(ctx.app, 'QaCarmen01', '5512345671')
    assert.deepEqual(signedIn.profile, { nickname: 'Carmen', name: 'Carmen Díaz', sub: C1, seller: U1, business: 'Abarrotes Ana' })
    const token = signedIn.jar.get('session-token')!
    const claims = decodeJwt(`${token}.x`)
    assert.equal(decodeProtectedHeader(`${token}.x`).alg, 'HS256')
    assert.equal(claims.iss, 'https://auth.gom.com')
    assert.equal(claims.aud, 'https://gql.gom.com')
    assert.equal(claims.eid, 'QaCarmen01')
    assert.equal(claims.gty, 'phone')
    assert.equal(claims.seller, U1)
    assert.equal(claims.business, 'Abarrotes Ana')
    assert.equal((claims.exp as number) - (claims.iat as number), 1800)
    assert.deepEqual(claims.permissions, ['create:order', 'read:order', 'read:orders', 'role:customer', 'update:order', 'subscribe:order'])
    const answer = await graphql(signedIn.headers)
    assert.deepEqual(answer.json().data.caller, { kind: 'customer', sub: C1, permissions: claims.permissions })
  })

  test('refuses a wrong phone or an unknown share code: 403 invalid_grant "Invalid credentials"', async () => {
    for (const [username, phone] of [
      ['QaCarmen01', '5512345670'],
      ['NoSuchCode', '5512345671'],
    ]) {
      const jar = await ping(ctx.app)
      const response = await ctx.app.inject({ method: 'POST', url: '/auth/login', headers: headersOf(jar), payload: { grantType: 'phone', username, phone } })
      assert.equal(response.statusCode, 403)
      assert.deepEqual(response.json(), { statusCode: 403, message: 'Invalid credentials', error: 'invalid_grant' })
    }
  })

  test('validates the body with the original messages (400 Bad Request), never a 500', async () => {
    const cases: [unknown, string[]][] = [
      [{}, ['grantType must be a valid value', 'username must be a string', 'username should not be empty']],
      [{ grantType: 'magic', username: 'x' }, ['grantType must be a valid value']],
      [{ grantType: 'password', username: 'ana.lopez@gom.test' }, ['password must be a string', 'password should not be empty']],
      [{ grantType: 'phone', username: 'QaCarmen01', phone: '123' }, ['phone must be longer than or equal to 10 characters']],
      [{ grantType: 'phone', username: 'QaCarmen01', phone: '12345678901' }, ['phone must be shorter than or equal to 10 characters']],
      [{ grantType: 'phone', username: '', phone: '5512345671' }, ['username should not be empty']],
    ]
    for (const [payload, messages] of cases) {
      const jar = await ping(ctx.app)
      const response = await ctx.app.inject({ method: 'POST', url: '/auth/login', headers: headersOf(jar), payload: payload as object })
      assert.equal(response.statusCode, 400, JSON.stringify(payload))
      assert.deepEqual(response.json(), { statusCode: 400, message: messages, error: 'Bad Request' })
    }
    for (const payload of ['not json', '[1,2]', '{"grantType": 5}', '{"username": {"$ne": 1}}', '{"extra": true}']) {
      const jar = await ping(ctx.app)
      const response = await ctx.app.inject({ method: 'POST', url: '/auth/login', headers: { ...headersOf(jar), 'content-type': 'application/json' }, payload })
      assert.equal(response.statusCode, 400, payload)
      assert.equal(response.json().statusCode, 400)
    }
  })
})

describe('the split JWT on /graphql', () => {
  test('refuses a request with no session or no token: 403 jwt_error "Token malformed"', async () => {
    const none = await graphql({}, 'GET')
    assert.equal(none.statusCode, 403)
    assert.deepEqual(none.json(), { statusCode: 403, message: 'Token malformed', error: 'jwt_error' })
    const jar = await ping(ctx.app)
    const sessionOnly = await graphql(headersOf(jar))
    assert.equal(sessionOnly.statusCode, 403)
    assert.deepEqual(sessionOnly.json(), { statusCode: 403, message: 'Token malformed', error: 'jwt_error' })
  })

  test('checks CSRF before the token on POST /graphql (and under /api)', async () => {
    const signedIn = await loginAsSeller(ctx.app, 'ana.lopez@gom.test')
    for (const url of ['/graphql', '/api/graphql']) {
      const response = await graphql({ cookie: signedIn.cookie }, 'POST', url)
      assert.equal(response.statusCode, 403)
      assert.deepEqual(response.json(), { statusCode: 403, error: 'EBADCSRFTOKEN', message: 'invalid csrf token' })
      assert.equal((await graphql(signedIn.headers, 'POST', url)).json().data.caller.sub, U1)
    }
    // GET is exempt from CSRF, as with csurf.
    assert.equal((await graphql({ cookie: signedIn.cookie }, 'GET')).statusCode, 200)
  })

  test('refuses a tampered payload, another key, an unsigned token and a wrong session signature', async () => {
    const customer = await loginAsCustomer(ctx.app, 'QaCarmen01', '5512345671')
    const [header, payload] = customer.jar.get('session-token')!.split('.') as [string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    const forge = (changes: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url')
    const withToken = (token: string) => {
      const jar = new CookieJar()
      for (const [name, value] of customer.jar.values) jar.values.set(name, value)
      jar.values.set('session-token', encodeURIComponent(token))
      return headersOf(jar)
    }
    const expectJwtError = async (token: string, message: string) => {
      const response = await graphql(withToken(token))
      assert.equal(response.statusCode, 403, token)
      assert.deepEqual(response.json(), { statusCode: 403, message, error: 'jwt_error' })
    }
    await expectJwtError(`${header}.${forge({ sub: 'cgomqacus0000000000000004' })}`, 'invalid signature')
    await expectJwtError(`${header}.${forge({ permissions: ['role:seller', 'read:bps'] })}`, 'invalid signature')
    await expectJwtError(`${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}`, 'invalid algorithm')
    await expectJwtError(`${header}.${forge({ iss: 'https://evil.example' })}`, 'Unknown issuer')
    await expectJwtError('not-a-jwt', 'Token malformed')
    await expectJwtError('', 'Token malformed')
    await expectJwtError('a.b.c.d', 'Token malformed')

    // A token signed with APP_KEY but not through a login is still refused: the session holds the signature.
    const minted = await new SignJWT({ ...claims, sub: 'cgomqacus0000000000000004' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(APP_KEY))
    await expectJwtError(minted.split('.').slice(0, 2).join('.'), 'invalid signature')
  })

  test('refuses an expired phone token: customers have no refresh', async () => {
    const customer = await loginAsCustomer(ctx.app, 'QaCarmen01', '5512345671')
    const claims = decodeJwt(`${customer.jar.get('session-token')}.x`)
    const expired = await new SignJWT({ ...claims, iat: 1_600_000_000, exp: 1_600_001_800 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(APP_KEY))
    // Plant the expired token's signature in a real session by logging in through the harness' store.
    const sessionId = customer.jar.get('session-id')!.slice(2).split('.')[0]!
    await ctx.app.gomAuth['deps'].sessions.set(sessionId, { csrfSecret: 'x', access_token_sign: expired.split('.')[2] }, 60)
    const jar = new CookieJar()
    for (const [name, value] of customer.jar.values) jar.values.set(name, value)
    jar.values.set('session-token', encodeURIComponent(expired.split('.').slice(0, 2).join('.')))
    const response = await graphql({ cookie: jar.header() }, 'GET')
    assert.equal(response.statusCode, 403)
    assert.deepEqual(response.json(), { statusCode: 403, message: 'jwt expired', error: 'jwt_error' })
  })

  test("the built-in provider's expired seller token is refreshed with the session's refresh token", async (t) => {
    const signedIn = await loginAsSeller(ctx.app, 'ana.lopez@gom.test')
    const builtIn = ctx.app.gomAuth.builtIn!
    const seller = { email: 'ana.lopez@gom.test', password: '', sub: U1, nickname: 'ana.lopez', name: 'Ana López' }
    // Tokens issued two days ago: the access token expired a day ago, the refresh token is valid.
    const now = Date.now()
    t.mock.method(Date, 'now', () => now - 2 * 86_400_000)
    const old = await builtIn['tokensFor'](seller, true)
    t.mock.restoreAll()
    const sessionId = signedIn.jar.get('session-id')!.slice(2).split('.')[0]!
    const store = ctx.app.gomAuth['deps'].sessions
    const data = (await store.get(sessionId))!
    await store.set(sessionId, { ...data, access_token_sign: old.access_token.split('.')[2], refresh_token: old.refresh_token }, 60)
    const jar = new CookieJar()
    for (const [name, value] of signedIn.jar.values) jar.values.set(name, value)
    jar.values.set('session-token', old.access_token.split('.').slice(0, 2).join('.'))
    const answer = await graphql(headersOf(jar))
    assert.equal(answer.statusCode, 200)
    assert.equal(answer.json().data.caller.sub, U1)
    jar.take(answer)
    assert.ok((decodeJwt(`${jar.get('session-token')}.x`).exp as number) > now / 1000, 'a fresh token in the cookie')
    assert.equal((await graphql(headersOf(jar))).statusCode, 200)
    // A forged refresh token in the session does not refresh.
    await store.set(sessionId, { ...data, access_token_sign: old.access_token.split('.')[2], refresh_token: 'forged' }, 60)
    jar.values.set('session-token', old.access_token.split('.').slice(0, 2).join('.'))
    const refused = await graphql(headersOf(jar))
    assert.deepEqual(refused.json(), { statusCode: 403, message: 'jwt expired', error: 'jwt_error' })
  })

  test('refuses malformed cookies: unsigned or badly signed session ids, junk, huge values', async () => {
    const signedIn = await loginAsSeller(ctx.app, 'ana.lopez@gom.test')
    const token = signedIn.jar.values.get('session-token')!
    const sessionId = signedIn.jar.get('session-id')!
    const bare = sessionId.slice(2).split('.')[0]!
    for (const session of [bare, `s:${bare}`, `s:${bare}.AAAA`, `${sessionId}x`, 's:', '%%%', 'x'.repeat(5000), `s:${bare}.${'A'.repeat(43)}`]) {
      const response = await graphql({ cookie: `session-id=${encodeURIComponent(session)}; session-token=${token}` }, 'GET')
      assert.equal(response.statusCode, 403, session)
      assert.equal(response.json().error, 'jwt_error')
    }
    for (const cookie of ['session-id', '=;=;=', 'session-id=; session-token=', `session-token=${'a'.repeat(3000)}`]) {
      const response = await graphql({ cookie }, 'GET')
      assert.equal(response.statusCode, 403, cookie)
    }
  })
})

describe('GET /auth/logout', () => {
  test('ends a signed-in session and clears every cookie', async () => {
    const signedIn = await loginAsSeller(ctx.app, 'beto.ruiz@gom.test')
    const response = await ctx.app.inject({ method: 'GET', url: '/auth/logout', headers: { cookie: signedIn.cookie } })
    assert.equal(response.statusCode, 200)
    assert.equal(response.body, '')
    for (const name of ['session-id', 'session-token', 'csrf-token']) assert.match(cookieLine(response, name)!, /Expires=Thu, 01 Jan 1970 00:00:00 GMT/, name)
    assert.equal((await graphql({ cookie: signedIn.cookie }, 'GET')).statusCode, 403, 'the session is gone')
    const again = await ctx.app.inject({ method: 'GET', url: '/auth/logout', headers: { cookie: signedIn.cookie } })
    assert.equal(again.statusCode, 204)
  })

  test('answers 204 when not signed in, and POST needs the CSRF header', async () => {
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/auth/logout' })).statusCode, 204)
    const signedIn = await loginAsSeller(ctx.app, 'ana.lopez@gom.test')
    const noCsrf = await ctx.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie: signedIn.cookie } })
    assert.equal(noCsrf.statusCode, 403)
    assert.equal(noCsrf.json().error, 'EBADCSRFTOKEN')
    const withCsrf = await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: signedIn.headers })
    assert.equal(withCsrf.statusCode, 200)
  })
})

describe('GET /auth/bp', () => {
  test("answers the phone's last 3 digits and the seller's business", async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/auth/bp?code=QaCarmen01' })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { phoneLast: '671', customerOf: 'Abarrotes Ana' })
    assert.deepEqual((await ctx.app.inject({ method: 'GET', url: '/api/auth/bp?code=QaFerHer04' })).json(), { phoneLast: '904', customerOf: 'Papelería Beto' })
  })

  test('answers 400 for an unknown code, a Bp without phone, and a missing code', async () => {
    for (const url of ['/auth/bp?code=NoSuchCode', '/auth/bp?code=QaNoPhone9']) {
      const response = await ctx.app.inject({ method: 'GET', url })
      assert.equal(response.statusCode, 400)
      assert.deepEqual(response.json(), { statusCode: 400, message: 'BP not found', error: 'Bad Request' })
    }
    for (const url of ['/auth/bp', '/auth/bp?code=', `/auth/bp?code=${'x'.repeat(100)}`, '/auth/bp?code=%00']) {
      const response = await ctx.app.inject({ method: 'GET', url })
      assert.equal(response.statusCode, 400, url)
      assert.equal(response.json().statusCode, 400)
    }
  })
})

describe('the built UI from the same origin (GOM_UI_DIR)', () => {
  test('serves the UI files at / while /api/* and the API paths keep answering', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'gom-ui-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Gom</title>')
    mkdirSync(join(dir, 'js'))
    writeFileSync(join(dir, 'js', 'app.js'), 'console.log(1)')
    const withUi = await startAuthHarness({ GOM_UI_DIR: dir })
    try {
      const index = await withUi.app.inject({ method: 'GET', url: '/' })
      assert.equal(index.statusCode, 200)
      assert.match(String(index.headers['content-type']), /text\/html/)
      assert.match(index.body, /<title>Gom<\/title>/)
      const script = await withUi.app.inject({ method: 'GET', url: '/js/app.js' })
      assert.equal(script.statusCode, 200)
      assert.equal(script.body, 'console.log(1)')
      assert.deepEqual((await withUi.app.inject({ method: 'GET', url: '/api/auth/ping' })).json(), { success: true })
      assert.equal((await withUi.app.inject({ method: 'GET', url: '/missing.js' })).statusCode, 404)
      assert.equal((await withUi.app.inject({ method: 'GET', url: '/../../etc/passwd' })).statusCode, 404)
    } finally {
      await withUi.close()
    }
  })

  test('is off by default', async () => {
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/' })).statusCode, 404)
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/api/health' })).statusCode, 200, 'the /api prefix reaches every route')
  })
})
