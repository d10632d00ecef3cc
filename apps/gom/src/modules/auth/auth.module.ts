import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import cookie, { fastifyCookie } from '@fastify/cookie'
import { decodeJwt } from 'jose'
import type { Database, EventBus, Redis } from '@hearth/kernel'
import type { BaseConfig } from '@hearth/kernel'
import { MemorySessionStore, RedisSessionStore, type SessionData, type SessionStore } from '../../session/session-store.ts'
import { CachedSessionStore } from '../../session/cached-session-store.ts'
import type { GomEventBus } from '../../events.ts'
import { csrfToken, newCsrfSecret, verifyCsrfToken } from '../../session/csrf.ts'
import { redisNamespace, type AuthConfig, type CookieOptions } from './auth.config.ts'
import { callerFromClaims, CUSTOMER_PERMISSIONS, SELLER_PERMISSIONS, type Caller } from './caller.ts'
import { CustomerLoginRepository } from './customers.repository.ts'
import { authErrors } from './errors.ts'
import { LimiterUnavailableError, LoginLimiter } from './login-limiter.ts'
import { Auth0PasswordGrant, BuiltInPasswordGrant, OAuthError, OAuthUnavailableError, type BuiltInSeller, type PasswordGrantProvider } from './password-grant.ts'
import { AccessTokenError, AccessTokenVerifier, LocalTokenIssuer, type TokenSet } from './tokens.ts'

/** The original's cookie names (spec §3.1). */
export const COOKIE = { session: 'session-id', accessToken: 'session-token', csrf: 'csrf-token' } as const

/** A cookie the response sets or clears. */
export interface CookieWrite {
  name: string
  value: string
  options: CookieOptions & { path: '/'; expires?: Date }
}

/** A request's server session: loaded from the signed `session-id` cookie, or new. */
export interface SessionHandle {
  id: string | undefined
  data: SessionData
}

export interface LoginBody {
  grantType: 'password' | 'phone'
  username: string
  password?: string
  phone?: string
}

/** `POST /auth/login`'s 200 body: the id token's profile (spec §3.3 step 8). */
export interface LoginProfile {
  nickname?: string
  name?: string
  picture?: string
  email?: string
  sub?: string
  seller?: string
  business?: string
}

export type LoginOutcome = { kind: 'already-signed-in' } | { kind: 'signed-in'; profile: LoginProfile; session: SessionHandle; cookies: CookieWrite[] }

interface AuthDependencies {
  config: { appKey: string; auth: AuthConfig }
  database: Database
  sessions: SessionStore
  limiter: LoginLimiter
  verifier: AccessTokenVerifier
  passwordGrant: PasswordGrantProvider
  phoneTokens: LocalTokenIssuer
  customers: CustomerLoginRepository
  builtIn: BuiltInPasswordGrant | undefined
}

/**
 * Sessions, split JWT, CSRF and the login use cases (spec §3, §4): everything `/auth/*`, the hooks
 * and the WebSocket check need, without `request`/`reply` (the plugin turns outcomes into cookies).
 */
export class Auth {
  readonly builtIn: BuiltInPasswordGrant | undefined
  /** `GOM_UI_DIR`, for the static UI. */
  readonly uiDir: string | undefined
  private readonly sessionTtlSeconds: number

