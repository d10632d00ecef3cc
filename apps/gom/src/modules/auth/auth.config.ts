import { isAbsolute, resolve } from 'node:path'
import { existsSync, statSync } from 'node:fs'
import { ConfigError, EnvReader, type BaseConfig, type EnvSource } from '@hearth/kernel'

/** The original's local issuer and audience (spec §3.7), fixed facts of the phone-grant tokens. */
export const LOCAL_ISSUER = 'https://auth.gom.com'
export const GOM_AUDIENCE = 'https://gql.gom.com'

export interface CookieOptions {
  readonly maxAgeSeconds?: number
  readonly httpOnly: boolean
  readonly sameSite?: 'lax'
  readonly secure: boolean
}

export interface LimiterSettings {
  readonly points: number
  readonly durationSeconds: number
  readonly blockDurationSeconds: number
}

export interface Auth0Settings {
  readonly clientId: string
  readonly clientSecret: string
  readonly issuer: string
  readonly tokenUrl: string
  readonly jwksUrl: string
  readonly audience: string
  readonly scope: string
}

export interface AuthConfig {
  /** `AUTH0_*`: the production password grant; undefined → the built-in identity provider (§11.2). */
  readonly auth0: Auth0Settings | undefined
  /** `GOM_LOCAL_TOKEN_SECONDS`: lifetime of phone-grant tokens (the original's 1800). */
  readonly localTokenSeconds: number
  readonly cookies: { readonly session: CookieOptions; readonly accessToken: CookieOptions; readonly csrf: CookieOptions }
  readonly limiter: { readonly slowBrute: LimiterSettings; readonly consecutiveFails: LimiterSettings }
  /** `GOM_TRUST_PROXY`: addresses/CIDRs of the proxies whose `X-Forwarded-*` are believed; none by default. */
  readonly trustProxy: readonly string[]
  /** `GOM_UI_DIR`: a built Gom UI served from the same origin; off when unset. */
  readonly uiDir: string | undefined
  /** `GOM_REDIS_PREFIX`: namespace of Gom's keys in a shared Redis (sessions, limiters, push subscriptions); default `<schema>:`. */
  readonly redisPrefix: string
}

const HOUR = 3600
const DAY = 86_400

/**
 * The auth settings of spec §6 in Hearth's environment: the Auth0 section is `AUTH0_*`, the cookie
 * options follow the original's development / production profiles (production when
 * `HEARTH_ENV=production`), the limiter keeps the original's points and durations.
 */
export function loadAuthConfig(source: EnvSource, base: BaseConfig): AuthConfig {
  const env = new EnvReader(source)
  const production = base.env === 'production'
  const clientId = env.string('AUTH0_CLIENT_ID')
  let auth0: Auth0Settings | undefined
  if (clientId !== undefined) {
    const issuerText = env.url('AUTH0_ISSUER', ['https:', 'http:']) ?? 'https://stage-gom.auth0.com/'
    const issuer = issuerText.endsWith('/') ? issuerText : `${issuerText}/`
    auth0 = Object.freeze({
      clientId,
      clientSecret: env.requiredString('AUTH0_CLIENT_SECRET'),
      issuer,
      tokenUrl: env.url('AUTH0_TOKEN_URL', ['https:', 'http:']) ?? `${issuer}oauth/token`,
      jwksUrl: env.url('AUTH0_JWKS_URL', ['https:', 'http:']) ?? `${issuer}.well-known/jwks.json`,
      audience: env.string('AUTH0_AUDIENCE', GOM_AUDIENCE)!,
      scope: env.string('AUTH0_SCOPE', 'openid offline_access')!,
    })
  } else if (production) {
    throw new ConfigError('AUTH0_CLIENT_ID', 'is required in production (the built-in identity provider is for development and QA)')
  }
  const sessionMaxAge = production ? 60 * DAY : HOUR
  const limiter = (name: string, points: number, duration: number, block: number): LimiterSettings => ({
    points: env.int(`GOM_LOGIN_${name}_POINTS`, points, { min: 1, max: 1_000_000 }),
    durationSeconds: env.int(`GOM_LOGIN_${name}_DURATION`, duration, { min: 1, max: 10 * 365 * DAY }),
    blockDurationSeconds: env.int(`GOM_LOGIN_${name}_BLOCK_DURATION`, block, { min: 1, max: 10 * 365 * DAY }),
  })
  const uiDirText = env.string('GOM_UI_DIR')
  let uiDir: string | undefined
  if (uiDirText !== undefined) {
    uiDir = isAbsolute(uiDirText) ? uiDirText : resolve(uiDirText)
    if (!existsSync(uiDir) || !statSync(uiDir).isDirectory()) throw new ConfigError('GOM_UI_DIR', `is not a directory: ${uiDir}`)
  }
  return Object.freeze({
    auth0,
    localTokenSeconds: env.int('GOM_LOCAL_TOKEN_SECONDS', 1800, { min: 1, max: 30 * DAY }),
    cookies: Object.freeze({
      // The original's two profiles (spec §3.1): development `sameSite` off and not `Secure`.
      session: Object.freeze({ maxAgeSeconds: sessionMaxAge, httpOnly: true, secure: production, ...(production ? { sameSite: 'lax' as const } : {}) }),
      accessToken: Object.freeze({ maxAgeSeconds: sessionMaxAge, httpOnly: false, sameSite: 'lax' as const, secure: true }),
      csrf: Object.freeze({ httpOnly: false, sameSite: 'lax' as const, secure: true }),
    }),
    limiter: Object.freeze({
      slowBrute: limiter('SLOW_BRUTE', 50, DAY, DAY),
      consecutiveFails: limiter('CONSECUTIVE_FAILS', 5, 90 * DAY, HOUR),
    }),
    trustProxy: Object.freeze(env.list('GOM_TRUST_PROXY') ?? []),
    uiDir,
    redisPrefix: env.string('GOM_REDIS_PREFIX', `${base.databaseSchema}:`)!,
  })
}

/**
 * Where Gom's keys live in a shared Redis: `GOM_REDIS_PREFIX`, or by default the database schema
 * actually opened (`gom` in production; unique per test file on a real test server).
 */
export function redisNamespace(config: Pick<BaseConfig, 'databaseSchema'> & { auth: Pick<AuthConfig, 'redisPrefix'> }, database: { schema: string }): string {
  return config.auth.redisPrefix === `${config.databaseSchema}:` ? `${database.schema}:` : config.auth.redisPrefix
}
