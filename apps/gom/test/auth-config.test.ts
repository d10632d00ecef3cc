import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadBaseConfig } from '@hearth/kernel'
import { loadAuthConfig } from '../src/modules/auth/auth.config.ts'
import { gomServerOptions, withoutApiPrefix } from '../src/modules/auth/http-options.ts'

const base = (env: Record<string, string>) => loadBaseConfig(env, { app: 'gom', defaultPort: 8002 })
const production = { HEARTH_ENV: 'production', SEED: 'none', DATABASE_URL: 'postgres://db/gom' }

test('development and QA: the built-in provider, the original development cookie profile, no trusted proxy', () => {
  const auth = loadAuthConfig({}, base({}))
  assert.equal(auth.auth0, undefined)
  assert.deepEqual(auth.cookies.session, { maxAgeSeconds: 3600, httpOnly: true, secure: false })
  assert.deepEqual(auth.cookies.accessToken, { maxAgeSeconds: 3600, httpOnly: false, sameSite: 'lax', secure: true })
  assert.deepEqual(auth.cookies.csrf, { httpOnly: false, sameSite: 'lax', secure: true })
  assert.deepEqual(auth.limiter, {
    slowBrute: { points: 50, durationSeconds: 86_400, blockDurationSeconds: 86_400 },
    consecutiveFails: { points: 5, durationSeconds: 7_776_000, blockDurationSeconds: 3600 },
  })
  assert.deepEqual(auth.trustProxy, [])
  assert.equal(gomServerOptions(auth).trustProxy, false)
  assert.equal(auth.localTokenSeconds, 1800)
  assert.equal(auth.redisPrefix, 'gom:')
})

test('production needs Auth0, and uses the production cookie profile (60 days, Secure, SameSite=Lax)', () => {
  assert.throws(() => loadAuthConfig(production, base(production)), /AUTH0_CLIENT_ID: is required in production/)
  assert.throws(() => loadAuthConfig({ ...production, AUTH0_CLIENT_ID: 'id' }, base(production)), /AUTH0_CLIENT_SECRET: is required/)
  const env = { ...production, AUTH0_CLIENT_ID: 'id', AUTH0_CLIENT_SECRET: 'secret', AUTH0_ISSUER: 'https://stage-gom.auth0.com', GOM_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }
  const auth = loadAuthConfig(env, base(env))
  assert.deepEqual(auth.auth0, {
    clientId: 'id',
    clientSecret: 'secret',
    issuer: 'https://stage-gom.auth0.com/',
    tokenUrl: 'https://stage-gom.auth0.com/oauth/token',
    jwksUrl: 'https://stage-gom.auth0.com/.well-known/jwks.json',
    audience: 'https://gql.gom.com',
    scope: 'openid offline_access',
  })
  assert.deepEqual(auth.cookies.session, { maxAgeSeconds: 60 * 86_400, httpOnly: true, secure: true, sameSite: 'lax' })
  assert.equal(auth.cookies.accessToken.maxAgeSeconds, 60 * 86_400)
  assert.deepEqual(gomServerOptions(auth).trustProxy, ['10.0.0.0/8', '127.0.0.1'])
})

test('GOM_UI_DIR must be a directory', () => {
  assert.throws(() => loadAuthConfig({ GOM_UI_DIR: '/no/such/dir' }, base({})), /GOM_UI_DIR: is not a directory/)
})

test('the /api prefix is removed, anything else is left alone', () => {
  assert.equal(withoutApiPrefix('/api/graphql'), '/graphql')
  assert.equal(withoutApiPrefix('/api/auth/bp?code=x'), '/auth/bp?code=x')
  assert.equal(withoutApiPrefix('/api'), '/')
  assert.equal(withoutApiPrefix('/api?x=1'), '/?x=1')
  assert.equal(withoutApiPrefix('/apix/graphql'), '/apix/graphql')
  assert.equal(withoutApiPrefix('/graphql'), '/graphql')
  assert.equal(withoutApiPrefix('/api/api/graphql'), '/api/graphql')
})
