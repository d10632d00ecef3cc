import { jwtVerify, UnsecuredJWT, decodeProtectedHeader, errors as joseErrors, type JWTPayload, type CryptoKey, type JWTHeaderParameters } from 'jose'
import { TokenInvalidError, tokenFailureReason } from '../auth/jwt.ts'
import { KeyStore, type KeySource } from './keys.ts'

/** The x509 certificates firebase-admin verifies ID tokens with. */
export const GOOGLE_SECURETOKEN_CERTS_URL = 'https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com'
/** The same keys as a JWKS. */
export const GOOGLE_SECURETOKEN_JWKS_URL = 'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com'

export const firebaseIssuer = (projectId: string) => `https://securetoken.google.com/${projectId}`

/** A verified Firebase ID token: `uid` is `sub`; the rest are the token's claims. */
export interface FirebaseToken extends JWTPayload {
  uid: string
  sub: string
  iss: string
  aud: string
  iat: number
  exp: number
  auth_time: number
  email?: string
  email_verified?: boolean
}

export interface FirebaseVerifierOptions {
  projectId: string
  /** Where the signing keys come from (ignored in emulator mode). */
  keys: KeySource | KeyStore
  /**
   * Accept the Firebase Auth emulator's unsigned tokens (`alg: none`), as firebase-admin does when
   * `FIREBASE_AUTH_EMULATOR_HOST` is set. Never in production (the config refuses it).
   */
  emulator?: boolean
  /** Clock skew tolerated on exp/iat/auth_time; firebase-admin tolerates none. */
  clockToleranceSeconds?: number
  now?: () => number
}

export type FirebaseVerifier = (token: string) => Promise<FirebaseToken>

/**
 * Verifies Firebase ID tokens the way firebase-admin's `verifyIdToken` does: RS256 only, a `kid`
 * that the publisher currently lists, issuer `https://securetoken.google.com/<project>`, audience
 * `<project>`, `exp` in the future, `iat` and `auth_time` in the past, `sub` a non-empty string of
 * at most 128 characters. Throws `TokenInvalidError` (reason `expired` for an expired token) and
 * nothing else for a token that does not pass; a failure to fetch the keys is a `KeyFetchError`.
 */
export function createFirebaseVerifier(options: FirebaseVerifierOptions): FirebaseVerifier {
  const now = options.now ?? Date.now
  const store = options.keys instanceof KeyStore ? options.keys : new KeyStore({ source: options.keys, now })
  const issuer = firebaseIssuer(options.projectId)
  const tolerance = options.clockToleranceSeconds ?? 0
  const claimOptions = () => ({ issuer, audience: options.projectId, currentDate: new Date(now()), clockTolerance: tolerance, requiredClaims: ['iat', 'exp', 'sub'] })

  const keyFor = async (header: JWTHeaderParameters): Promise<CryptoKey> => {
    if (header.alg !== 'RS256') throw new TokenInvalidError('wrong-algorithm')
    if (typeof header.kid !== 'string' || header.kid === '') throw new TokenInvalidError('missing-kid')
    const key = await store.get(header.kid)
    if (!key) throw new TokenInvalidError('unknown-kid')
    return key
  }

  return async (token) => {
    if (typeof token !== 'string' || token.split('.').length !== 3) throw new TokenInvalidError('malformed')
    let payload: JWTPayload
    try {
      if (options.emulator) {
        payload = UnsecuredJWT.decode(token, claimOptions()).payload
      } else {
        decodeProtectedHeader(token) // malformed headers fail here, before any key fetch
        payload = (await jwtVerify(token, keyFor, { ...claimOptions(), algorithms: ['RS256'] })).payload
      }
    } catch (error) {
      throw asTokenError(error)
    }
    return checkFirebaseClaims(payload, Math.floor(now() / 1000), tolerance)
  }
}

function asTokenError(error: unknown): unknown {
  if (error instanceof TokenInvalidError) return error
  if (error instanceof joseErrors.JWTExpired) return new TokenInvalidError('expired')
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new TokenInvalidError('wrong-algorithm')
  if (error instanceof joseErrors.JWTClaimValidationFailed) return new TokenInvalidError(`claim-${error.claim}`)
  if (error instanceof joseErrors.JOSEError) return new TokenInvalidError(tokenFailureReason(error.code))
  if (error instanceof TypeError || error instanceof SyntaxError) return new TokenInvalidError('malformed')
  return error
}

/** The checks firebase-admin adds on top of the signature, issuer, audience and expiry. */
function checkFirebaseClaims(payload: JWTPayload, nowSeconds: number, tolerance: number): FirebaseToken {
  const { sub, iat, auth_time: authTime } = payload as JWTPayload & { auth_time?: unknown }
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) throw new TokenInvalidError('bad-subject')
  if (typeof iat !== 'number' || iat > nowSeconds + tolerance) throw new TokenInvalidError('issued-in-future')
  if (typeof authTime !== 'number') throw new TokenInvalidError('missing-auth-time')
  if (authTime > nowSeconds + tolerance) throw new TokenInvalidError('auth-time-in-future')
  return { ...(payload as FirebaseToken), uid: sub }
}
