import { ConfigError, EnvReader, refuseInProduction, type BaseConfig, type EnvSource } from '@hearth/kernel'
import { loadVapidConfig, type VapidConfig } from '@hearth/kernel/push'

export interface WebPushConfig {
  /** `VAPID_PRIVATE_KEY` (+ optional `VAPID_PUBLIC_KEY`, checked against it) and `VAPID_SUBJECT`. */
  readonly vapid: VapidConfig
  /** `PUSH_ALLOW_INSECURE_TLS`: trust self-signed push services (tests and local fakes; refused in production). */
  readonly allowInsecureTls: boolean
}

/** The original's `web-push.vapid` section (spec §6); keys generated under DATA_DIR outside production. */
export function loadWebPushConfig(source: EnvSource, base: BaseConfig): WebPushConfig {
  const env = new EnvReader(source)
  const vapid = loadVapidConfig(source, base, { privateKeyVariable: 'VAPID_PRIVATE_KEY', defaultSubject: base.env === 'production' ? 'https://prod.gom.com' : 'https://dev.gom.com' })
  const publicKey = env.string('VAPID_PUBLIC_KEY')
  if (publicKey !== undefined && publicKey !== vapid.publicKey) throw new ConfigError('VAPID_PUBLIC_KEY', 'does not belong to VAPID_PRIVATE_KEY')
  const allowInsecureTls = env.bool('PUSH_ALLOW_INSECURE_TLS', false)
  refuseInProduction(base, 'PUSH_ALLOW_INSECURE_TLS', allowInsecureTls)
  return Object.freeze({ vapid, allowInsecureTls })
}
