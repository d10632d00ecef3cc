import { createRateLimit, RateLimitUnavailableError, type RateLimit, type RateLimitState } from '@hearth/kernel/limits'
import type { Redis } from '@hearth/kernel'
import type { LimiterSettings } from './auth.config.ts'

/** The original's key prefixes (spec §4); a record's key is `<keyPrefix>:<key>`. */
export const SLOW_BRUTE_PREFIX = 'login_slow_brute_'
export const CONSECUTIVE_FAILS_PREFIX = 'login_consecutive_fails_'

/** The limiter's store failed (Redis down): the login answers 503 (spec §10.8), not 500. The kernel's error. */
export { RateLimitUnavailableError as LimiterUnavailableError }

/**
 * The two login limiters of spec §4 with the original's keys, points and durations: slow brute
 * force per IP (every 403 failure), consecutive failures per username and IP (only failures where
 * the account exists). Both are kernel rate limits (`@hearth/kernel/limits`): in Redis when it is
 * configured, so every Gom process counts together; in this process's memory otherwise (where the
 * 90-day window of consecutive failures is capped at ~24.8 days, the longest timer Node keeps).
 */
export class LoginLimiter {
  private readonly slowBrute: RateLimit
  private readonly consecutiveFails: RateLimit

  constructor(
    private readonly settings: { slowBrute: LimiterSettings; consecutiveFails: LimiterSettings },
    redis: Redis | undefined,
    /** Namespace in a shared Redis (`<schema>:`); the original's prefixes follow it. */
    namespace = '',
  ) {
    const make = (prefix: string, limits: LimiterSettings) =>
      createRateLimit({ redis, keyPrefix: `${namespace}${prefix}`, points: limits.points, durationSeconds: limits.durationSeconds, blockDurationSeconds: limits.blockDurationSeconds })
    this.slowBrute = make(SLOW_BRUTE_PREFIX, settings.slowBrute)
    this.consecutiveFails = make(CONSECUTIVE_FAILS_PREFIX, settings.consecutiveFails)
  }

  /**
   * Seconds the caller must wait (0: not blocked). The original's pre-check, step 1 of §3.3: a key
   * over its points waits `round(ms / 1000) || 1` seconds, slow brute force checked first.
   */
  async retryAfter(username: string, ip: string): Promise<number> {
    const [slow, consecutive] = await Promise.all([this.slowBrute.peek(ip), this.consecutiveFails.peek(userKey(username, ip))])
    const wait = (state: RateLimitState) => Math.round(state.msBeforeNext / 1000) || 1
    if (slow && slow.consumed > this.settings.slowBrute.points) return wait(slow)
    if (consecutive && consecutive.consumed > this.settings.consecutiveFails.points) return wait(consecutive)
    return 0
  }

  /** A 403 login failure: slow-brute always, consecutive-fails only when the account exists. */
  async failed(username: string, ip: string, accountExists: boolean): Promise<void> {
    await Promise.all([this.slowBrute.consume(ip), ...(accountExists ? [this.consecutiveFails.consume(userKey(username, ip))] : [])])
  }

  /** A successful login forgets the user's consecutive failures (slow-brute never resets). */
  async succeeded(username: string, ip: string): Promise<void> {
    const key = userKey(username, ip)
    const state = await this.consecutiveFails.peek(key)
    if (state && state.consumed > 0) await this.consecutiveFails.forget(key)
  }

  /** Every counter and block gone (QA seed). */
  async reset(): Promise<void> {
    await Promise.all([this.slowBrute.clear(), this.consecutiveFails.clear()])
  }
}

function userKey(username: string, ip: string): string {
  return `${username}_${ip}`
}
