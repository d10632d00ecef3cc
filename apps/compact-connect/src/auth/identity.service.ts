import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Database, Db } from '@hearth/kernel'
import { CompactConnectError, badRequest, notFound } from '../errors.ts'
import type { AuthConfig } from './auth.config.ts'
import type { IdentityPool, IdentityRepository, IdentityRow } from './identity.repository.ts'
import { hashSecret, verifySecret } from './passwords.ts'
import type { IdentityTokens } from './tokens.ts'

/** What the staff-users module gives the identity service: the pre-token scope builder with its side effect. */
export interface StaffScopeSource {
  issueScopes(userId: string): Promise<string[]>
}

export interface TokenSet {
  access_token: string
  id_token: string
  refresh_token?: string
  token_type: 'Bearer'
  expires_in: number
}

export type ClientCredentialsResult =
  { ok: true; body: { access_token: string; expires_in: number; token_type: 'Bearer' } } | { ok: false; error: 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type' | 'invalid_request' }

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url')
const opaque = () => randomBytes(32).toString('base64url')

export const userDisabled = () => new CompactConnectError(403, 'User is disabled.')

/**
 * The built-in identity service (the original's Cognito pools): tokens for staff users and
 * practitioners, client-credentials tokens for state app clients, `POST /qa/token`, and the hosted
 * login's authorization codes and refresh tokens (kept hashed in PostgreSQL, single use).
 */
export class IdentityService {
  constructor(
    private readonly database: Database,
    private readonly identities: IdentityRepository,
    private readonly staffScopes: StaffScopeSource,
    private readonly tokens: IdentityTokens,
    private readonly config: AuthConfig,
  ) {}

  /** §9.10: a token as a real sign-in to that pool would give, for `sub` or `username`. */
  async qaToken(pool: IdentityPool, who: { sub?: string; username?: string }): Promise<{ token: string; tokenUse: 'access' | 'id' }> {
    const identity = await this.find(pool, who)
    if (!identity) throw notFound('User not found')
    if (!identity.enabled) throw userDisabled()
    if (pool === 'staff') return { token: await this.staffAccessToken(identity), tokenUse: 'access' }
    return { token: await this.providerIdToken(identity), tokenUse: 'id' }
  }

  private async find(pool: IdentityPool, who: { sub?: string; username?: string }): Promise<IdentityRow | undefined> {
    if (who.sub !== undefined) return /^[0-9a-f-]{36}$/i.test(who.sub) ? this.identities.bySub(this.database.db, pool, who.sub) : undefined
    return this.identities.byUsername(this.database.db, pool, who.username ?? '')
  }

  private async staffAccessToken(identity: IdentityRow): Promise<string> {
    const scopes = await this.staffScopes.issueScopes(identity.sub)
    return this.tokens.mintStaffAccessToken({ sub: identity.sub, username: identity.username, scopes })
  }

  private providerIdToken(identity: IdentityRow): Promise<string> {
    const compact = identity.attributes['custom:compact']
    const providerId = identity.attributes['custom:providerId']
    if (!compact || !providerId) throw badRequest('The identity has no provider attributes')
    return this.tokens.mintProviderIdToken({ sub: identity.sub, username: identity.username, email: identity.email, compact, providerId })
  }

  /** The tokens a sign-in to `pool` answers with (hosted login): access + ID (+ refresh). */
  async tokenSet(pool: IdentityPool, identity: IdentityRow, refreshToken?: string): Promise<TokenSet> {
    const access = pool === 'staff' ? await this.staffAccessToken(identity) : await this.tokens.mintProviderAccessToken({ sub: identity.sub, username: identity.username })
    const id =
      pool === 'staff'
        ? await this.tokens.mintStaffIdToken({
            sub: identity.sub,
            username: identity.username,
            email: identity.email,
            givenName: identity.attributes.given_name ?? '',
            familyName: identity.attributes.family_name ?? '',
          })
        : await this.providerIdToken(identity)
    return { access_token: access, id_token: id, ...(refreshToken ? { refresh_token: refreshToken } : {}), token_type: 'Bearer', expires_in: this.tokens.lifetimeSeconds }
  }

  // ---- state app clients (§9.11) ----

  async clientCredentials(input: { clientId: string | undefined; clientSecret: string | undefined; scope: string | undefined }): Promise<ClientCredentialsResult> {
    if (!input.clientId || !input.clientSecret) return { ok: false, error: 'invalid_client' }
    const client = await this.identities.appClient(this.database.db, input.clientId)
    if (!client || !(await verifySecret(input.clientSecret, client.clientSecretHash))) return { ok: false, error: 'invalid_client' }
    const requested = input.scope === undefined ? client.allowedScopes : input.scope.split(' ').filter(Boolean)
    if (requested.some((scope) => !client.allowedScopes.includes(scope))) return { ok: false, error: 'invalid_scope' }
    const token = await this.tokens.mintStateClientToken({ clientId: client.clientId, scopes: requested })
    return { ok: true, body: { access_token: token, expires_in: this.config.clientTokenLifetimeSeconds, token_type: 'Bearer' } }
  }

  async registerAppClient(clientId: string, clientSecret: string, allowedScopes: string[]): Promise<void> {
    await this.identities.upsertAppClient(this.database.db, { clientId, clientSecretHash: await hashSecret(clientSecret), allowedScopes })
  }

  // ---- hosted login (authorization code + PKCE, refresh tokens) ----

  /** An authorization code for a completed hosted-login sign-in (password and every owed step done: `login-flow.service.ts`). */
  async issueCode(pool: IdentityPool, identity: IdentityRow, request: { clientId: string; redirectUri: string; codeChallenge: string; scope: string }, db: Db = this.database.db): Promise<string> {
    const code = opaque()
    await this.identities.insertGrant(db, {
      tokenHash: sha256(code),
      kind: 'code',
      pool,
      sub: identity.sub,
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: request.scope,
      expiresAt: new Date(Date.now() + this.config.authorizationCodeSeconds * 1000),
    })
    return code
  }

  /** `grant_type=authorization_code`: single use, PKCE S256 checked, same client and redirect URI. */
  async redeemCode(pool: IdentityPool, input: { code: string; clientId: string; redirectUri: string; codeVerifier: string }): Promise<TokenSet | 'invalid_grant'> {
    const grant = await this.identities.consumeGrant(this.database.db, sha256(input.code), 'code')
    if (!grant || grant.pool !== pool || grant.clientId !== input.clientId || grant.redirectUri !== input.redirectUri) return 'invalid_grant'
    const challenge = createHash('sha256').update(input.codeVerifier).digest('base64url')
    const expected = Buffer.from(grant.codeChallenge ?? '')
    if (expected.length !== challenge.length || !timingSafeEqual(expected, Buffer.from(challenge))) return 'invalid_grant'
    const identity = await this.identities.bySub(this.database.db, pool, grant.sub)
    if (!identity || !identity.enabled) return 'invalid_grant'
    const refresh = await this.issueRefresh(pool, identity, grant.clientId, grant.scope)
    return this.tokenSet(pool, identity, refresh)
  }

  /** `grant_type=refresh_token`: the refresh token is used up and a new one issued with the new tokens (rotation). */
  async refresh(pool: IdentityPool, input: { refreshToken: string; clientId: string }): Promise<TokenSet | 'invalid_grant'> {
    const grant = await this.identities.consumeGrant(this.database.db, sha256(input.refreshToken), 'refresh')
    if (!grant || grant.pool !== pool || grant.clientId !== input.clientId) return 'invalid_grant'
    const identity = await this.identities.bySub(this.database.db, pool, grant.sub)
    if (!identity || !identity.enabled) return 'invalid_grant'
    const refresh = await this.issueRefresh(pool, identity, grant.clientId, grant.scope)
    return this.tokenSet(pool, identity, refresh)
  }

  async revoke(refreshToken: string): Promise<void> {
    await this.identities.revokeGrant(this.database.db, sha256(refreshToken))
  }

  private async issueRefresh(pool: IdentityPool, identity: IdentityRow, clientId: string, scope: string): Promise<string> {
    const token = opaque()
    await this.identities.insertGrant(this.database.db, {
      tokenHash: sha256(token),
      kind: 'refresh',
      pool,
      sub: identity.sub,
      clientId,
      scope,
      expiresAt: new Date(Date.now() + this.config.refreshTokenLifetimeSeconds * 1000),
    })
    return token
  }

  // ---- identities (staff creation, registration, seeds) ----

  async createIdentity(values: {
    sub: string
    pool: IdentityPool
    username: string
    email: string
    password?: string
    status?: string
    attributes?: Record<string, string>
    enabled?: boolean
  }): Promise<IdentityRow> {
    return this.identities.insert(this.database.db, {
      sub: values.sub,
      pool: values.pool,
      username: values.username,
      email: values.email,
      passwordHash: values.password ? await hashSecret(values.password) : null,
      status: values.status ?? (values.password ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD'),
      enabled: values.enabled ?? true,
      attributes: values.attributes ?? {},
    })
  }
}
