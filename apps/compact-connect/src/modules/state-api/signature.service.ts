import { createPublicKey, verify } from 'node:crypto'
import type { Database } from '@hearth/kernel'
import type { Caller } from '../../auth/index.ts'
import { accessDenied, unauthorized } from '../../errors.ts'
import { mayUploadLicenses } from '../../policies.ts'
import type { SignatureRepository } from './signature.repository.ts'

/** The parts of a request the signature covers (§2.7). */
export interface SignedRequest {
  method: string
  /** The path as sent, without the query string. */
  path: string
  /** The raw query string (after `?`), or '' */
  query: string
  headers: Readonly<Record<string, string | string[] | undefined>>
}

const RFC3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)

/** Canonical query: RFC 3986-encoded pairs sorted by key then value, `k=v` joined with `&` ('' when none). */
export function canonicalQuery(query: string): string {
  const pairs = [...new URLSearchParams(query)].map(([key, value]) => [RFC3986(key), RFC3986(value)] as const)
  pairs.sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1))
  return pairs.map(([key, value]) => `${key}=${value}`).join('&')
}

/** The string a state signs: method, path, canonical query, timestamp, nonce, key id, joined by newlines. */
export function stringToSign(request: Pick<SignedRequest, 'method' | 'path' | 'query'>, timestamp: string, nonce: string, keyId: string): string {
  return [request.method.toUpperCase(), request.path, canonicalQuery(request.query), timestamp, nonce, keyId].join('\n')
}

const header = (headers: SignedRequest['headers'], name: string): string | undefined => {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

const NONCE = /^[A-Za-z0-9-]{1,256}$/

/**
 * ECDSA P-256 / SHA-256 request signatures of the State API (§2.7): DER signature in base64, a ±skew timestamp
 * window and single-use nonces kept in the database (so a replay to another process is refused too).
 */
export class SignatureService {
  constructor(
    private readonly database: Database,
    private readonly repository: SignatureRepository,
    private readonly maxSkewSeconds: number,
  ) {}

  /**
   * `required`: the State API reads always need a signature; uploads only once a key is configured for the
   * compact/jurisdiction (optional signatures).
   */
  async verifyRequest(request: SignedRequest, compact: string, jurisdiction: string, mode: 'required' | 'optional', now: Date = new Date()): Promise<void> {
    const db = this.database.db
    const keyId = header(request.headers, 'x-key-id')
    if (mode === 'optional') {
      if (!(await this.repository.hasKeys(db, compact, jurisdiction))) return
      if (keyId === undefined || keyId === '') throw unauthorized('X-Key-Id header required when signature keys are configured')
    } else if (keyId === undefined || keyId === '') {
      throw unauthorized('Missing required X-Key-Id header')
    }
    const algorithm = header(request.headers, 'x-algorithm')
    const timestamp = header(request.headers, 'x-timestamp')
    const nonce = header(request.headers, 'x-nonce')
    const signature = header(request.headers, 'x-signature')
    for (const [name, value] of [
      ['X-Algorithm', algorithm],
      ['X-Timestamp', timestamp],
      ['X-Nonce', nonce],
      ['X-Signature', signature],
    ] as const) {
      if (value === undefined || value === '') throw unauthorized(`Missing required ${name} header`)
    }
    if (algorithm !== 'ECDSA-SHA256') throw unauthorized('Unsupported signature algorithm')
    const publicKeyPem = await this.repository.publicKey(db, compact, jurisdiction, keyId)
    if (publicKeyPem === undefined) throw unauthorized('Public key not found for this compact/jurisdiction/key-id')
    const moment = Date.parse(timestamp!)
    if (!/^\d{4}-\d{2}-\d{2}T/.test(timestamp!) || Number.isNaN(moment) || Math.abs(now.getTime() - moment) > this.maxSkewSeconds * 1000) {
      throw unauthorized('Request timestamp is too old or too far in the future')
    }
    if (!NONCE.test(nonce!)) throw unauthorized('Invalid X-Nonce header')
    let valid = false
    try {
      const key = createPublicKey(publicKeyPem)
      valid = verify('sha256', Buffer.from(stringToSign(request, timestamp!, nonce!, keyId)), { key, dsaEncoding: 'der' }, Buffer.from(signature!, 'base64'))
    } catch {
      valid = false
    }
    if (!valid) throw unauthorized('Invalid request signature')
    // Only a correctly signed request spends its nonce, so forgeries cannot burn a state's nonces.
    const fresh = await this.repository.useNonce(db, { compact, jurisdiction, nonce: nonce!, expiresAt: new Date(now.getTime() + 2 * this.maxSkewSeconds * 1000) })
    if (!fresh) throw unauthorized('Nonce has already been used')
    if (Math.random() < 0.01) await this.repository.deleteExpiredNonces(db, now)
  }

  /**
   * License uploads and the bulk-upload URL (§2.7, §3.1 "exact jurisdiction write"): `{j}/{c}.write`, and for state
   * app clients the optional signature. Staff tokens on these shared paths are never asked for a signature (§9.11).
   */
  async authorizeUpload(caller: Caller, compact: string, jurisdiction: string, request: SignedRequest): Promise<void> {
    if (caller.pool === 'provider' || !mayUploadLicenses(caller.scopes, compact, jurisdiction)) throw accessDenied()
    if (caller.pool === 'state') await this.verifyRequest(request, compact, jurisdiction, 'optional')
  }

  /** Registers (or replaces) a state's public key; the PEM must be an EC P-256 public key. */
  async putKey(compact: string, jurisdiction: string, keyId: string, publicKeyPem: string): Promise<void> {
    const key = createPublicKey(publicKeyPem)
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('signature keys must be ECDSA P-256 public keys')
    await this.repository.putKey(this.database.db, { compact, jurisdiction, keyId, publicKeyPem })
  }
}
