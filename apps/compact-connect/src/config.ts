import { randomBytes } from 'node:crypto'
import { join, resolve } from 'node:path'
import { ConfigError, EnvReader, loadBaseConfig, secret, type BaseConfig, type EnvSource } from '@hearth/kernel'
import { readAuthorizeNetSettings, type AuthorizeNetSettings } from '@hearth/kernel/payments'
import { readMailSettings, type MailSettings } from '@hearth/kernel/mail'
import { readSealingKeys, type SealingKey } from '@hearth/kernel/jobs'
import { readS3StoreSettings, type S3StoreSettings } from '@hearth/kernel/storage'
import { loadAuthConfig, type AuthConfig } from './auth/auth.config.ts'

export const APP_NAME = 'compact-connect'
export const DEFAULT_PORT = 8003

/** One AES-256-GCM key for the SSN vault; the id is stored with every row so keys can rotate. */
export interface SsnKey {
  readonly id: string
  readonly key: Buffer
}

export interface CompactConnectConfig extends BaseConfig {
  /** Identity pools, token lifetimes, hosted login, reCAPTCHA and SSN limits (CC-B, `src/auth/auth.config.ts`). */
  readonly auth: AuthConfig
  /**
   * `SSN_ENCRYPTION_KEY` (or `_FILE`): base64 of 32 bytes, optionally `keyId:base64`. Several keys may be given
   * comma-separated; the first encrypts, all decrypt (rotation). Generated and kept under `DATA_DIR` outside production.
   */
  readonly ssnEncryptionKeys: readonly SsnKey[]
  /** `SSN_HMAC_KEY` (or `_FILE`): the keyed hash that finds a provider by SSN without decrypting any row. */
  readonly ssnHmacKey: Buffer
  /**
   * `JOB_SEALING_KEY` (or `_FILE`, cc-identity): the kernel's sealed job payloads — the invitation, reset-code,
   * recovery-link and e-mail-code jobs rest encrypted in `jobs` and are erased when sent. `keyId:base64` entries.
   */
  readonly jobSealingKeys: readonly SealingKey[]
  /** `JOBS_ENABLED`: run the job worker in this process (default true). */
  readonly jobsEnabled: boolean
  readonly jobPollIntervalMs: number
  /** `INGEST_BATCH_SIZE`: licenses per ingest transaction (a CSV batch, a JSON upload's job); the original queued 100. */
  readonly ingestBatchSize: number
  /** `FEATURE_FLAGS` (cc-ingest): `flag=on|off` pairs that override the `feature_flags` table in this deployment. */
  readonly featureFlagOverrides: Readonly<Record<string, boolean>>
  /** `BULK_UPLOAD_MAX_BYTES`: the CSV bulk upload limit (30 MB, as the original's presigned POST). */
  readonly bulkUploadMaxBytes: number
  /** `BULK_UPLOAD_SIGNING_KEY` (or `_FILE`): signs the bulk-upload POST policies (the presigned S3 POST's role). */
  readonly bulkUploadSigningKey: string
  /** `SIGNATURE_MAX_SKEW_SECONDS`: the State API replay window for `X-Timestamp` (±60 s). */
  readonly signatureMaxSkewSeconds: number
  /** `PUBLIC_URL`: the app's absolute origin (bulk-upload URLs); default `http://HOST:PORT`. */
  readonly publicUrl: string
  /** `CC_UI_URL`: the web app's origin, for `providerUIUrl` in State API answers. */
  readonly uiUrl: string
  /** `ALLOWED_ORIGINS`: browser origins CORS allows (the original's per-environment list); `CORS_ORIGINS` overrides. */
  readonly allowedOrigins: string[]
  /**
   * Authorize.Net (CC-C): `AUTHORIZE_NET_API_URL`, `AUTHORIZE_NET_SANDBOX`, `AUTHORIZE_NET_TIMEOUT_MS`. Merchant
   * credentials are per compact, uploaded through the credentials endpoint (§2.5).
   */
  readonly authorizeNet: AuthorizeNetSettings
  /** True outside production when no `AUTHORIZE_NET_API_URL` is set: purchases go to the kernel's local fake. */
  readonly paymentFake: boolean
  /** `PAYMENT_CREDENTIALS_KEY` (or `_FILE`): base64 of 32 bytes; encrypts the stored processor secrets (CC-C). */
  readonly paymentCredentialsKey: Buffer
  /** `SMTP_URL`, `MAIL_FROM_ADDRESS`, `MAIL_FROM_NAME` (kernel mail); no `SMTP_URL` → mail is logged, not sent. */
  readonly mail: MailSettings
  // ---- cc-mail-jobs ----
  /** `SCHEDULES_ENABLED`: this process takes part in the §5 schedules (each period still runs once across processes). Default: on, except in QA mode, where tests drive them. */
  readonly schedulesEnabled: boolean
  /** `REPORTS_DIR`: where transaction report zips are stored on disk when no S3 store is configured (default `DATA_DIR/reports`). */
  readonly reportsDir: string
  /**
   * cc-s3-rollback: the S3-compatible object store (`S3_*`); unset → military documents, report zips and rollback
   * results stay on disk. One bucket holds all three unless `S3_DOCUMENTS_BUCKET` / `S3_REPORTS_BUCKET` /
   * `S3_ROLLBACK_RESULTS_BUCKET` name their own (the original had three buckets).
   */
  readonly objectStorage: ObjectStorageSettings
  /** cc-search: `CC_PUBLIC_PROVIDER_MIN_MS`, the public GET provider's minimum response time (§4.14: 1 s). */
  readonly publicProviderMinimumMs: number
}

