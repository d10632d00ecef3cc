import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UnsecuredJWT } from 'jose'
import { createFirebaseVerifier, createFirebaseIdentity, DevelopmentIssuer, KeyStore, loadFirebaseIdentityConfig, TokenInvalidError } from '../src/identity/index.ts'
import { loadBaseConfig, ConfigError } from '../src/index.ts'
import { startKeyServer, type FakeKeyServer } from '../src/testing/key-server/index.ts'

const projectId = 'hearth-identity-test'
const reason = (expected: string) => (error: unknown) => error instanceof TokenInvalidError && error.reason === expected

for (const format of ['x509', 'jwks'] as const) {
  describe(`Firebase ID tokens against a key server publishing ${format}`, () => {
    let keys: FakeKeyServer
    before(async () => {
      keys = await startKeyServer({ projectId, format, maxAgeSeconds: 600 })
    })
    after(() => keys.close())
    const verifier = () => createFirebaseVerifier({ projectId, keys: { url: keys.url } })

    test('accepts a well-formed token and exposes uid and claims', async () => {
      const token = await keys.mint({ sub: 'abcd', email: 'a@example.org', email_verified: true })
      const decoded = await verifier()(token)
      assert.equal(decoded.uid, 'abcd')
      assert.equal(decoded.email_verified, true)
      assert.equal(decoded.aud, projectId)
    })

    test('rejects a token signed with a key the publisher does not list', async () => {
      await assert.rejects(verifier()(await keys.mint({ sub: 'abcd' }, { unpublished: true })), reason('unknown-kid'))
    })

    test('rejects a token whose signature does not match the listed kid', async () => {
      const stranger = await keys.mint({ sub: 'abcd' }, { unpublished: true })
      const listed = await keys.mint({ sub: 'abcd' })
      const forged = [listed.split('.')[0], stranger.split('.')[1], stranger.split('.')[2]].join('.')
      await assert.rejects(verifier()(forged), TokenInvalidError)
    })

    test('rejects a missing kid, a wrong issuer and a wrong audience', async () => {
      const verify = verifier()
      await assert.rejects(verify(await keys.mint({ sub: 'abcd' }, { kid: null })), reason('missing-kid'))
      await assert.rejects(verify(await keys.mint({ sub: 'abcd' }, { issuer: 'https://securetoken.google.com/other' })), reason('claim-iss'))
      await assert.rejects(verify(await keys.mint({ sub: 'abcd' }, { audience: 'other' })), reason('claim-aud'))
    })

    test('rejects expired tokens, tokens from the future and tokens without auth_time', async () => {
      const verify = verifier()
      const now = Math.floor(Date.now() / 1000)
      await assert.rejects(verify(await keys.mint({ sub: 'abcd' }, { issuedAt: now - 7200, expiresAt: now - 3600 })), reason('expired'))
      await assert.rejects(verify(await keys.mint({ sub: 'abcd' }, { issuedAt: now + 600 })), TokenInvalidError)
      await assert.rejects(verify(await keys.mint({ sub: 'abcd' }, { authTime: null })), reason('missing-auth-time'))
      await assert.rejects(verify(await keys.mint({ sub: 'abcd' }, { issuedAt: now, authTime: now + 600 })), reason('auth-time-in-future'))
    })

    test('rejects an empty or over-long subject', async () => {
      const verify = verifier()
      await assert.rejects(verify(await keys.mint({ sub: '' })), TokenInvalidError)
      await assert.rejects(verify(await keys.mint({ sub: 'x'.repeat(129) })), reason('bad-subject'))
    })

    test('rejects garbage, unsigned tokens and other algorithms', async () => {
      const verify = verifier()
      await assert.rejects(verify('not-a-token'), reason('malformed'))
      await assert.rejects(verify('a.b.c'), TokenInvalidError)
      const unsigned = new UnsecuredJWT({ sub: 'abcd', auth_time: 1 }).setIssuer(`https://securetoken.google.com/${projectId}`).setAudience(projectId).setIssuedAt().setExpirationTime('1h').encode()
      await assert.rejects(verify(unsigned), reason('wrong-algorithm'))
    })
  })
}

