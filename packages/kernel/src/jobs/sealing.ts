import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { ConfigError, secret, type BaseConfig, type EnvSource } from '../config/index.ts'

/** One AES-256-GCM key; its id is stored with every sealed payload so keys can rotate. */
export interface SealingKey {
  id: string
  key: Buffer
}

/** A payload as it rests in the `jobs` table when it was enqueued with `sealed: true`. */
export interface SealedPayload {
  $sealed: { kid: string; iv: string; tag: string; data: string }
}

/** What a sealed job's payload becomes once the job is done or has failed for good. */
export const ERASED_PAYLOAD = { $erased: true } as const

/**
 * Seals job payloads that carry secrets (temporary passwords, reset codes, recovery links) so the outbox
 * row never holds them in clear: AES-256-GCM with a random 96-bit IV, the job name as associated data (a
 * sealed payload cannot be replayed under another job), sealed with the first key, opened with any key.
 */
export interface PayloadSealer {
  seal(jobName: string, payload: unknown): SealedPayload
  open(jobName: string, sealed: SealedPayload): unknown
}

export function isSealedPayload(payload: unknown): payload is SealedPayload {
  return typeof payload === 'object' && payload !== null && '$sealed' in payload
}

export function createPayloadSealer(keys: SealingKey[]): PayloadSealer {
  const [current] = keys
  if (!current) throw new Error('createPayloadSealer: at least one key is needed')
  for (const key of keys) if (key.key.length !== 32) throw new Error(`createPayloadSealer: key "${key.id}" is not 32 bytes`)
  const byId = new Map(keys.map((key) => [key.id, key.key]))
  return {
    seal(jobName, payload) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', current.key, iv)
      cipher.setAAD(Buffer.from(jobName))
      const data = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()])
      return { $sealed: { kid: current.id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') } }
    },
    open(jobName, { $sealed: sealed }) {
      const key = byId.get(sealed.kid)
      if (!key) throw new Error(`sealed job payload: unknown key id "${sealed.kid}"`)
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'))
      decipher.setAAD(Buffer.from(jobName))
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'))
      return JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8'))
    },
  }
}

const VARIABLE = 'JOB_SEALING_KEY'

/**
 * `JOB_SEALING_KEY` (or `JOB_SEALING_KEY_FILE`): comma-separated `keyId:base64` entries of 32-byte keys; the
 * first seals, all open (rotation: put the new key first, drop the old one when no queued job uses it).
 * Required in production; elsewhere one is generated and kept in `DATA_DIR/secrets.json`.
 */
export function readSealingKeys(source: EnvSource, config: Pick<BaseConfig, 'env' | 'dataDir'>): SealingKey[] {
  const value = secret(source, config, VARIABLE, { generate: () => `k1:${randomBytes(32).toString('base64')}` })
  const keys = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, index) => {
      const colon = part.indexOf(':')
      if (colon <= 0) throw new ConfigError(VARIABLE, `entry ${index + 1} must be keyId:base64`)
      const key = Buffer.from(part.slice(colon + 1), 'base64')
      if (key.length !== 32) throw new ConfigError(VARIABLE, `entry ${index + 1} must be base64 of 32 bytes`)
      return { id: part.slice(0, colon), key }
    })
  if (keys.length === 0) throw new ConfigError(VARIABLE, 'is empty')
  if (new Set(keys.map((key) => key.id)).size !== keys.length) throw new ConfigError(VARIABLE, 'names a key id twice')
  return keys
}