export interface ObjectStorageSettings {
  readonly s3: S3StoreSettings | undefined
  readonly buckets: { readonly documents: string; readonly reports: string; readonly rollbackResults: string } | undefined
}

function readObjectStorage(source: EnvSource): ObjectStorageSettings {
  const s3 = readS3StoreSettings(source)
  if (!s3) return { s3: undefined, buckets: undefined }
  const env = new EnvReader(source)
  return {
    s3,
    buckets: {
      documents: env.string('S3_DOCUMENTS_BUCKET', s3.bucket)!,
      reports: env.string('S3_REPORTS_BUCKET', s3.bucket)!,
      rollbackResults: env.string('S3_ROLLBACK_RESULTS_BUCKET', s3.bucket)!,
    },
  }
}

function decodeKey(name: string, value: string, index: number): SsnKey {
  const [first, second] = value.includes(':') ? value.split(':', 2) : [`k${index + 1}`, value]
  const key = Buffer.from(second!.trim(), 'base64')
  if (key.length !== 32) throw new ConfigError(name, 'must be base64 of 32 bytes (optionally "keyId:base64", comma-separated for rotation)')
  return { id: first!.trim(), key }
}

export function loadConfig(source: EnvSource, options: { alone?: boolean } = {}): CompactConnectConfig {
  const base = loadBaseConfig(source, { app: APP_NAME, defaultPort: DEFAULT_PORT, alone: options.alone })
  const env = new EnvReader(source)
  const generate = () => `k1:${randomBytes(32).toString('base64')}`
  const ssnEncryptionKeys = secret(source, base, 'SSN_ENCRYPTION_KEY', { generate })
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part, index) => decodeKey('SSN_ENCRYPTION_KEY', part, index))
  if (ssnEncryptionKeys.length === 0) throw new ConfigError('SSN_ENCRYPTION_KEY', 'is empty')
  if (new Set(ssnEncryptionKeys.map((key) => key.id)).size !== ssnEncryptionKeys.length) throw new ConfigError('SSN_ENCRYPTION_KEY', 'names a key id twice')
  const ssnHmacKey = Buffer.from(secret(source, base, 'SSN_HMAC_KEY', { generate: () => randomBytes(32).toString('base64') }), 'base64')
  if (ssnHmacKey.length < 32) throw new ConfigError('SSN_HMAC_KEY', 'must be base64 of at least 32 bytes')
  const authorizeNet = readAuthorizeNetSettings(source, { production: base.env === 'production' })
  const paymentCredentialsKey = Buffer.from(secret(source, base, 'PAYMENT_CREDENTIALS_KEY', { generate: () => randomBytes(32).toString('base64') }), 'base64')
  if (paymentCredentialsKey.length !== 32) throw new ConfigError('PAYMENT_CREDENTIALS_KEY', 'must be base64 of 32 bytes')
  return Object.freeze({
    ...base,
    authorizeNet,
    paymentFake: base.env !== 'production' && authorizeNet.apiUrl === undefined,
    paymentCredentialsKey,
    mail: readMailSettings(source, { fromAddress: 'noreply@compactconnect.org', fromName: 'CompactConnect' }),
    auth: loadAuthConfig(source, base),
    ssnEncryptionKeys: Object.freeze(ssnEncryptionKeys),
    ssnHmacKey,
    jobSealingKeys: Object.freeze(readSealingKeys(source, base)),
    jobsEnabled: env.bool('JOBS_ENABLED', true),
    jobPollIntervalMs: env.int('JOB_POLL_INTERVAL_MS', 500, { min: 10 }),
    ingestBatchSize: env.int('INGEST_BATCH_SIZE', 1000, { min: 1, max: 5000 }),
    featureFlagOverrides: parseFlagOverrides(env.list('FEATURE_FLAGS') ?? []),
    bulkUploadMaxBytes: env.int('BULK_UPLOAD_MAX_BYTES', 30 * 1024 * 1024, { min: 1 }),
    bulkUploadSigningKey: secret(source, base, 'BULK_UPLOAD_SIGNING_KEY', { minLength: 32 }),
    signatureMaxSkewSeconds: env.int('SIGNATURE_MAX_SKEW_SECONDS', 60, { min: 1, max: 3600 }),
    uiUrl: (env.url('CC_UI_URL', ['http:', 'https:']) ?? 'http://localhost:3018').replace(/\/$/, ''),
    allowedOrigins: env.list('ALLOWED_ORIGINS') ?? ['http://localhost:3018', 'http://localhost:8080'],
    schedulesEnabled: env.bool('SCHEDULES_ENABLED', base.env !== 'qa'),
    reportsDir: resolve(env.string('REPORTS_DIR', join(base.dataDir, 'reports'))!),
    objectStorage: readObjectStorage(source),
    publicProviderMinimumMs: env.int('CC_PUBLIC_PROVIDER_MIN_MS', 1000, { min: 0, max: 10_000 }), // cc-search
    publicUrl: (env.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://${base.host}:${base.port}`).replace(/\/$/, ''),
  })
}

/** `FEATURE_FLAGS=license-ssn-correction-migration-flag=on,test-flag=off` → `{flag: boolean}` (cc-ingest). */
function parseFlagOverrides(items: readonly string[]): Record<string, boolean> {
  const overrides: Record<string, boolean> = {}
  for (const item of items) {
    const match = /^([a-z0-9-]+)=(on|off|true|false)$/.exec(item.trim())
    if (!match) throw new ConfigError('FEATURE_FLAGS', `expected flag=on|off, got "${item}"`)
    overrides[match[1]!] = match[2] === 'on' || match[2] === 'true'
  }
  return overrides
}
