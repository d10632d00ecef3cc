import { join } from 'node:path'
import { ConfigError, EnvReader, type BaseConfig, type EnvSource } from '@hearth/kernel'

/** The three identity pools of the original (Cognito user pools and the state app-client pool). */
export type Pool = 'staff' | 'provider' | 'state'
export const POOLS: readonly Pool[] = ['staff', 'provider', 'state']

export interface PoolSettings {
  /** `iss` of the pool's tokens. */
  readonly issuer: string
  /** Where the pool's keys are published; undefined → the built-in identity service's own key. */
  readonly jwksUrl: string | undefined
  /** The web app's client id (staff access tokens carry it as `client_id`, provider ID tokens as `aud`). */
  readonly clientId: string
}

export interface AuthConfig {
  /** `builtin`: this app issues tokens (development, QA, small deployments); `external`: an OIDC provider does. */
  readonly identityProvider: 'builtin' | 'external'
  /** The built-in service's key pair file (`DATA_DIR/identity/compact-connect.json`), used when no key is configured. */
  readonly signingKeyFile: string
  /** `CC_IDENTITY_SIGNING_KEY` (or `_FILE`): PKCS#8 PEM of the RSA signing key, shared by every host of a deployment. */
  readonly signingKeyPem: string | undefined
  readonly pools: Readonly<Record<Pool, PoolSettings>>
  /** Access and ID token lifetime (`CC_TOKEN_LIFETIME_SECONDS`). */
  readonly tokenLifetimeSeconds: number
  /** State app-client tokens (`expires_in: 900`, §9.11). */
  readonly clientTokenLifetimeSeconds: number
  readonly refreshTokenLifetimeSeconds: number
  /** Authorization codes live this long (`CC_AUTH_CODE_SECONDS`, default 300). */
  readonly authorizationCodeSeconds: number
  /** Redirect URIs the hosted login may send a code to, and logout may return to (`CC_OAUTH_REDIRECT_URIS`); empty = any http(s) URI outside production. */
  readonly redirectUris: readonly string[]
  readonly recaptcha: {
    readonly enabled: boolean
    /** Google's `siteverify`, or a local fake in tests / the built-in QA fake. */
    readonly verifyUrl: string | undefined
    readonly secret: string
  }
  /** Shortest registration answer (`CC_REGISTRATION_MIN_MS`, 2 s as the original: no timing oracle). */
  readonly registrationMinimumMs: number
  /** Trust `X-Forwarded-For` for the registration rate limit (`CC_TRUST_PROXY`). */
  readonly trustProxy: boolean
  /** Staff must sign in with a TOTP authenticator (enrolled at the first sign-in), as the original's staff pool (`CC_STAFF_MFA_REQUIRED`). */
  readonly staffMfaRequired: boolean
  /** How long an invitation's temporary password works (`CC_TEMPORARY_PASSWORD_DAYS`, Cognito's default 7). */
  readonly temporaryPasswordDays: number
  /** Shortest answers of the account-recovery routes (§4.14: initiate 5 s, verify 3 s). */
  readonly recoveryInitiateMinimumMs: number
  readonly recoveryVerifyMinimumMs: number
  /** SSN read limits (§4.14). */
  readonly ssnPerUserLimit: number
  readonly ssnGlobalLimit: number
}

const DEFAULT_CLIENT_IDS: Record<Pool, string> = { staff: 'compact-connect-staff', provider: 'compact-connect-provider', state: 'compact-connect-state' }

export function loadAuthConfig(source: EnvSource, base: BaseConfig): AuthConfig {
  const env = new EnvReader(source)
  const identityProvider = env.oneOf('CC_IDENTITY_PROVIDER', ['builtin', 'external'] as const, 'builtin')
  const pools = {} as Record<Pool, PoolSettings>
  for (const pool of POOLS) {
    const upper = pool.toUpperCase()
    const jwksUrl = env.url(`CC_${upper}_JWKS_URL`, ['http:', 'https:'])
    if (identityProvider === 'external' && jwksUrl === undefined) throw new ConfigError(`CC_${upper}_JWKS_URL`, 'is required when CC_IDENTITY_PROVIDER=external')
    pools[pool] = {
      issuer: env.string(`CC_${upper}_ISSUER`, `urn:hearth:compact-connect:${pool}`)!,
      jwksUrl: identityProvider === 'external' ? jwksUrl : undefined,
      clientId: env.string(`CC_${upper}_CLIENT_ID`, DEFAULT_CLIENT_IDS[pool])!,
    }
  }
  const recaptchaEnabled = env.bool('CC_RECAPTCHA_ENABLED', base.env !== 'development')
  const verifyUrl = env.url('CC_RECAPTCHA_VERIFY_URL', ['http:', 'https:'])
  if (recaptchaEnabled && base.env === 'production' && verifyUrl === undefined) throw new ConfigError('CC_RECAPTCHA_VERIFY_URL', 'is required in production')
  return Object.freeze({
    identityProvider,
    signingKeyFile: join(base.dataDir, 'identity', 'compact-connect.json'),
    signingKeyPem: env.string('CC_IDENTITY_SIGNING_KEY')?.replace(/\\n/g, '\n'),
    pools: Object.freeze(pools),
    tokenLifetimeSeconds: env.int('CC_TOKEN_LIFETIME_SECONDS', base.env === 'production' ? 300 : 3600, { min: 60, max: 86_400 }),
    clientTokenLifetimeSeconds: 900,
    refreshTokenLifetimeSeconds: env.int('CC_REFRESH_TOKEN_SECONDS', 30 * 86_400, { min: 300, max: 365 * 86_400 }),
    authorizationCodeSeconds: env.int('CC_AUTH_CODE_SECONDS', 300, { min: 30, max: 600 }),
    redirectUris: env.list('CC_OAUTH_REDIRECT_URIS') ?? [],
    recaptcha: Object.freeze({ enabled: recaptchaEnabled, verifyUrl, secret: env.string('CC_RECAPTCHA_SECRET', 'qa-recaptcha-secret')! }),
    registrationMinimumMs: env.int('CC_REGISTRATION_MIN_MS', 2000, { min: 0, max: 10_000 }),
    trustProxy: env.bool('CC_TRUST_PROXY', false),
    staffMfaRequired: env.bool('CC_STAFF_MFA_REQUIRED', true),
    temporaryPasswordDays: env.int('CC_TEMPORARY_PASSWORD_DAYS', 7, { min: 1, max: 365 }),
    recoveryInitiateMinimumMs: env.int('CC_RECOVERY_INITIATE_MIN_MS', 5000, { min: 0, max: 30_000 }),
    recoveryVerifyMinimumMs: env.int('CC_RECOVERY_VERIFY_MIN_MS', 3000, { min: 0, max: 30_000 }),
    ssnPerUserLimit: env.int('CC_SSN_PER_USER_LIMIT', 5, { min: 1, max: 1000 }),
    ssnGlobalLimit: env.int('CC_SSN_GLOBAL_LIMIT', 15, { min: 1, max: 100_000 }),
  })
}