  constructor(private readonly deps: AuthDependencies) {
    this.builtIn = deps.builtIn
    this.uiDir = deps.config.auth.uiDir
    this.sessionTtlSeconds = deps.config.auth.cookies.session.maxAgeSeconds ?? 86_400
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────

  /** The session a `session-id` cookie names: `s:<sid>.<HMAC>` signed with APP_KEY (express-session's format). */
  async loadSession(cookieValue: string | undefined): Promise<SessionHandle | undefined> {
    const id = this.unsignSessionId(cookieValue)
    if (!id) return undefined
    const data = await this.sessionStore(() => this.deps.sessions.get(id))
    return data ? { id, data } : undefined
  }

  /** Stores `session` (a new id when it has none) and returns its `session-id` cookie. */
  async saveSession(session: SessionHandle): Promise<CookieWrite> {
    session.id ??= randomBytes(24).toString('base64url')
    const id = session.id
    await this.sessionStore(() => this.deps.sessions.set(id, session.data, this.sessionTtlSeconds))
    return this.cookieWrite(COOKIE.session, `s:${cookie.sign(id, this.deps.config.appKey)}`, this.deps.config.auth.cookies.session)
  }

  /** csurf + CsrfgenMiddleware on `/auth/*`: a session with a CSRF secret exists after this. */
  async ensureCsrfSession(session: SessionHandle | undefined): Promise<{ session: SessionHandle; cookies: CookieWrite[] }> {
    if (session?.data.csrfSecret) return { session, cookies: [] }
    const handle: SessionHandle = session ?? { id: undefined, data: {} }
    handle.data.csrfSecret = newCsrfSecret()
    return { session: handle, cookies: [await this.saveSession(handle)] }
  }

  csrfCookie(session: SessionHandle): CookieWrite {
    return this.cookieWrite(COOKIE.csrf, csrfToken(session.data.csrfSecret ?? ''), this.deps.config.auth.cookies.csrf)
  }

  verifyCsrf(session: SessionHandle | undefined, token: unknown): boolean {
    return verifyCsrfToken(session?.data.csrfSecret, token)
  }

  // ── callers ───────────────────────────────────────────────────────────────────────────────

  /**
   * The split JWT of spec §3.4: `session-token` cookie + `.` + the session's stored signature,
   * verified by issuer. An expired password-grant token is refreshed when the session holds a
   * refresh token (and the new token is verified too, unlike the original). Throws a WireError
   * (403 `jwt_error`, or 503 when the provider's keys are unreachable).
   */
  async authenticate(session: SessionHandle | undefined, tokenCookie: string | undefined, options: { refresh: boolean }): Promise<{ caller: Caller; cookies: CookieWrite[] }> {
    const token = `${tokenCookie}.${session?.data.access_token_sign}`
    try {
      return { caller: await this.callerOf(token), cookies: [] }
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error
      if (error.unavailable) throw authErrors.unavailable('Token verification is unavailable right now; try again shortly.')
      if (!(error.expired && options.refresh && session?.data.refresh_token)) throw authErrors.jwt(error.message)
      let tokens: TokenSet
      try {
        tokens = await this.deps.passwordGrant.refresh(session.data.refresh_token)
      } catch {
        throw authErrors.jwt(error.message) // a failed refresh answers with the original error
      }
      let caller: Caller
      try {
        caller = await this.callerOf(tokens.access_token)
      } catch {
        throw authErrors.jwt(error.message)
      }
      const cookies = this.storeAccessToken(session, tokens)
      cookies.push(await this.saveSession(session))
      return { caller, cookies }
    }
  }

  /** The WebSocket upgrade's check (spec §3.6): both cookies, signed session id, no refresh. */
  async callerFromCookieHeader(header: string | undefined): Promise<Caller | undefined> {
    if (typeof header !== 'string' || header.length > 16_384) return undefined
    let cookies: Record<string, string>
    try {
      cookies = fastifyCookie.parse(header)
    } catch {
      return undefined
    }
    if (!cookies[COOKIE.session] || !cookies[COOKIE.accessToken]) return undefined
    try {
      const session = await this.loadSession(cookies[COOKIE.session])
      if (!session) return undefined
      return (await this.authenticate(session, cookies[COOKIE.accessToken], { refresh: false })).caller
    } catch {
      return undefined
    }
  }

  private async callerOf(token: string): Promise<Caller> {
    const claims = await this.deps.verifier.verify(token)
    const caller = callerFromClaims(claims)
    if (typeof caller === 'string') throw new AccessTokenError(caller)
    return caller
  }

  // ── login, logout, customer lookup ────────────────────────────────────────────────────────

  /** `POST /auth/login` after CSRF and body validation (spec §3.3 steps 1–8). */
  async login(body: LoginBody, ip: string, session: SessionHandle): Promise<LoginOutcome> {
    const { limiter } = this.deps
    const retryAfter = await this.limited(() => limiter.retryAfter(body.username, ip))
    if (retryAfter > 0) throw authErrors.tooManyRequests(retryAfter)
    if (session.data.access_token_sign) return { kind: 'already-signed-in' }

    let tokens: TokenSet
    try {
      tokens = body.grantType === 'password' ? await this.deps.passwordGrant.passwordGrant(body.username, body.password ?? '') : await this.phoneGrant(body.username, body.phone ?? '')
    } catch (error) {
      if (error instanceof OAuthUnavailableError) throw authErrors.oauthUnavailable()
      if (error instanceof PhoneGrantRefused) {
        await this.limited(() => limiter.failed(body.username, ip, error.accountExists))
        throw authErrors.grant(403, 'invalid_grant', 'Invalid credentials')
      }
      if (error instanceof OAuthError) {
        if (error.status === 403) await this.limited(() => limiter.failed(body.username, ip, false))
        throw authErrors.grant(error.status, error.error, error.description)
      }
      throw error
    }
    await this.limited(() => limiter.succeeded(body.username, ip))

    // A new session id at login (spec §10.10: the original upgraded the pre-login session in place,
    // so a planted session id became a signed-in one). The CSRF secret is renewed with it.
    const previous = session.id
    const fresh: SessionHandle = { id: undefined, data: { csrfSecret: newCsrfSecret() } }
    const cookies = this.storeAccessToken(fresh, tokens)
    cookies.push(await this.saveSession(fresh))
    if (previous) await this.sessionStore(() => this.deps.sessions.destroy(previous))
    cookies.push(this.csrfCookie(fresh))
    return { kind: 'signed-in', profile: profileOf(tokens.id_token), session: fresh, cookies }
  }

  /** `GET /auth/logout`: ends a signed-in session and clears every cookie (spec §10.10). */
  async logout(session: SessionHandle | undefined): Promise<CookieWrite[] | undefined> {
    if (!session?.id || !session.data.access_token_sign) return undefined
    const id = session.id
    await this.sessionStore(() => this.deps.sessions.destroy(id))
    return [COOKIE.session, COOKIE.accessToken, COOKIE.csrf].map((name) => this.clearCookie(name))
  }

  /** `GET /auth/bp?code=`: the last 3 digits of the phone and the seller's business (spec §3.3). */
  async customerHint(code: string): Promise<{ phoneLast: string; customerOf: string }> {
    const customer = await this.deps.customers.findByShareCode(this.deps.database.db, code)
    // A Bp without a phone or a seller was a 500 in the original; here it is the same 400 as an unknown code.
    if (!customer || !customer.phone || !customer.seller) throw authErrors.grant(400, 'Bad Request', 'BP not found')
    return { phoneLast: customer.phone.slice(-3), customerOf: customer.seller.business }
  }

  /** Sessions and limiter counters gone (QA seed). */
  async reset(): Promise<void> {
    await this.deps.sessions.clear()
    await this.deps.limiter.reset()
  }

  private async phoneGrant(shareCode: string, phone: string): Promise<TokenSet> {
    const customer = await this.deps.customers.findByShareCode(this.deps.database.db, shareCode)
    if (!customer || customer.phone !== phone) throw new PhoneGrantRefused(customer !== undefined)
    return this.deps.phoneTokens.issue(customer)
  }

  /** Splits the access token at its last `.`: signature into the session, the rest into `session-token`. */
  private storeAccessToken(session: SessionHandle, tokens: TokenSet): CookieWrite[] {
    const cut = tokens.access_token.lastIndexOf('.')
    session.data.access_token_sign = tokens.access_token.slice(cut + 1)
    if (tokens.refresh_token) session.data.refresh_token = tokens.refresh_token
    return [this.cookieWrite(COOKIE.accessToken, tokens.access_token.slice(0, cut), this.deps.config.auth.cookies.accessToken)]
  }

  private unsignSessionId(value: string | undefined): string | undefined {
    if (typeof value !== 'string' || !value.startsWith('s:') || value.length > 512) return undefined
    const result = cookie.unsign(value.slice(2), this.deps.config.appKey)
    return result.valid && result.value ? result.value : undefined
  }

  private cookieWrite(name: string, value: string, options: CookieOptions): CookieWrite {
    return { name, value, options: { ...options, path: '/' } }
  }

  private clearCookie(name: string): CookieWrite {
    const options = name === COOKIE.session ? this.deps.config.auth.cookies.session : name === COOKIE.accessToken ? this.deps.config.auth.cookies.accessToken : this.deps.config.auth.cookies.csrf
    const { maxAgeSeconds: _ignored, ...rest } = options
    return { name, value: '', options: { ...rest, path: '/', expires: new Date(0) } }
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (error instanceof LimiterUnavailableError) throw authErrors.unavailable('Login is unavailable right now; try again shortly.')
      throw error
    }
  }

