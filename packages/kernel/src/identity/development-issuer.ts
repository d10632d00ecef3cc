import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs'
import { dirname } from 'node:path'
import { randomBytes } from 'node:crypto'
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JSONWebKeySet, type CryptoKey } from 'jose'
import { firebaseIssuer } from './firebase.ts'
import type { KeyDocument } from './keys.ts'

export interface MintOptions {
  /** Lifetime in seconds (Firebase ID tokens live one hour). */
  expiresInSeconds?: number
  /** Override `iat`/`auth_time` (seconds since epoch), e.g. to mint an already expired token in a test. */
  issuedAt?: number
}

/**
 * A stand-in for Firebase Auth in development and QA: an RS256 key pair (generated once and kept in
 * `file`, so tokens survive restarts) that mints tokens shaped like Firebase ID tokens — issuer
 * `https://securetoken.google.com/<project>`, audience `<project>`, `kid` in the header — and
 * publishes its public key as a JWKS. Apps verify these tokens with the very same
 * `createFirebaseVerifier`, reading the keys from `keyDocument()` instead of Google.
 */
export class DevelopmentIssuer {
  private constructor(
    readonly projectId: string,
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
  ) {}

  /** Loads the key pair from `file`, or generates it (and writes it there) when `file` is missing. */
  static async open(options: { projectId: string; file?: string }): Promise<DevelopmentIssuer> {
    const { file } = options
    if (file && existsSync(file)) {
      const kept = JSON.parse(readFileSync(file, 'utf8')) as { kid: string; privateJwk: JWK; publicJwk: JWK }
      const privateKey = (await importJWK(kept.privateJwk, 'RS256')) as CryptoKey
      return new DevelopmentIssuer(options.projectId, kept.kid, privateKey, kept.publicJwk)
    }
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 })
    const kid = randomBytes(10).toString('hex')
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
    if (file) {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, JSON.stringify({ kid, privateJwk: await exportJWK(privateKey), publicJwk }, null, 2))
      chmodSync(file, 0o600)
    }
    return new DevelopmentIssuer(options.projectId, kid, privateKey, publicJwk)
  }

  /** The public key as a JWKS (what `/…/jwks.json` serves). */
  jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] }
  }

  keyDocument(): KeyDocument {
    return this.jwks() as KeyDocument
  }

  /**
   * A token as Firebase would issue it for `sub`. Extra claims (`email`, `email_verified`, …) are
   * copied in; `iss`, `aud`, `iat`, `exp` and `auth_time` are always the issuer's.
   */
  async mint(claims: Record<string, unknown> & { sub: string }, options: MintOptions = {}): Promise<string> {
    const issuedAt = options.issuedAt ?? Math.floor(Date.now() / 1000)
    const { sub, iss: _iss, aud: _aud, iat: _iat, exp: _exp, ...extra } = claims
    return new SignJWT({
      auth_time: issuedAt,
      user_id: sub,
      firebase: { identities: {}, sign_in_provider: 'custom' },
      ...extra,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(firebaseIssuer(this.projectId))
      .setAudience(this.projectId)
      .setSubject(sub)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + (options.expiresInSeconds ?? 3600))
      .sign(this.privateKey)
  }
}