test('keys are cached for the max-age and refetched when a rotation brings an unknown kid', async () => {
  const keys = await startKeyServer({ projectId, format: 'x509', maxAgeSeconds: 600 })
  try {
    let clock = Date.now()
    const store = new KeyStore({ source: { url: keys.url }, now: () => clock, refetchCooldownSeconds: 30 })
    const verify = createFirebaseVerifier({ projectId, keys: store })
    await verify(await keys.mint({ sub: 'a' }))
    await verify(await keys.mint({ sub: 'b' }))
    assert.equal(keys.requests, 1, 'second verification is served from the cache')
    await keys.rotate()
    const rotated = await keys.mint({ sub: 'c' })
    clock += 31_000
    await verify(rotated)
    assert.equal(keys.requests, 2, 'an unknown kid refetches after the cooldown')
    await assert.rejects(verify(await keys.mint({ sub: 'd' }, { unpublished: true })), reason('unknown-kid'))
    assert.equal(keys.requests, 2, 'within the cooldown an unknown kid does not refetch')
    clock += 601_000
    await verify(await keys.mint({ sub: 'e' }))
    assert.equal(keys.requests, 3, 'an expired cache is refreshed')
  } finally {
    await keys.close()
  }
})

test('the emulator mode accepts unsigned tokens but still checks the claims', async () => {
  const verify = createFirebaseVerifier({ projectId, keys: { url: 'http://127.0.0.1:9/unused' }, emulator: true })
  const now = Math.floor(Date.now() / 1000)
  const unsigned = (aud: string) =>
    new UnsecuredJWT({ sub: 'emu', auth_time: now, email_verified: true })
      .setIssuer(`https://securetoken.google.com/${projectId}`)
      .setAudience(aud)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .encode()
  assert.equal((await verify(unsigned(projectId))).uid, 'emu')
  await assert.rejects(verify(unsigned('other')), TokenInvalidError)
})

test('the development issuer keeps its key and its tokens pass the same verifier', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-identity-'))
  const config = loadBaseConfig({ DATA_DIR: dataDir }, { app: 'identity-test', defaultPort: 0 })
  const identityConfig = loadFirebaseIdentityConfig({}, config)
  assert.equal(identityConfig.provider, 'development')
  const first = await createFirebaseIdentity(identityConfig)
  const token = await first.issuer!.mint({ sub: 'dev-user', email_verified: true })
  const again = await createFirebaseIdentity(identityConfig)
  assert.equal(again.issuer!.kid, first.issuer!.kid, 'the key pair is kept under DATA_DIR')
  assert.equal((await again.verify(token)).uid, 'dev-user')
  const stranger = await DevelopmentIssuer.open({ projectId: identityConfig.projectId })
  await assert.rejects(again.verify(await stranger.mint({ sub: 'dev-user' })), reason('unknown-kid'))
  const expired = await first.issuer!.mint({ sub: 'dev-user' }, { issuedAt: Math.floor(Date.now() / 1000) - 7200 })
  await assert.rejects(again.verify(expired), reason('expired'))
})

test('production refuses the development issuer and the emulator, and needs a project', () => {
  const production = loadBaseConfig({ HEARTH_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/db' }, { app: 'identity-test', defaultPort: 0 })
  assert.throws(() => loadFirebaseIdentityConfig({}, production), ConfigError)
  assert.throws(() => loadFirebaseIdentityConfig({ IDENTITY_PROVIDER: 'development' }, production), /IDENTITY_PROVIDER/)
  assert.throws(() => loadFirebaseIdentityConfig({ FIREBASE_PROJECT_ID: 'p', FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' }, production), /FIREBASE_AUTH_EMULATOR_HOST/)
  const ok = loadFirebaseIdentityConfig({ FIREBASE_PROJECT_ID: 'p' }, production)
  assert.equal(ok.provider, 'firebase')
  assert.match(ok.keysUrl, /securetoken@system\.gserviceaccount\.com/)
})
