// The production password grant against a fake Auth0 at the protocol level: its `/oauth/token`
// endpoint (password and refresh grants) here, and the kernel's JWKS publisher for the keys.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeJwt } from 'jose'
import { startJwksServer, type JwksServer } from '@hearth/kernel/testing'
import { SELLER_PERMISSIONS } from '../src/modules/auth/index.ts'
import { headersOf, loginAsSeller, ping } from './session.ts'
import { startAuthHarness, type AuthHarness } from './session-harness.ts'

const SUB = 'auth0|5d71aaaa0000000000000001'
type AccessMode = 'valid' | 'unknown-kid' | 'expired' | 'no-permissions'

class FakeAuth0 {
  readonly requests: Record<string, unknown>[] = []
  accessMode: AccessMode = 'valid'
  refreshAnswers: 'ok' | 'refuse' = 'ok'
  passwordStatus = 200
  private server!: Server

  constructor(private readonly jwks: JwksServer) {}

  get issuer() {
    return `${this.jwks.origin}/`
  }

  get tokenUrl() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/oauth/token`
  }

  async start() {
    this.server = createServer((request, response) => {
      let text = ''
      request.on('data', (chunk) => (text += chunk))
      request.on('end', () => {
        void this.answer(JSON.parse(text) as Record<string, string>).then(([status, body]) => {
          response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
        })
      })
    })
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
  }

  close() {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(resolve))
  }

  private async accessToken(mode: AccessMode) {
    const claims = { sub: SUB, gty: 'password', scope: 'openid offline_access', permissions: mode === 'no-permissions' ? undefined : [...SELLER_PERMISSIONS] }
    return this.jwks.sign(claims, { issuer: this.issuer, audience: 'https://gql.gom.com', unpublished: mode === 'unknown-kid', expiresAt: mode === 'expired' ? '-5m' : '1h' })
  }

  private async answer(body: Record<string, string>): Promise<[number, unknown]> {
    this.requests.push(body)
    if (body.client_id !== 'gom-client' || body.client_secret !== 'gom-secret') return [401, { error: 'access_denied', error_description: 'Unauthorized' }]
    if (body.grant_type === 'password') {
      if (this.passwordStatus !== 200) return [this.passwordStatus, { error: 'too_many_attempts', error_description: 'Your account has been blocked.' }]
      if (body.username !== 'seller@gom.test' || body.password !== 'right') return [403, { error: 'invalid_grant', error_description: 'Wrong email or password.' }]
      const idToken = await this.jwks.sign(
        { sub: SUB, nickname: 'seller', name: 'Seller One', email: 'seller@gom.test', picture: 'https://example.com/p.png' },
        { issuer: this.issuer, audience: 'gom-client' },
      )
      return [200, { access_token: await this.accessToken(this.accessMode), id_token: idToken, refresh_token: 'refresh-1', token_type: 'Bearer', expires_in: 86400 }]
    }
    if (body.grant_type === 'refresh_token') {
      if (this.refreshAnswers === 'refuse' || body.refresh_token !== 'refresh-1') return [403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }]
      return [200, { access_token: await this.accessToken('valid'), id_token: 'ignored', token_type: 'Bearer', expires_in: 86400 }]
    }
    return [400, { error: 'unsupported_grant_type' }]
  }
}

let jwks: JwksServer
let auth0: FakeAuth0
let ctx: AuthHarness
before(async () => {
  jwks = await startJwksServer({ audience: 'https://gql.gom.com' })
  auth0 = new FakeAuth0(jwks)
  await auth0.start()
  ctx = await startAuthHarness({
    AUTH0_CLIENT_ID: 'gom-client',
    AUTH0_CLIENT_SECRET: 'gom-secret',
    AUTH0_ISSUER: auth0.issuer,
    AUTH0_TOKEN_URL: auth0.tokenUrl,
    AUTH0_JWKS_URL: jwks.url,
  })
})
after(async () => {
  await ctx?.close()
  await auth0?.close()
  await jwks?.close()
})

const login = (password = 'right') => loginAsSeller(ctx.app, 'seller@gom.test', password)
const graphql = (headers: Record<string, string>) => ctx.app.inject({ method: 'POST', url: '/graphql', headers, payload: { query: '{ __typename }' } })

describe('the password grant against Auth0', () => {
  test('signs a seller in; the token verifies against the JWKS; the built-in provider is off', async () => {
    auth0.accessMode = 'valid'
    const signedIn = await login()
    assert.deepEqual(signedIn.profile, { nickname: 'seller', name: 'Seller One', picture: 'https://example.com/p.png', email: 'seller@gom.test', sub: SUB })
    const request = auth0.requests.at(-1)!
    assert.deepEqual(request, {
      username: 'seller@gom.test',
      password: 'right',
      grant_type: 'password',
      client_id: 'gom-client',
      client_secret: 'gom-secret',
      audience: 'https://gql.gom.com',
      scope: 'openid offline_access',
    })
    const answer = await graphql(signedIn.headers)
    assert.equal(answer.statusCode, 200)
    assert.equal(answer.json().data.caller.sub, SUB)
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/dev/identity/jwks.json' })).statusCode, 404)
  })

  test("passes Auth0's refusal through: 403 invalid_grant, and other statuses unchanged", async () => {
    const jar = await ping(ctx.app)
    const wrong = await ctx.app.inject({ method: 'POST', url: '/auth/login', headers: headersOf(jar), payload: { grantType: 'password', username: 'seller@gom.test', password: 'wrong' } })
    assert.equal(wrong.statusCode, 403)
    assert.deepEqual(wrong.json(), { statusCode: 403, message: 'Wrong email or password.', error: 'invalid_grant' })
    auth0.passwordStatus = 429
    try {
      const blocked = await ctx.app.inject({ method: 'POST', url: '/auth/login', headers: headersOf(jar), payload: { grantType: 'password', username: 'seller@gom.test', password: 'right' } })
      assert.equal(blocked.statusCode, 429)
      assert.deepEqual(blocked.json(), { statusCode: 429, message: 'Your account has been blocked.', error: 'too_many_attempts' })
    } finally {
      auth0.passwordStatus = 200
    }
  })

  test('an unknown kid is a 403 jwt_error, never a crash', async () => {
    auth0.accessMode = 'unknown-kid'
    try {
      const signedIn = await login()
      const before = jwks.requests
      const answer = await graphql(signedIn.headers)
      assert.equal(answer.statusCode, 403)
      assert.deepEqual(answer.json(), { statusCode: 403, message: 'invalid signature: unknown signing key', error: 'jwt_error' })
      assert.ok(jwks.requests >= before, 'the key set was consulted')
      // The server is fine: a good session still works.
      auth0.accessMode = 'valid'
      assert.equal((await graphql((await login()).headers)).statusCode, 200)
    } finally {
      auth0.accessMode = 'valid'
    }
  })

  test('a token without permissions is refused (403 jwt_error)', async () => {
    auth0.accessMode = 'no-permissions'
    try {
      const answer = await graphql((await login()).headers)
      assert.equal(answer.statusCode, 403)
      assert.deepEqual(answer.json(), { statusCode: 403, message: 'Token without permissions', error: 'jwt_error' })
    } finally {
      auth0.accessMode = 'valid'
    }
  })

  test('an expired token is refreshed (with the client secret), verified, and its cookie replaced', async () => {
    auth0.accessMode = 'expired'
    try {
      const signedIn = await login()
      const expiredToken = signedIn.jar.get('session-token')!
      const answer = await graphql(signedIn.headers)
      assert.equal(answer.statusCode, 200)
      assert.equal(answer.json().data.caller.sub, SUB)
      assert.deepEqual(auth0.requests.at(-1), { grant_type: 'refresh_token', client_id: 'gom-client', client_secret: 'gom-secret', refresh_token: 'refresh-1' })
      signedIn.jar.take(answer)
      const fresh = signedIn.jar.get('session-token')!
      assert.notEqual(fresh, expiredToken)
      assert.ok((decodeJwt(`${fresh}.x`).exp as number) > Date.now() / 1000)
      const count = auth0.requests.length
      assert.equal((await graphql(headersOf(signedIn.jar))).statusCode, 200)
      assert.equal(auth0.requests.length, count, 'no second refresh')
    } finally {
      auth0.accessMode = 'valid'
    }
  })

  test('a refused refresh answers with the original error', async () => {
    auth0.accessMode = 'expired'
    auth0.refreshAnswers = 'refuse'
    try {
      const answer = await graphql((await login()).headers)
      assert.equal(answer.statusCode, 403)
      assert.deepEqual(answer.json(), { statusCode: 403, message: 'jwt expired', error: 'jwt_error' })
    } finally {
      auth0.accessMode = 'valid'
      auth0.refreshAnswers = 'ok'
    }
  })
})

describe('Auth0 unreachable', () => {
  test('the login answers 500 oauth_service_error', async () => {
    const down = await startAuthHarness({
      AUTH0_CLIENT_ID: 'gom-client',
      AUTH0_CLIENT_SECRET: 'gom-secret',
      AUTH0_ISSUER: auth0.issuer,
      AUTH0_TOKEN_URL: 'http://127.0.0.1:9/oauth/token',
      AUTH0_JWKS_URL: jwks.url,
    })
    try {
      const jar = await ping(down.app)
      const response = await down.app.inject({ method: 'POST', url: '/auth/login', headers: headersOf(jar), payload: { grantType: 'password', username: 'seller@gom.test', password: 'right' } })
      assert.equal(response.statusCode, 500)
      assert.deepEqual(response.json(), { statusCode: 500, message: 'Oauth service not available', error: 'oauth_service_error' })
    } finally {
      await down.close()
    }
  })

  test("the JWKS unreachable is a 503, not the caller's fault", async () => {
    const deadJwks = await startJwksServer({ audience: 'https://gql.gom.com' })
    const url = deadJwks.url
    await deadJwks.close()
    const app = await startAuthHarness({ AUTH0_CLIENT_ID: 'gom-client', AUTH0_CLIENT_SECRET: 'gom-secret', AUTH0_ISSUER: auth0.issuer, AUTH0_TOKEN_URL: auth0.tokenUrl, AUTH0_JWKS_URL: url })
    try {
      const signedIn = await loginAsSeller(app.app, 'seller@gom.test', 'right')
      const answer = await app.app.inject({ method: 'POST', url: '/graphql', headers: signedIn.headers, payload: { query: '{ __typename }' } })
      assert.equal(answer.statusCode, 503)
      assert.equal(answer.json().statusCode, 503)
    } finally {
      await app.close()
    }
  })
})
