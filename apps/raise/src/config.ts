import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { ConfigError, EnvReader, loadBaseConfig, refuseInProduction, secret, type BaseConfig, type EnvSource } from '@hearth/kernel'
import { readStripeSettings, type StripeSettings } from '@hearth/kernel/payments'
import { readMailSettings, type MailSettings } from '@hearth/kernel/mail'
import { DEFAULT_PUBLIC_VIEW_TTL_MS } from './cache/public-views.ts'
import { DEFAULT_DONATION_SETTINGS_TTL_MS } from './cache/donation-settings.ts'

export const APP_NAME = 'raise'
export const DEFAULT_PORT = 8001

export interface RaiseConfig extends BaseConfig {
  /** `X-Raise-Version` on every response. */
  readonly version: string
  /** ES256 keys from `JWT_PRIVATE_KEY` / `JWT_PUBLIC_KEY` (PEM); generated and kept in development. */
  readonly jwtPrivateKey: KeyObject
  readonly jwtPublicKey: KeyObject
  /** `JWT_REQUIRE_ISSUED_AT_AFTER`: tokens issued before this Unix time are refused. */
  readonly jwtRequireIssuedAtAfter: number | undefined
  readonly googleLoginEnabled: boolean
  readonly googleClientId: string | undefined
  /** Where Google's signing keys are published (a local JWKS in tests). */
  readonly googleJwksUrl: string
  readonly googleIssuers: string[]
  readonly impersonationLoginEnabled: boolean
  readonly stripe: StripeSettings & { webhookSecret: string }
  /** True when no `STRIPE_SECRET_KEY` is set: the local fake Stripe API runs in-process. */
  readonly stripeFake: boolean
  readonly mail: MailSettings
  readonly slackWebhookUrl: string | undefined
  /** `CUSTOM_RAISE_DOMAIN`, used for the login link in emails. */
  readonly customRaiseDomain: string
  /** `RAISE_COLLECTION_CRON`: when the daily collection runs (UTC), default 08:00. */
  readonly collectionCron: string
  /** `SCHEDULES_ENABLED`: run the schedules (the daily collection) in this process (default true); the worker itself is the kernel's `JOBS_ENABLED`. */
  readonly schedulesEnabled: boolean
  /** `RAISE_STRIPE_RATE_DELAY_MS`: the pause between charges in a collection run (50 ms). */
  readonly collectionDelayMs: number
  /** `PUBLIC_VIEW_CACHE_TTL_MS`: longest a cached public fundraiser view is served without an invalidation (5000; 0: no cache). */
  readonly publicViewCacheTtlMs: number
  /** `DONATION_SETTINGS_CACHE_TTL_MS`: longest a fundraiser's cached donation settings are used without an invalidation (5000; 0: no cache). */
  readonly donationSettingsCacheTtlMs: number
}

function generateEcKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
}

export function loadConfig(source: EnvSource, options: { alone?: boolean } = {}): RaiseConfig {
  const base = loadBaseConfig(source, { app: APP_NAME, defaultPort: DEFAULT_PORT, alone: options.alone })
  const env = new EnvReader(source)
  const privatePem = secret(source, base, 'JWT_PRIVATE_KEY', { generate: generateEcKey }).replace(/\\n/g, '\n')
  let jwtPrivateKey: KeyObject
  try {
    jwtPrivateKey = createPrivateKey(privatePem)
  } catch {
    throw new ConfigError('JWT_PRIVATE_KEY', 'is not a PEM private key')
  }
  if (jwtPrivateKey.asymmetricKeyType !== 'ec') throw new ConfigError('JWT_PRIVATE_KEY', 'must be an ECDSA P-256 key (ES256)')
  const publicPem = env.string('JWT_PUBLIC_KEY')?.replace(/\\n/g, '\n')
  const jwtPublicKey = publicPem ? createPublicKey(publicPem) : createPublicKey(jwtPrivateKey)

  const impersonation = env.bool('IMPERSONATION_LOGIN_ENABLED', base.env !== 'production')
  refuseInProduction(base, 'IMPERSONATION_LOGIN_ENABLED', impersonation)
  const googleClientId = env.string('GOOGLE_LOGIN_CLIENT_ID')
  const googleLoginEnabled = env.bool('GOOGLE_LOGIN_ENABLED', googleClientId !== undefined)
  if (googleLoginEnabled && !googleClientId) throw new ConfigError('GOOGLE_LOGIN_CLIENT_ID', 'is required when GOOGLE_LOGIN_ENABLED is on')

  const stripeSettings = readStripeSettings(source)
  const stripeFake = stripeSettings.secretKey === undefined
  if (stripeFake && base.env === 'production') throw new ConfigError('STRIPE_SECRET_KEY', 'is required in production')
  const webhookSecret =
    stripeSettings.webhookSecret ??
    secret(source, base, 'STRIPE_WEBHOOK_SECRET', {
      generate: () =>
        `whsec_${generateEcKey()
          .slice(40, 72)
          .replace(/[^A-Za-z0-9]/g, 'x')}`,
    })
  const issuedAfter = env.raw('JWT_REQUIRE_ISSUED_AT_AFTER')

  return Object.freeze({
    ...base,
    version: env.string('RAISE_VERSION', 'hearth-0.1.0')!,
    jwtPrivateKey,
    jwtPublicKey,
    jwtRequireIssuedAtAfter: issuedAfter === undefined ? undefined : env.int('JWT_REQUIRE_ISSUED_AT_AFTER', 0),
    googleLoginEnabled,
    googleClientId,
    googleJwksUrl: env.url('GOOGLE_JWKS_URL', ['https:', 'http:']) ?? 'https://www.googleapis.com/oauth2/v3/certs',
    googleIssuers: env.list('GOOGLE_ISSUERS') ?? ['accounts.google.com', 'https://accounts.google.com'],
    impersonationLoginEnabled: impersonation,
    stripe: { ...stripeSettings, webhookSecret },
    stripeFake,
    mail: readMailSettings(source, { fromAddress: 'national@joinraise.org', fromName: 'Raise National' }),
    slackWebhookUrl: env.url('SLACK_WEBHOOK_URL', ['https:', 'http:']),
    customRaiseDomain: env.string('CUSTOM_RAISE_DOMAIN', `http://${base.host}:${base.port}`)!,
    collectionCron: env.string('RAISE_COLLECTION_CRON', '0 8 * * *')!,
    schedulesEnabled: env.bool('SCHEDULES_ENABLED', true),
    collectionDelayMs: env.int('RAISE_STRIPE_RATE_DELAY_MS', 50, { min: 0 }),
    publicViewCacheTtlMs: env.int('PUBLIC_VIEW_CACHE_TTL_MS', DEFAULT_PUBLIC_VIEW_TTL_MS, { min: 0, max: 3_600_000 }),
    donationSettingsCacheTtlMs: env.int('DONATION_SETTINGS_CACHE_TTL_MS', DEFAULT_DONATION_SETTINGS_TTL_MS, { min: 0, max: 3_600_000 }),
  })
}
