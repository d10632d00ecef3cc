import { createRateLimit, RateLimitUnavailableError, type RateLimit } from '@hearth/kernel/limits'
import type { Redis } from '@hearth/kernel'
import { CompactConnectError } from '../../errors.ts'

const PREFIX = 'cc-rl'

/** The limits of §4.4, §4.5 and §4.14, each a window over which requests are counted. */
export const LIMIT_WINDOWS = {
  /** SSN reads per staff user and globally: 24 hours. */
  'ssn-user': 24 * 3600,
  'ssn-global': 24 * 3600,
  /** Registration attempts per source address: 15 minutes. */
  registration: 15 * 60,
  /** Forgotten-password codes sent per identity: one hour (more than 5 are not sent). */
  'forgot-password': 3600,
  /** E-mail change codes tried per provider: 15 minutes (more than 5 are a 429). */
  'email-verify': 15 * 60,
  /** Account recovery initiations per provider: one hour (more than 3 are ignored). */
  'recovery-initiate': 3600,
  /** Account recovery verifications per provider: 15 minutes (more than 2 are a 429). */
  'recovery-verify': 15 * 60,
  /** `VerifySoftwareToken` tries per practitioner (cc-identity): 15 minutes (more than 5 are refused). */
  'totp-verify': 15 * 60,
} as const
export type LimitName = keyof typeof LIMIT_WINDOWS

/** CompactConnect's wording of the kernel's `limitUnavailable()` 503. */
export const limitStoreDown = () => new CompactConnectError(503, 'Service temporarily unavailable; try again shortly.')

// The counts matter, not a refusal by the store: each caller decides what the n-th attempt means (the
// SSN limit disables a user on the 7th, §4.14), so a limit never runs out of points.
const NEVER_REFUSED = 1_000_000

/**
 * Attempt counters on the kernel's `limits` (rate-limiter-flexible): shared through Redis when
 * `REDIS_URL` is set (every process counts together), in this process's memory otherwise. `hit`
 * counts one attempt and returns how many there were in the window including this one. A store
 * outage is a 503, never a silent pass.
 */
export class RateLimits {
  private limits = new Map<LimitName, RateLimit>()

  /** `namespace` keeps deployments (and test databases) sharing one Redis apart: the app's database schema. */
  constructor(
    private readonly redis: Redis | undefined,
    private readonly namespace = 'compact_connect',
  ) {}

  private limit(name: LimitName): RateLimit {
    let limit = this.limits.get(name)
    if (!limit) {
      limit = createRateLimit({ redis: this.redis, keyPrefix: `${PREFIX}:${this.namespace}:${name}`, points: NEVER_REFUSED, durationSeconds: LIMIT_WINDOWS[name] })
      this.limits.set(name, limit)
    }
    return limit
  }

  async hit(name: LimitName, key: string): Promise<number> {
    try {
      return (await this.limit(name).consume(key)).consumed
    } catch (error) {
      // RateLimitUnavailableError from the kernel, or a Redis client that fails as soon as it is touched.
      if (error instanceof RateLimitUnavailableError || this.redis) throw limitStoreDown()
      throw error
    }
  }

  /**
   * Forgets every counter (a QA seed resets the rate-limit records, §9.1). The kernel's limits forget
   * one key at a time, so the namespace's Redis keys are deleted here; in memory new limits start empty.
   */
  async reset(): Promise<void> {
    this.limits.clear()
    if (!this.redis) return
    try {
      const keys = await this.redis.keys(`${PREFIX}:${this.namespace}:*`)
      if (keys.length > 0) await this.redis.del(...keys)
    } catch {
      throw limitStoreDown()
    }
  }
}
