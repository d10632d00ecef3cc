import { randomUUID } from 'node:crypto'
import { decodeJwt } from 'jose'
import { createJwtVerifier, errors, TokenInvalidError, type JwtVerifier, type JWTPayload } from '@hearth/kernel'
import type { AuthConfig, Pool } from './auth.config.ts'
import type { SigningKey } from './signing-key.ts'

/** A staff user calling with an access token of the staff pool; scopes as the pre-token builder minted them (§3.1). */
export interface StaffCaller {
  readonly pool: 'staff'
  readonly sub: string
  readonly username: string
  readonly scopes: ReadonlySet<string>
}

/** A practitioner calling with an ID token of the provider pool (the original's handlers read its custom attributes). */
export interface ProviderCaller {
  readonly pool: 'provider'
  readonly sub: string
  readonly email: string
  readonly compact: string
  readonly providerId: string
}

/** A state IT system calling with a client-credentials access token. */
export interface StateCaller {
  readonly pool: 'state'
  readonly clientId: string
  readonly scopes: ReadonlySet<string>
}

export type Caller = StaffCaller | ProviderCaller | StateCaller

export interface StaffTokenClaims {
  sub: string
  username: string
  scopes: readonly string[]
}

export interface ProviderTokenClaims {
  sub: string
  username: string
  email: string
  compact: string
  providerId: string
}

const nowSeconds = () => Math.floor(Date.now() / 1000)
const unauthorized = () => errors.unauthorized('Unauthorized')

/**
 * Minting (built-in identity service only) and verification (always) of the three pools' tokens,
 * with the claims Cognito puts in them. A token is matched to its pool by issuer, then verified
 * against that pool's keys; a token of one pool is never accepted where another pool's is needed.
 */
export class IdentityTokens {
  private readonly verifiers: Record<Pool, JwtVerifier>

  constructor(
    private readonly config: AuthConfig,
    private readonly signingKey: SigningKey | undefined,
  ) {
    const verifier = (pool: Pool) => {
      const settings = config.pools[pool]
      const key = settings.jwksUrl !== undefined ? { kind: 'jwks' as const, url: settings.jwksUrl } : { kind: 'jwks-local' as const, jwks: this.requireKey().jwks() }
      return createJwtVerifier({ key, algorithms: ['RS256'], issuer: settings.issuer, requiredClaims: ['sub', 'exp', 'iat', 'token_use'] })
    }
    this.verifiers = { staff: verifier('staff'), provider: verifier('provider'), state: verifier('state') }
  }

  get lifetimeSeconds(): number {
    return this.config.tokenLifetimeSeconds
  }

  private requireKey(): SigningKey {
    if (!this.signingKey) throw new Error('the built-in identity service is off (CC_IDENTITY_PROVIDER=external)')
    return this.signingKey
  }

  private base(pool: Pool, lifetime: number) {
    const iat = nowSeconds()
    return { iss: this.config.pools[pool].issuer, iat, exp: iat + lifetime, auth_time: iat }
  }

  /** A staff access token (what staff routes take). `aws.cognito.signin.user.admin` is never included (§3.1). */
  mintStaffAccessToken(claims: StaffTokenClaims): Promise<string> {
    const scope = claims.scopes.filter((scope) => scope !== 'aws.cognito.signin.user.admin').join(' ')
    return this.requireKey().sign({
      ...this.base('staff', this.config.tokenLifetimeSeconds),
      sub: claims.sub,
      username: claims.username,
      client_id: this.config.pools.staff.clientId,
      token_use: 'access',
      jti: randomUUID(),
      scope,
    })
  }

  /** The staff pool's ID token (returned by the hosted login; staff routes do not take it). */
  mintStaffIdToken(claims: { sub: string; username: string; email: string; givenName: string; familyName: string }): Promise<string> {
    return this.requireKey().sign({
      ...this.base('staff', this.config.tokenLifetimeSeconds),
      sub: claims.sub,
      aud: this.config.pools.staff.clientId,
      token_use: 'id',
      email: claims.email,
      email_verified: true,
      'cognito:username': claims.username,
      given_name: claims.givenName,
      family_name: claims.familyName,
    })
  }

  /** A practitioner ID token (what practitioner routes take). */
  mintProviderIdToken(claims: ProviderTokenClaims): Promise<string> {
    return this.requireKey().sign({
      ...this.base('provider', this.config.tokenLifetimeSeconds),
      sub: claims.sub,
      aud: this.config.pools.provider.clientId,
      token_use: 'id',
      email: claims.email,
      email_verified: true,
      'cognito:username': claims.username,
      'custom:compact': claims.compact,
      'custom:providerId': claims.providerId,
    })
  }

