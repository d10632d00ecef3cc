import { compactVerify, SignJWT } from 'jose'
import type { KeyObject } from 'node:crypto'
import { createJwtVerifier, errors, TokenInvalidError, type JwtVerifier } from '@hearth/kernel'

/** Who is calling, from a verified access token. */
export interface Caller {
  subject: string
  groups: string[]
  iat: number
  exp: number
}

export const ACCESS_TOKEN_SECONDS = 3600
export const REFRESH_TOKEN_SECONDS = 8 * 3600
export const SCHEDULER_TOKEN_SECONDS = 60

export interface TokenServiceOptions {
  privateKey: KeyObject
  publicKey: KeyObject
  requireIssuedAtAfter: number | undefined
  now?: () => number
}

const nowSeconds = () => Math.floor(Date.now() / 1000)
const TOO_OLD = 'Your token is too old. Try logging out and in again.'

/**
 * ES256 tokens with the original's claims: access `{subject, groups, iat, exp = iat + 1 h}`,
 * refresh `{subject, iat, exp = iat + 8 h}`, scheduler `{subject: "scheduler", groups: [], 60 s}`.
 * No kid, iss or aud, as the original.
 */
export class TokenService {
  private readonly now: () => number
  private readonly verifier: JwtVerifier

  constructor(private readonly options: TokenServiceOptions) {
    this.now = options.now ?? nowSeconds
    this.verifier = createJwtVerifier({ key: { kind: 'key', key: options.publicKey }, algorithms: ['ES256'] })
  }

  signAccessToken(subject: string, groups: string[], lifetime = ACCESS_TOKEN_SECONDS) {
    return this.sign({ subject, groups }, lifetime)
  }

  signRefreshToken(subject: string) {
    return this.sign({ subject }, REFRESH_TOKEN_SECONDS)
  }

  signSchedulerToken() {
    return this.sign({ subject: 'scheduler', groups: [] }, SCHEDULER_TOKEN_SECONDS)
  }

  /** Verifies an access token: 401 for a bad or expired one, 400 for a malformed payload. */
  async verifyAccessToken(token: string): Promise<Caller> {
    let payload: Record<string, unknown>
    try {
      payload = await this.verifier(token)
    } catch (error) {
      if (error instanceof TokenInvalidError && error.reason === 'expired') throw errors.unauthorized('Token expired')
      if (error instanceof TokenInvalidError) throw errors.unauthorized('Invalid token')
      throw error
    }
    const { subject, groups, iat, exp } = payload
    if (typeof subject !== 'string' || !Array.isArray(groups) || !groups.every((group) => typeof group === 'string') || typeof iat !== 'number' || typeof exp !== 'number') {
      throw errors.badRequest('Token payload malformed')
    }
    this.checkIssuedAt(iat)
    return { subject, groups: groups as string[], iat, exp }
  }

  /** The signature is checked first while ignoring expiry; then the shape, expiry and revocation. */
  async verifyRefreshToken(token: string): Promise<{ subject: string; iat: number; exp: number }> {
    let payload: Record<string, unknown>
    try {
      const result = await compactVerify(token, this.options.publicKey, { algorithms: ['ES256'] })
      payload = JSON.parse(new TextDecoder().decode(result.payload))
    } catch {
      throw errors.forbidden('Bad signature on refresh token')
    }
    const { subject, iat, exp } = payload
    if (typeof subject !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') throw errors.badRequest('Invalid refresh token payload shape')
    if (exp < this.now()) throw errors.forbidden('Refresh token has expired. Try logging out and in again.')
    this.checkIssuedAt(iat)
    return { subject, iat, exp }
  }

  private async sign(payload: Record<string, unknown>, lifetime: number) {
    const iat = this.now()
    const exp = iat + lifetime
    const value = await new SignJWT({ ...payload, iat, exp }).setProtectedHeader({ alg: 'ES256', typ: 'JWT' }).sign(this.options.privateKey)
    return { value, expiresAt: exp }
  }

  private checkIssuedAt(iat: number) {
    if (this.options.requireIssuedAtAfter !== undefined && iat < this.options.requireIssuedAtAfter) throw errors.forbidden(TOO_OLD)
  }
}
