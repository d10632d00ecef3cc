import { decodeJwt, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose'
import { createJwtVerifier, TokenInvalidError, type JwtVerifier } from '@hearth/kernel'
import { GOM_AUDIENCE, LOCAL_ISSUER } from './auth.config.ts'
import { ExpiringCache } from '@hearth/kernel/cache'

/** Most verified tokens kept in one process' cache. */
const MAX_VERIFIED_TOKENS = 20_000

/** Why a split JWT did not verify, in the original's words where it had some (spec §3.4). */
export class AccessTokenError extends Error {
  constructor(
    message: string,
    readonly expired = false,
    /** The identity provider's keys could not be fetched: a 503, not the caller's fault. */
    readonly unavailable = false,
  ) {
    super(message)
    this.name = 'AccessTokenError'
  }
}

const reasonMessages: Record<string, string> = {
  expired: 'jwt expired',
  'bad-signature': 'invalid signature',
  'unknown-kid': 'invalid signature: unknown signing key',
  'wrong-algorithm': 'invalid algorithm',
  'claim-aud': 'jwt audience invalid',
  'claim-iss': 'jwt issuer invalid',
  'claim-exp': 'jwt expired',
  'claim-nbf': 'jwt not active',
  'claim-iat': 'jwt issued in the future',
  malformed: 'jwt malformed',
}

export interface IssuerSettings {
  issuer: string
  audience: string
  /** RS256 through a JWKS: remote (Auth0) or the built-in provider's own key set. */
  jwks: { kind: 'jwks'; url: string } | { kind: 'jwks-local'; jwks: JSONWebKeySet }
}

/**
 * Verifies an access token, picking the verifier by the token's (unverified) `iss` as the
 * original did — but each verifier pins its own algorithm (RS256 for the password-grant provider,
 * HS256 for the local issuer), so the choice cannot lead to key confusion (spec §10.6). An unknown
 * JWKS `kid` is an ordinary verification failure (spec §10.8), never a crash.
 */
export class AccessTokenVerifier {
  private readonly verifiers = new Map<string, JwtVerifier>()
  /**
   * Tokens that verified, by their full text (signature included, so nothing unverified can match),
   * until `verifiedTtlMs` has passed or the token expires, whichever is first (gom-perf; README
   * "Caches"). A token is revoked by ending its session, which the session cache handles; 0 disables.
   */
  private readonly verified: ExpiringCache<string, JWTPayload>

  constructor(options: { appKey: string; passwordIssuer: IssuerSettings; verifiedTtlMs?: number }) {
    this.verified = new ExpiringCache({ ttlMs: options.verifiedTtlMs ?? 0, maxEntries: MAX_VERIFIED_TOKENS })
    this.verifiers.set(
      LOCAL_ISSUER,
      createJwtVerifier({ key: { kind: 'secret', secret: options.appKey }, algorithms: ['HS256'], issuer: LOCAL_ISSUER, audience: GOM_AUDIENCE, requiredClaims: ['exp'] }),
    )
    const { passwordIssuer } = options
    this.verifiers.set(
      passwordIssuer.issuer,
      createJwtVerifier({
        key: passwordIssuer.jwks.kind === 'jwks' ? { kind: 'jwks', url: passwordIssuer.jwks.url } : { kind: 'jwks-local', jwks: passwordIssuer.jwks.jwks },
        algorithms: ['RS256'],
        issuer: passwordIssuer.issuer,
        audience: passwordIssuer.audience,
        requiredClaims: ['exp'],
      }),
    )
  }

  async verify(token: string): Promise<JWTPayload> {
    const cached = this.verified.get(token)
    if (cached !== undefined) return cached
    const generation = this.verified.generation
    const claims = await this.verifyUncached(token)
    if (typeof claims.exp === 'number') this.verified.set(token, claims, generation, { expiresAt: claims.exp * 1000 })
    return claims
  }

  private async verifyUncached(token: string): Promise<JWTPayload> {
    let issuer: unknown
    try {
      issuer = decodeJwt(token).iss
    } catch {
      throw new AccessTokenError('Token malformed')
    }
    if (typeof issuer !== 'string' || issuer === '') throw new AccessTokenError('Token malformed')
    const verify = this.verifiers.get(issuer)
    if (!verify) throw new AccessTokenError('Unknown issuer')
    try {
      return await verify(token)
    } catch (error) {
      if (!(error instanceof TokenInvalidError)) throw new AccessTokenError('jwt malformed')
      if (error.reason === 'keys-unreachable') throw new AccessTokenError('The identity provider cannot be reached', false, true)
      return Promise.reject(new AccessTokenError(reasonMessages[error.reason] ?? 'invalid token', error.reason === 'expired' || error.reason === 'claim-exp'))
    }
  }
}

/** What the phone grant knows about a customer (a `Bp` and its first seller). */
export interface CustomerLogin {
  uid: string
  extUid: string
  name1: string
  lastName1: string | null
  phone: string | null
  seller: { extUid: string | null; business: string } | undefined
}

export interface TokenSet {
  access_token: string
  id_token: string
  refresh_token?: string
}

/**
 * The original's local (phone-grant) tokens (spec §3.7): two HS256 JWTs signed with APP_KEY,
 * `iss` https://auth.gom.com, `aud` https://gql.gom.com, 30 minutes, no refresh token.
 */
export class LocalTokenIssuer {
  constructor(
    private readonly appKey: string,
    private readonly lifetimeSeconds: number,
    private readonly customerPermissions: readonly string[],
  ) {}

  async issue(customer: CustomerLogin): Promise<TokenSet> {
    const seller = customer.seller ? { seller: customer.seller.extUid ?? undefined, business: customer.seller.business } : {}
    const access = { sub: customer.uid, eid: customer.extUid, gty: 'phone', ...seller, permissions: [...this.customerPermissions] }
    const id = { sub: customer.uid, nickname: customer.name1, name: `${customer.name1} ${customer.lastName1 ?? ''}`.trimEnd(), ...seller }
    return { access_token: await this.sign(access), id_token: await this.sign(id) }
  }

  private sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(GOM_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.lifetimeSeconds}s`)
      .sign(new TextEncoder().encode(this.appKey))
  }
}
