import { createRemoteJWKSet, createLocalJWKSet, jwtVerify, SignJWT, errors as joseErrors, type JWTPayload, type JSONWebKeySet, type CryptoKey, type KeyObject } from 'jose'

export type { JWTPayload } from 'jose'

export type VerificationKey =
  { kind: 'secret'; secret: string | Uint8Array } | { kind: 'key'; key: CryptoKey | KeyObject } | { kind: 'jwks'; url: string; cooldownMs?: number } | { kind: 'jwks-local'; jwks: JSONWebKeySet }

export interface JwtVerifierOptions {
  key: VerificationKey
  /** The algorithms accepted; pinned so a token cannot pick its own (no `none`, no HS/RS confusion). */
  algorithms: string[]
  issuer?: string | string[]
  audience?: string | string[]
  /** Claims that must be present (beyond those pinned above). */
  requiredClaims?: string[]
  /** Seconds of clock skew tolerated on exp/nbf/iat. */
  clockToleranceSeconds?: number
  /** Reject tokens older than this (uses `iat`). */
  maxTokenAgeSeconds?: number
}

export class TokenInvalidError extends Error {
  constructor(readonly reason: string) {
    super(`invalid token: ${reason}`)
    this.name = 'TokenInvalidError'
  }
}

/**
 * A token library's failure code in the kernel's own words (`TokenInvalidError.reason` may reach a
 * client, e.g. Send A Hug's "Your token is invalid. Error: …"; a library's codes never should).
 */
export function tokenFailureReason(code: string): string {
  switch (code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad-signature'
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown-kid'
    case 'ERR_JWKS_TIMEOUT':
      return 'keys-unreachable'
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'wrong-algorithm'
    case 'ERR_JWT_EXPIRED':
      return 'expired'
    default:
      return 'malformed'
  }
}

export type JwtVerifier = (token: string) => Promise<JWTPayload>

/**
 * A verifier with the algorithm, issuer, audience and expiry pinned. It throws TokenInvalidError
 * (never anything else) for a token that does not pass, so callers map one error to 401.
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const { key } = options
  if (options.algorithms.length === 0) throw new Error('createJwtVerifier: pin at least one algorithm')
  const symmetric = options.algorithms.every((alg) => alg.startsWith('HS'))
  const asymmetric = options.algorithms.every((alg) => !alg.startsWith('HS'))
  if (!symmetric && !asymmetric) throw new Error('createJwtVerifier: mixing HS and public-key algorithms invites key confusion')
  if (key.kind === 'secret' && !symmetric) throw new Error('createJwtVerifier: a shared secret only verifies HS algorithms')
  const secret = key.kind === 'secret' ? (typeof key.secret === 'string' ? new TextEncoder().encode(key.secret) : key.secret) : undefined
  const keySource = key.kind === 'jwks' ? createRemoteJWKSet(new URL(key.url), { cooldownDuration: key.cooldownMs ?? 30_000 }) : key.kind === 'jwks-local' ? createLocalJWKSet(key.jwks) : undefined
  const verifyOptions = {
    algorithms: options.algorithms,
    issuer: options.issuer,
    audience: options.audience,
    requiredClaims: options.requiredClaims,
    clockTolerance: options.clockToleranceSeconds ?? 0,
    maxTokenAge: options.maxTokenAgeSeconds,
  }
  return async (token) => {
    try {
      const result = secret
        ? await jwtVerify(token, secret, verifyOptions)
        : keySource
          ? await jwtVerify(token, keySource, verifyOptions)
          : await jwtVerify(token, (key as { key: CryptoKey | KeyObject }).key, verifyOptions)
      return result.payload
    } catch (error) {
      if (error instanceof joseErrors.JWTClaimValidationFailed && !(error instanceof joseErrors.JWTExpired)) throw new TokenInvalidError(`claim-${error.claim}`)
      if (error instanceof joseErrors.JOSEError) throw new TokenInvalidError(tokenFailureReason(error.code))
      // fetch() reports an unreachable key set as a TypeError too; say so rather than blame the token.
      if (error instanceof TypeError) throw new TokenInvalidError(error.message === 'fetch failed' ? 'keys-unreachable' : 'malformed')
      throw error
    }
  }
}

/** Signs an HS256 token; for tests, development banners and apps that issue their own tokens. */
export async function signHs256(claims: JWTPayload, secret: string, options: { expiresIn?: string | number } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn)
  return jwt.sign(new TextEncoder().encode(secret))
}
