import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs'
import { dirname } from 'node:path'
import { randomBytes } from 'node:crypto'
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose'
import { hash, verify } from '@node-rs/argon2'
import type { Auth0Settings } from './auth.config.ts'
import { GOM_AUDIENCE } from './auth.config.ts'
import type { IssuerSettings, TokenSet } from './tokens.ts'

/** The token endpoint refused the grant (Auth0's `{ error, error_description }` and its status). */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description)
    this.name = 'OAuthError'
  }
}

/** The token endpoint could not be reached (spec §3.3: 500 `oauth_service_error`). */
export class OAuthUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Oauth service not available', { cause })
    this.name = 'OAuthUnavailableError'
  }
}

/** A seller's password grant: Auth0's Resource Owner Password flow, or the built-in provider. */
export interface PasswordGrantProvider {
  /** How its access tokens are verified (the same JWKS path for both). */
  readonly verification: IssuerSettings
  passwordGrant(username: string, password: string): Promise<TokenSet>
  refresh(refreshToken: string): Promise<TokenSet>
}

/**
 * Auth0 (production): `POST <tokenUrl>` with the password grant, and the refresh grant. Unlike the
 * original, the refresh sends the client secret too (spec §10.7), and its new access token is
 * verified like any other before it is used.
 */
export class Auth0PasswordGrant implements PasswordGrantProvider {
  readonly verification: IssuerSettings

  constructor(
    private readonly settings: Auth0Settings,
    private readonly timeoutMs = 10_000,
  ) {
    this.verification = { issuer: settings.issuer, audience: settings.audience, jwks: { kind: 'jwks', url: settings.jwksUrl } }
  }

  passwordGrant(username: string, password: string): Promise<TokenSet> {
    const { clientId, clientSecret, audience, scope } = this.settings
    return this.post({ username, password, grant_type: 'password', client_id: clientId, client_secret: clientSecret, audience, scope })
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    const { clientId, clientSecret } = this.settings
    return this.post({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken })
  }

  private async post(body: Record<string, string>): Promise<TokenSet> {
    let response: Response
    let payload: unknown
    try {
      response = await fetch(this.settings.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      payload = await response.json().catch(() => ({}))
    } catch (error) {
      throw new OAuthUnavailableError(error)
    }
    const fields = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>
    if (!response.ok) {
      const error = typeof fields.error === 'string' ? fields.error : 'oauth_error'
      const description = typeof fields.error_description === 'string' ? fields.error_description : response.statusText || 'OAuth error'
      throw new OAuthError(response.status, error, description)
    }
    if (typeof fields.access_token !== 'string' || (typeof fields.id_token !== 'string' && body.grant_type === 'password')) {
      throw new OAuthUnavailableError(new Error('token endpoint answered without tokens'))
    }
    return {
      access_token: fields.access_token,
      id_token: typeof fields.id_token === 'string' ? fields.id_token : '',
      ...(typeof fields.refresh_token === 'string' ? { refresh_token: fields.refresh_token } : {}),
    }
  }
}

/** A seller the built-in provider knows (spec §11.2–11.3). */
export interface BuiltInSeller {
  email: string
  password: string
  /** The seller's `extUid` (Auth0 user id), the tokens' `sub`. */
  sub: string
  nickname: string
  name: string
}

/** The built-in provider's issuer: its own, never the local https://auth.gom.com (spec §11.2). */
export const BUILT_IN_ISSUER = 'https://identity.gom.hearth.local/'
const ACCESS_SECONDS = 86_400
const REFRESH_SECONDS = 60 * 86_400

/**
 * The password grant without Auth0 (development, QA): the seeded sellers with argon2id hashes of
 * their passwords, an RS256 key pair kept under DATA_DIR (so sessions survive restarts) published
 * as a JWKS, and Auth0-shaped answers — an access token with the 19 seller permissions, an id
 * token with `sub`, `nickname`, `name`, `email`, and a refresh token (a signed JWT for this issuer
 * only, so it is never accepted as an access token). Wrong credentials are refused as Auth0 does:
 * 403 `invalid_grant` "Wrong email or password.".
 */
export class BuiltInPasswordGrant implements PasswordGrantProvider {
  readonly verification: IssuerSettings