  /** The provider pool's access token (returned by the hosted login; practitioner routes take the ID token). */
  mintProviderAccessToken(claims: { sub: string; username: string }): Promise<string> {
    return this.requireKey().sign({
      ...this.base('provider', this.config.tokenLifetimeSeconds),
      sub: claims.sub,
      username: claims.username,
      client_id: this.config.pools.provider.clientId,
      token_use: 'access',
      jti: randomUUID(),
      scope: 'openid email profile',
    })
  }

  /** A state app client's client-credentials token (§9.11). */
  mintStateClientToken(claims: { clientId: string; scopes: readonly string[] }): Promise<string> {
    return this.requireKey().sign({
      ...this.base('state', this.config.clientTokenLifetimeSeconds),
      sub: claims.clientId,
      client_id: claims.clientId,
      token_use: 'access',
      jti: randomUUID(),
      scope: claims.scopes.join(' '),
    })
  }

  /**
   * The caller of a bearer token, or a 401 for a token no pool accepts (bad signature, unknown key,
   * wrong issuer, audience or token use, expired). An unreachable external key set is a 503.
   */
  async verify(token: string): Promise<Caller> {
    let issuer: unknown
    try {
      issuer = decodeJwt(token).iss
    } catch {
      throw unauthorized()
    }
    const pool = (Object.keys(this.config.pools) as Pool[]).find((name) => this.config.pools[name].issuer === issuer)
    if (pool === undefined) throw unauthorized()
    let payload: JWTPayload
    try {
      payload = await this.verifiers[pool](token)
    } catch (error) {
      if (error instanceof TokenInvalidError) {
        if (error.reason === 'keys-unreachable') throw errors.unavailable('Token verification is unavailable right now; try again shortly.')
        throw unauthorized()
      }
      throw error
    }
    const caller = this.callerOf(pool, payload)
    if (caller === undefined) throw unauthorized()
    return caller
  }

  /**
   * The practitioner behind a provider-pool *access* token (what Cognito's user API calls such as
   * `AssociateSoftwareToken` take in their body), `expired`, or `invalid` for anything else: another pool's
   * token, an ID token, a bad signature or client.
   */
  async providerAccess(token: string): Promise<{ sub: string; username: string } | 'expired' | 'invalid'> {
    const settings = this.config.pools.provider
    try {
      if (decodeJwt(token).iss !== settings.issuer) return 'invalid'
    } catch {
      return 'invalid'
    }
    let claims: JWTPayload
    try {
      claims = await this.verifiers.provider(token)
    } catch (error) {
      if (error instanceof TokenInvalidError) {
        if (error.reason === 'keys-unreachable') throw errors.unavailable('Token verification is unavailable right now; try again shortly.')
        return error.reason === 'expired' ? 'expired' : 'invalid'
      }
      throw error
    }
    if (claims.token_use !== 'access' || claims.client_id !== settings.clientId || typeof claims.sub !== 'string' || claims.sub === '') return 'invalid'
    return { sub: claims.sub, username: typeof claims.username === 'string' ? claims.username : claims.sub }
  }

  private callerOf(pool: Pool, claims: JWTPayload): Caller | undefined {
    const settings = this.config.pools[pool]
    const text = (name: string) => (typeof claims[name] === 'string' && claims[name] !== '' ? (claims[name] as string) : undefined)
    const scopes = () => new Set((text('scope') ?? '').split(' ').filter(Boolean))
    const sub = text('sub')
    if (sub === undefined) return undefined
    if (pool === 'staff') {
      if (claims.token_use !== 'access' || text('client_id') !== settings.clientId) return undefined
      return { pool, sub, username: text('username') ?? sub, scopes: scopes() }
    }
    if (pool === 'provider') {
      const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
      const compact = text('custom:compact')
      const providerId = text('custom:providerId')
      if (claims.token_use !== 'id' || !audience.includes(settings.clientId) || compact === undefined || providerId === undefined) return undefined
      return { pool, sub, email: text('email') ?? '', compact, providerId }
    }
    const clientId = text('client_id')
    if (claims.token_use !== 'access' || clientId === undefined) return undefined
    return { pool, clientId, scopes: scopes() }
  }
}
