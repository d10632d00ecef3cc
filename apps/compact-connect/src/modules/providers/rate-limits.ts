import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { Redis } from '@hearth/kernel'
import { CompactConnectError } from '../../errors.ts'

const PREFIX = 'cc-rl'

/** The limits of §4.4 and §4.14, each a window over which requests are counted. */
export const LIMIT_WINDOWS = {
  /** SSN reads per staff user and globally: 24 hours. */
  'ssn-user': 24 * 3600,
  'ssn-global': 24 * 3600,
  /** Registration attempts per source address: 15 minutes. */
  registration: 15 * 60,
} as const
export type LimitName = keyof typeof LIMIT_WINDOWS

export const limitStoreDown = () => new CompactConnectError(503, 'Service temporarily unavailable; try again shortly.')

/**
 * Attempt counters with rate-limiter-flexible: shared through Redis when `REDIS_URL` is set (every
 * process counts together), in this process's memory otherwise. `hit` counts one attempt and returns
 * how many there were in the window including this one; the caller decides what the count means
 * (the SSN limit disables a user on the 7th, §4.14). A Redis outage is a 503, never a silent pass.
 */
export class RateLimits {
  private limiters = new Map<LimitName, RateLimiterAbstract>()

  /** `namespace` keeps deployments (and test databases) sharing one Redis apart: the app's database schema. */
  constructor(
    private readonly redis: Redis | undefined,
    private readonly namespace = 'compact_connect',
  ) {}

  private limiter(name: LimitName): RateLimiterAbstract {
    let limiter = this.limiters.get(name)
    if (!limiter) {
      const options = { keyPrefix: `${PREFIX}:${this.namespace}:${name}`, points: 1_000_000, duration: LIMIT_WINDOWS[name] }
      limiter = this.redis ? new RateLimiterRedis({ ...options, storeClient: this.redis, useRedisPackage: false }) : new RateLimiterMemory(options)
      this.limiters.set(name, limiter)
    }
    return limiter
  }

  async hit(name: LimitName, key: string): Promise<number> {
    try {
      const result = await this.limiter(name).consume(key, 1)
      return result.consumedPoints
    } catch (error) {
      if (error instanceof RateLimiterRes) return error.consumedPoints
      throw limitStoreDown()
    }
  }

  /** Forgets every counter (a QA seed resets the rate-limit records, §9.1). */
  async reset(): Promise<void> {
    this.limiters.clear()
    if (!this.redis) return
    try {
      const keys = await this.redis.keys(`${PREFIX}:${this.namespace}:*`)
      if (keys.length > 0) await this.redis.del(...keys)
    } catch {
      throw limitStoreDown()
    }
  }
}
