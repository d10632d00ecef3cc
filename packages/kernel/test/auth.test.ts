import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { SignJWT, importPKCS8 } from 'jose'
import { createJwtVerifier, signHs256, TokenInvalidError, type JwtVerifier } from '../src/auth/index.ts'
import { startJwksServer, type JwksServer } from '../src/testing/index.ts'

const secret = 'a-test-secret-that-is-long-enough-for-hs256'
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Asserts the verifier refuses the token with TokenInvalidError (and nothing else); returns the reason. */
async function refused(verify: JwtVerifier, token: string): Promise<string> {
  let reason = ''
  await assert.rejects(verify(token), (error: unknown) => {
    assert.ok(error instanceof TokenInvalidError, `expected TokenInvalidError, got ${String(error)}`)
    reason = error.reason
    return true
  })
  return reason
}

describe('HS256', () => {
  const verify = createJwtVerifier({ key: { kind: 'secret', secret }, algorithms: ['HS256'], issuer: 'hearth', audience: 'devmarkt' })

  test('a token signed with the secret, issuer and audience verifies', async () => {
    const token = await signHs256({ sub: '42', iss: 'hearth', aud: 'devmarkt' }, secret, { expiresIn: '5m' })
    const claims = await verify(token)
    assert.equal(claims.sub, '42')
  })

  test('another secret, another issuer, another audience, an expired token: all refused', async () => {
    assert.equal(await refused(verify, await signHs256({ iss: 'hearth', aud: 'devmarkt' }, 'some-other-secret-of-decent-length!')), 'bad-signature')
    assert.equal(await refused(verify, await signHs256({ iss: 'evil', aud: 'devmarkt' }, secret)), 'claim-iss')
    assert.equal(await refused(verify, await signHs256({ iss: 'hearth', aud: 'raise' }, secret)), 'claim-aud')
    const expired = await signHs256({ iss: 'hearth', aud: 'devmarkt', exp: Math.floor(Date.now() / 1000) - 60 }, secret)
    assert.equal(await refused(verify, expired), 'expired')
  })

  test('an unsigned token (alg none) is refused', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: '1', iss: 'hearth', aud: 'devmarkt' })}.`
    await refused(verify, unsigned)
  })

  test('HS512 is refused when only HS256 is pinned', async () => {
    const token = await new SignJWT({ iss: 'hearth', aud: 'devmarkt' }).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(secret))
    assert.equal(await refused(verify, token), 'wrong-algorithm')
  })

  test('garbage is refused as malformed, never thrown as something else', async () => {
    for (const garbage of ['', 'not-a-token', 'a.b.c', `${base64url({ alg: 'HS256' })}.!!!.x`]) assert.notEqual(await refused(verify, garbage), 'keys-unreachable')
  })

  test('required claims and the maximum token age are enforced', async () => {
    const strict = createJwtVerifier({ key: { kind: 'secret', secret }, algorithms: ['HS256'], requiredClaims: ['sub', 'exp'], maxTokenAgeSeconds: 60 })
    assert.equal(await refused(strict, await signHs256({ sub: '1' }, secret)), 'claim-iat')
    const old = await signHs256({ sub: '1', iat: Math.floor(Date.now() / 1000) - 3600 }, secret, { expiresIn: '2h' })
    assert.equal(await refused(strict, old), 'expired')
    await strict(await signHs256({ sub: '1', iat: Math.floor(Date.now() / 1000) }, secret, { expiresIn: '2h' }))
  })
})

describe('RS256 with a public key, and HS/RS confusion', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string
  const verify = createJwtVerifier({ key: { kind: 'key', key: createPublicKey(publicPem) }, algorithms: ['RS256'], issuer: 'idp' })

  test('a token signed with the private key verifies', async () => {
    const key = await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'RS256')
    const token = await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'RS256' }).setIssuer('idp').setExpirationTime('5m').sign(key)
    assert.equal((await verify(token)).sub, 'u1')
  })

  test('an HS256 token keyed with the public key (the classic confusion attack) is refused', async () => {
    const forged = await new SignJWT({ sub: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('idp').sign(new TextEncoder().encode(publicPem))
    assert.equal(await refused(verify, forged), 'wrong-algorithm')
  })

  test('a verifier cannot be built that mixes HS and public-key algorithms, or a secret with RS', () => {
    assert.throws(() => createJwtVerifier({ key: { kind: 'key', key: createPublicKey(publicPem) }, algorithms: ['RS256', 'HS256'] }), /key confusion/)
    assert.throws(() => createJwtVerifier({ key: { kind: 'secret', secret }, algorithms: ['RS256'] }), /only verifies HS/)
    assert.throws(() => createJwtVerifier({ key: { kind: 'secret', secret }, algorithms: [] }), /pin at least one/)
  })
})

describe('JWKS fetched from a local identity provider', () => {
  let provider: JwksServer
  let verify: JwtVerifier

  before(async () => {
    provider = await startJwksServer({ algorithms: ['RS256', 'ES256'], audience: 'hearth-api' })
    verify = createJwtVerifier({
      key: { kind: 'jwks', url: provider.url, cooldownMs: 0 },
      algorithms: ['RS256', 'ES256'],
      issuer: provider.issuer,
      audience: 'hearth-api',
    })
  })
  after(() => provider.close())

  test('RS256 and ES256 tokens verify against keys fetched over HTTP', async () => {
    assert.equal((await verify(await provider.sign({ sub: 'rs' }, { alg: 'RS256' }))).sub, 'rs')
    assert.equal((await verify(await provider.sign({ sub: 'es' }, { alg: 'ES256' }))).sub, 'es')
    assert.ok(provider.requests >= 1)
  })

  test('the discovery document points at the key set', async () => {
    const discovery = (await (await fetch(`${provider.origin}/.well-known/openid-configuration`)).json()) as { jwks_uri: string; issuer: string }
    assert.equal(discovery.jwks_uri, provider.url)
    assert.equal(discovery.issuer, provider.issuer)
  })

  test('a token signed by a key the provider does not publish is refused', async () => {
    await refused(verify, await provider.sign({ sub: 'x' }, { unpublished: true }))
    await refused(verify, await provider.sign({ sub: 'x' }, { unpublished: true, kid: null }))
  })

  test('issuer, audience and expiry are pinned', async () => {
    assert.equal(await refused(verify, await provider.sign({ sub: 'x' }, { issuer: 'https://evil.example' })), 'claim-iss')
    assert.equal(await refused(verify, await provider.sign({ sub: 'x' }, { audience: 'another-api' })), 'claim-aud')
    assert.equal(await refused(verify, await provider.sign({ sub: 'x' }, { expiresAt: Math.floor(Date.now() / 1000) - 10 })), 'expired')
  })

  test('an algorithm not pinned is refused even when the provider publishes it', async () => {
    const rsOnly = createJwtVerifier({ key: { kind: 'jwks', url: provider.url }, algorithms: ['RS256'], issuer: provider.issuer, audience: 'hearth-api' })
    await rsOnly(await provider.sign({ sub: 'ok' }, { alg: 'RS256' }))
    assert.equal(await refused(rsOnly, await provider.sign({ sub: 'x' }, { alg: 'ES256' })), 'wrong-algorithm')
  })

  test('after a key rotation new tokens verify and tokens of the retired key do not', async () => {
    const before = await provider.sign({ sub: 'old' })
    await verify(before)
    const fetchesBefore = provider.requests
    await provider.rotate()
    assert.equal((await verify(await provider.sign({ sub: 'new' }))).sub, 'new')
    assert.ok(provider.requests > fetchesBefore, 'the key set was fetched again for the unknown kid')
    await refused(verify, before)
  })

  test('an unreachable key set is a refusal, not a crash', async () => {
    const nowhere = await startJwksServer()
    const url = nowhere.url
    await nowhere.close()
    const verifyNowhere = createJwtVerifier({ key: { kind: 'jwks', url }, algorithms: ['RS256'] })
    assert.equal(await refused(verifyNowhere, await provider.sign({ sub: 'x' })), 'keys-unreachable')
  })
})