  private async sessionStore<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch {
      throw authErrors.unavailable('Sessions are unavailable right now; try again shortly.')
    }
  }
}

class PhoneGrantRefused extends Error {
  constructor(readonly accountExists: boolean) {
    super('Invalid credentials')
  }
}

function profileOf(idToken: string): LoginProfile {
  let claims: Record<string, unknown> = {}
  try {
    claims = decodeJwt(idToken)
  } catch {
    claims = {}
  }
  const profile: LoginProfile = {}
  for (const key of ['nickname', 'name', 'picture', 'email', 'sub', 'seller', 'business'] as const) {
    if (typeof claims[key] === 'string') profile[key] = claims[key] as string
  }
  return profile
}

/**
 * Builds the auth module from the configuration: the session store and limiter on Redis when it is
 * configured (keys under `<schema>:`), the password grant on Auth0 or the built-in provider.
 */
export async function buildAuth(
  config: BaseConfig & { appKey: string; auth: AuthConfig; sessionCacheTtlMs?: number },
  resources: { database: Database; redis: Redis | undefined; events?: EventBus },
  sellers: readonly BuiltInSeller[],
): Promise<Auth> {
  const { database, redis } = resources
  const namespace = redisNamespace(config, database)
  // gom-perf: verified sessions and tokens cached for a few seconds, invalidated in every process (README "Caches").
  const cacheTtlMs = resources.events ? (config.sessionCacheTtlMs ?? 0) : 0
  let sessions: SessionStore = redis ? new RedisSessionStore(redis, namespace) : new MemorySessionStore()
  if (cacheTtlMs > 0) {
    const cached = new CachedSessionStore(sessions, resources.events as unknown as GomEventBus, cacheTtlMs)
    await cached.listen(resources.events as unknown as GomEventBus)
    sessions = cached
  }
  const builtIn = config.auth.auth0 ? undefined : await BuiltInPasswordGrant.open({ sellers, permissions: SELLER_PERMISSIONS, keyFile: join(config.dataDir, 'identity', 'gom-password-grant.json') })
  const passwordGrant: PasswordGrantProvider = config.auth.auth0 ? new Auth0PasswordGrant(config.auth.auth0) : builtIn!
  return new Auth({
    config,
    database,
    sessions,
    limiter: new LoginLimiter(config.auth.limiter, redis, namespace),
    verifier: new AccessTokenVerifier({ appKey: config.appKey, passwordIssuer: passwordGrant.verification, verifiedTtlMs: cacheTtlMs }),
    passwordGrant,
    phoneTokens: new LocalTokenIssuer(config.appKey, config.auth.localTokenSeconds, CUSTOMER_PERMISSIONS),
    customers: new CustomerLoginRepository(),
    builtIn,
  })
}
