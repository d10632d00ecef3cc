import { EnvReader, loadBaseConfig, refuseInProduction, type BaseConfig, type EnvSource } from '@hearth/kernel'
import { loadFirebaseIdentityConfig, type FirebaseIdentityConfig } from '@hearth/kernel/identity'
import { loadVapidConfig, type VapidConfig } from '@hearth/kernel/push'
import { DEFAULT_PUBLIC_LISTS_TTL_MS } from './cache/public-lists.ts'

export const APP_NAME = 'send-a-hug'
export const DEFAULT_PORT = 8004

export interface SendAHugConfig extends BaseConfig {
  /** `FRONTEND`: the one browser origin allowed by CORS (the original's setting). */
  readonly frontendOrigin: string
  readonly identity: FirebaseIdentityConfig
  /** `PRIVATE_VAPID_KEY` (the original's name) and `VAPID_SUBJECT`. */
  readonly vapid: VapidConfig
  /** `PUSH_ALLOW_INSECURE_TLS`: trust self-signed push services (tests and local fakes only). */
  readonly pushAllowInsecureTls: boolean
  /** `PUBLIC_LISTS_CACHE_TTL_MS`: how long a process keeps the public post lists (0: no cache; src/cache/public-lists.ts). */
  readonly publicListsCacheTtlMs: number
}

export function loadSendAHugConfig(source: EnvSource, options: { alone?: boolean } = {}): SendAHugConfig {
  const base = loadBaseConfig(source, { app: APP_NAME, defaultPort: DEFAULT_PORT, alone: options.alone })
  const env = new EnvReader(source)
  const pushAllowInsecureTls = env.bool('PUSH_ALLOW_INSECURE_TLS', false)
  refuseInProduction(base, 'PUSH_ALLOW_INSECURE_TLS', pushAllowInsecureTls)
  return Object.freeze({
    ...base,
    frontendOrigin: env.url('FRONTEND', ['http:', 'https:'])?.replace(/\/$/, '') ?? 'http://localhost:4200',
    identity: loadFirebaseIdentityConfig(source, base, { developmentProjectId: 'hearth-send-a-hug' }),
    vapid: loadVapidConfig(source, base, { privateKeyVariable: 'PRIVATE_VAPID_KEY', defaultSubject: 'mailto:sendahugcom@gmail.com' }),
    pushAllowInsecureTls,
    publicListsCacheTtlMs: env.int('PUBLIC_LISTS_CACHE_TTL_MS', DEFAULT_PUBLIC_LISTS_TTL_MS, { min: 0, max: 3_600_000 }),
  })
}