  private constructor(
    private readonly sellers: Map<string, BuiltInSeller & { hash: string }>,
    private readonly dummyHash: string,
    private readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly publicKey: CryptoKey,
    private readonly permissions: readonly string[],
  ) {
    this.verification = { issuer: BUILT_IN_ISSUER, audience: GOM_AUDIENCE, jwks: { kind: 'jwks-local', jwks: this.jwks() } }
  }

  static async open(options: { sellers: readonly BuiltInSeller[]; permissions: readonly string[]; keyFile?: string }): Promise<BuiltInPasswordGrant> {
    const keys = await loadOrCreateKeys(options.keyFile)
    const sellers = new Map<string, BuiltInSeller & { hash: string }>()
    for (const seller of options.sellers) sellers.set(seller.email.toLowerCase(), { ...seller, hash: await hash(seller.password) })
    const dummyHash = await hash(randomBytes(16).toString('hex'))
    const publicKey = (await importJWK(keys.publicJwk, 'RS256')) as CryptoKey
    return new BuiltInPasswordGrant(sellers, dummyHash, keys.kid, keys.privateKey, keys.publicJwk, publicKey, options.permissions)
  }

  jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] }
  }

  async passwordGrant(username: string, password: string): Promise<TokenSet> {
    const seller = this.sellers.get(username.toLowerCase())
    // An unknown email costs the same as a wrong password.
    const valid = await verify(seller?.hash ?? this.dummyHash, password).catch(() => false)
    if (!seller || !valid) throw new OAuthError(403, 'invalid_grant', 'Wrong email or password.')
    return this.tokensFor(seller, true)
  }

  async refresh(refreshToken: string): Promise<TokenSet> {
    let sub: string | undefined
    try {
      const { payload } = await jwtVerify(refreshToken, this.publicKey, { issuer: BUILT_IN_ISSUER, audience: BUILT_IN_ISSUER, algorithms: ['RS256'], typ: 'refresh+jwt' })
      sub = payload.sub
    } catch {
      throw new OAuthError(403, 'invalid_grant', 'Unknown or invalid refresh token.')
    }
    const seller = [...this.sellers.values()].find((candidate) => candidate.sub === sub)
    if (!seller) throw new OAuthError(403, 'invalid_grant', 'Unknown or invalid refresh token.')
    return this.tokensFor(seller, false)
  }

  private async tokensFor(seller: BuiltInSeller, withRefresh: boolean): Promise<TokenSet> {
    const now = Math.floor(Date.now() / 1000)
    const sign = (claims: Record<string, unknown>, audience: string, expires: number, typ = 'JWT') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ })
        .setIssuer(BUILT_IN_ISSUER)
        .setAudience(audience)
        .setSubject(seller.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + expires)
        .sign(this.privateKey)
    const access_token = await sign({ gty: 'password', scope: 'openid offline_access', permissions: [...this.permissions] }, GOM_AUDIENCE, ACCESS_SECONDS)
    const id_token = await sign({ nickname: seller.nickname, name: seller.name, email: seller.email }, 'gom-built-in-client', ACCESS_SECONDS)
    if (!withRefresh) return { access_token, id_token }
    return { access_token, id_token, refresh_token: await sign({}, BUILT_IN_ISSUER, REFRESH_SECONDS, 'refresh+jwt') }
  }
}

async function loadOrCreateKeys(file: string | undefined): Promise<{ kid: string; privateKey: CryptoKey; publicJwk: JWK }> {
  if (file && existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { kid: string; privateJwk: JWK; publicJwk: JWK }
    return { kid: kept.kid, privateKey: (await importJWK(kept.privateJwk, 'RS256')) as CryptoKey, publicJwk: kept.publicJwk }
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 })
  const kid = randomBytes(10).toString('hex')
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
  if (file) {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify({ kid, privateJwk: await exportJWK(privateKey), publicJwk }, null, 2))
    chmodSync(file, 0o600)
  }
  return { kid, privateKey, publicJwk }
}
