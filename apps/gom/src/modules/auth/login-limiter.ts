import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { Redis } from '@hearth/kernel'
import { deleteByPattern } from '../../session/session-store.ts'
import type { LimiterSettings } from './auth.config.ts'

/** The original's key prefixes (spec §4); a record's key is `<keyPrefix>:<key>`. */
export const SLOW_BRUTE_PREFIX = 'login_slow_brute_'
export const CONSECUTIVE_FAILS_PREFIX = 'login_consecutive_fails_'

const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000)

/** The limiter's store failed (Redis down): the login answers 503 (spec §10.8), not 500. */
export class LimiterUnavailableError extends Error {
  constructor(cause: unknown) {
    super('login limiter store unavailable', { cause })
    this.name = 'LimiterUnavailableError'
  }
}

/**
 * The two login limiters of spec §4 with the original's keys, points and durations: slow brute
 * force per IP (every 403 failure), consecutive failures per username and IP (only failures where
 * the account exists). `RateLimiterRedis` when Redis is configured, so every Gom process counts
 * together; `RateLimiterMemory` otherwise.
 */
export class LoginLimiter {
  private slowBrute!: RateLimiterAbstract
  private consecutiveFails!: RateLimiterAbstract

  constructor(
    private readonly settings: { slowBrute: LimiterSettings; consecutiveFails: LimiterSettings },
    private readonly redis: Redis | undefined,
    /** Namespace in a shared Redis (`<schema>:`); the original's prefixes follow it. */
    private readonly namespace = '',
  ) {
    this.build()
  }

  private build() {
    const make = (keyPrefix: string, limits: LimiterSettings) => {
      const options = { keyPrefix: `${this.namespace}${keyPrefix}`, points: limits.points, duration: limits.durationSeconds, blockDuration: limits.blockDurationSeconds }
      // Fail fast while Redis is disconnected instead of waiting in the offline queue.
      if (this.redis) return new RateLimiterRedis({ ...options, storeClient: this.redis, rejectIfRedisNotReady: true })
      // The memory store expires records with setTimeout, which cannot wait longer than 2^31-1 ms
      // (~24.8 days; a longer one fires at once and forgets the record): in-process, the 90-day
      // window of consecutive failures is therefore capped at ~24 days.
      return new RateLimiterMemory({ ...options, duration: Math.min(options.duration, MAX_TIMER_SECONDS), blockDuration: Math.min(options.blockDuration, MAX_TIMER_SECONDS) })
    }
    this.slowBrute = make(SLOW_BRUTE_PREFIX, this.settings.slowBrute)
    this.consecutiveFails = make(CONSECUTIVE_FAILS_PREFIX, this.settings.consecutiveFails)
  }

  /** Seconds the caller must wait (0: not blocked). The original's pre-check, step 1 of §3.3. */
  async retryAfter(username: string, ip: string): Promise<number> {
    const [slow, consecutive] = await this.guard(() => Promise.all([this.slowBrute.get(ip), this.consecutiveFails.get(userKey(username, ip))]))
    const wait = (record: RateLimiterRes | null) => Math.round(record!.msBeforeNext / 1000) || 1
    if (slow !== null && slow.consumedPoints > this.settings.slowBrute.points) return wait(slow)
    if (consecutive !== null && consecutive.consumedPoints > this.settings.consecutiveFails.points) return wait(consecutive)
    return 0
  }

  /** A 403 login failure: slow-brute always, consecutive-fails only when the account exists. */
  async failed(username: string, ip: string, accountExists: boolean): Promise<void> {
    await this.guard(() => Promise.all([consumeOne(this.slowBrute, ip), ...(accountExists ? [consumeOne(this.consecutiveFails, userKey(username, ip))] : [])]))
  }

  /** A successful login forgets the user's consecutive failures (slow-brute never resets). */
  async succeeded(username: string, ip: string): Promise<void> {
    const key = userKey(username, ip)
    await this.guard(async () => {
      const record = await this.consecutiveFails.get(key)
      if (record !== null && record.consumedPoints > 0) await this.consecutiveFails.delete(key)
    })
  }

  /** Every counter and block gone (QA seed). */
  async reset(): Promise<void> {
    if (this.redis) {
      await deleteByPattern(this.redis, `${this.namespace}${SLOW_BRUTE_PREFIX}:*`)
      await deleteByPattern(this.redis, `${this.namespace}${CONSECUTIVE_FAILS_PREFIX}:*`)
    } else {
      this.build()
    }
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw new LimiterUnavailableError(error)
    }
  }
}

function userKey(username: string, ip: string): string {
  return `${username}_${ip}`
}

/** One point; running out of points is the expected outcome here, not an error. */
async function consumeOne(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key)
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection
  }
}
