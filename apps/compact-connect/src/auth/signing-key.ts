import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs'
import { dirname } from 'node:path'
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose'

/**
 * The built-in identity service's RS256 signing key (what Cognito's user-pool keys are in the
 * original). Generated once and kept in `file` (under DATA_DIR), so tokens survive restarts and
 * every process of one deployment signs and verifies with the same key. The public half is
 * published as a JWKS; the app verifies its own tokens through the same JWKS path as an
 * external issuer's.
 */
export class SigningKey {
  private constructor(
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
  ) {}

  /**
   * A key given as configuration (`CC_IDENTITY_SIGNING_KEY`, PKCS#8 PEM of an RSA key): what several
   * hosts of one deployment share instead of a file; the `kid` is the key's JWK thumbprint.
   */
  static async fromPem(pem: string): Promise<SigningKey> {
    const privateObject = createPrivateKey(pem)
    if (privateObject.asymmetricKeyType !== 'rsa') throw new Error('CC_IDENTITY_SIGNING_KEY must be an RSA private key (RS256)')
    const privateJwk = privateObject.export({ format: 'jwk' }) as JWK
    const publicJwk = createPublicKey(privateObject).export({ format: 'jwk' }) as JWK
    const kid = await calculateJwkThumbprint(publicJwk)
    return new SigningKey(kid, (await importJWK({ ...privateJwk, alg: 'RS256' }, 'RS256')) as CryptoKey, { ...publicJwk, kid, alg: 'RS256', use: 'sig' })
  }

  /** The configured key, else the kept (or new) key file. */
  static forConfig(auth: { signingKeyPem: string | undefined; signingKeyFile: string }): Promise<SigningKey> {
    return auth.signingKeyPem !== undefined ? SigningKey.fromPem(auth.signingKeyPem) : SigningKey.open(auth.signingKeyFile)
  }

  static async open(file: string | undefined): Promise<SigningKey> {
    if (file && existsSync(file)) {
      const kept = JSON.parse(readFileSync(file, 'utf8')) as { kid: string; privateJwk: JWK; publicJwk: JWK }
      return new SigningKey(kept.kid, (await importJWK(kept.privateJwk, 'RS256')) as CryptoKey, kept.publicJwk)
    }
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 })
    const kid = randomBytes(10).toString('hex')
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
    if (file) {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, JSON.stringify({ kid, privateJwk: await exportJWK(privateKey), publicJwk }, null, 2))
      chmodSync(file, 0o600)
    }
    return new SigningKey(kid, privateKey, publicJwk)
  }

  jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] }
  }

  /** Signs `claims` as they are (the caller sets iss, iat, exp, …). */
  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' }).sign(this.privateKey)
  }
}
