import { createECDH } from 'node:crypto'
import type { Agent } from 'node:https'
import webpush from 'web-push'
import { ConfigError, EnvReader, secret, type BaseConfig, type EnvSource } from '../config/index.ts'

export interface VapidConfig {
  /** URL-safe base64 of the uncompressed P-256 public key (what browsers get as applicationServerKey). */
  readonly publicKey: string
  /** URL-safe base64 of the 32-byte P-256 private key. */
  readonly privateKey: string
  /** The `sub` claim: a `mailto:` or `https:` contact for the push service. */
  readonly subject: string
}

export interface VapidConfigOptions {
  /** The variable holding the private key (Send A Hug's original calls it `PRIVATE_VAPID_KEY`). */
  privateKeyVariable?: string
  subjectVariable?: string
  defaultSubject: string
}

/**
 * VAPID keys from the environment. Only the private key is needed (the public key is derived from
 * it); outside production a missing key is generated once and kept under DATA_DIR, so browser
 * subscriptions survive restarts. Production refuses to start without it.
 */
export function loadVapidConfig(source: EnvSource, config: Pick<BaseConfig, 'env' | 'dataDir'>, options: VapidConfigOptions): VapidConfig {
  const variable = options.privateKeyVariable ?? 'VAPID_PRIVATE_KEY'
  const privateKey = secret(source, config, variable, { generate: () => webpush.generateVAPIDKeys().privateKey })
  const raw = Buffer.from(privateKey, 'base64url')
  if (raw.length !== 32) throw new ConfigError(variable, 'must be a URL-safe base64 P-256 private key (32 bytes)')
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(raw)
  const subject = new EnvReader(source).string(options.subjectVariable ?? 'VAPID_SUBJECT', options.defaultSubject)!
  if (!/^(mailto:|https:)/.test(subject)) throw new ConfigError(options.subjectVariable ?? 'VAPID_SUBJECT', 'must start with mailto: or https:')
  return Object.freeze({ privateKey, publicKey: ecdh.getPublicKey().toString('base64url'), subject })
}

/** A browser PushSubscription as the client sent it (extra fields are carried along). */
export interface PushTarget {
  endpoint: string
  keys: { p256dh: string; auth: string }
  expirationTime?: number | null
}

export interface PushOutcome<T extends PushTarget> {
  delivered: T[]
  /** Answered 404 or 410: the subscription is gone for good; the caller deletes it. */
  dead: T[]
  /** Anything else (network error, 429, 5xx): kept, tried again next time. */
  failed: { target: T; error: string }[]
}

export interface PushSenderOptions {
  vapid: VapidConfig
  /** How long the push service keeps an undelivered message (seconds). */
  ttlSeconds?: number
  timeoutMs?: number
  /** An HTTPS agent (tests pass one that trusts a self-signed local push service). */
  agent?: Agent
}

export interface PushSender {
  readonly publicKey: string
  /** Encrypts `payload` (JSON) for each subscription and sends it; never throws for a failed delivery. */
  send<T extends PushTarget>(targets: readonly T[], payload: unknown): Promise<PushOutcome<T>>
}

/** Web Push with VAPID and aes128gcm-encrypted payloads (`web-push`), to every subscription at once. */
export function createPushSender(options: PushSenderOptions): PushSender {
  const { vapid } = options
  const requestOptions = {
    vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    TTL: options.ttlSeconds ?? 24 * 3600,
    timeout: options.timeoutMs ?? 10_000,
    contentEncoding: 'aes128gcm' as const,
    ...(options.agent ? { agent: options.agent } : {}),
  }
  return {
    publicKey: vapid.publicKey,
    async send(targets, payload) {
      const body = JSON.stringify(payload)
      const outcome: PushOutcome<(typeof targets)[number]> = { delivered: [], dead: [], failed: [] }
      await Promise.all(
        targets.map(async (target) => {
          try {
            await webpush.sendNotification({ endpoint: target.endpoint, keys: target.keys }, body, requestOptions)
            outcome.delivered.push(target)
          } catch (error) {
            const status = (error as { statusCode?: number }).statusCode
            if (status === 404 || status === 410) outcome.dead.push(target)
            else outcome.failed.push({ target, error: status ? `push service answered ${status}` : (error as Error).message })
          }
        }),
      )
      return outcome
    },
  }
}
