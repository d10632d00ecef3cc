import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { Redis } from 'ioredis'
import { errors } from '../http/errors.ts'

/**
 * Rate limits for any app, on `rate-limiter-flexible`: counted in Redis when the app has it (every
 * process counts together), in this process's memory otherwise. A limit is `points` per `duration`
 * seconds per key, optionally blocking the key for `blockDuration` seconds once exceeded.
 */
export interface RateLimitOptions {
  /** The app's Redis (`app.hearth.redis`); undefined counts in memory (one process). */
  redis: Redis | undefined
  /** Key prefix in Redis: namespace it per app (`<schema>:…`) when apps share a Redis. */
  keyPrefix: string
  points: number
  durationSeconds: number
  /** Seconds a key stays refused once it has used up its points (0: only until the window ends). */
  blockDurationSeconds?: number
}

export interface RateLimitState {
  /** False when this consumption went over the limit. */
  allowed: boolean
  /** Points used in the current window (including this consumption). */
  consumed: number
  remaining: number
  /** Seconds until the key may try again (rounded up; 0 when allowed). */
  retryAfterSeconds: number
  /**
   * Milliseconds until the key's window (or block) ends, whether or not it is allowed: for an app
   * that must round its `Retry-After` its own way (Gom keeps the original's `round(ms / 1000) || 1`).
   */
  msBeforeNext: number
}

/** The store behind a limit failed (Redis unreachable): apps answer 503, never 500 (`errors.unavailable`). */
export class RateLimitUnavailableError extends Error {
  constructor(cause: unknown) {
    super('rate limit store unavailable', { cause })
    this.name = 'RateLimitUnavailableError'
  }
}

// The memory store expires records with setTimeout, which cannot wait longer than 2^31-1 ms (~24.8
// days): a longer window fires at once and forgets the record, so in memory windows are capped.
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000)

export interface RateLimit {
  /** Uses `points` (default 1) for `key`; running out is an answer (`allowed: false`), not an error. */
  consume(key: string, points?: number): Promise<RateLimitState>
  /** The key's state without using a point; undefined when it has used none in this window. */
  peek(key: string): Promise<RateLimitState | undefined>
  /** Forgets the key (a successful login forgets its failures). */
  forget(key: string): Promise<void>
  /** Forgets every key of this limit (a QA reset): in Redis every key under `keyPrefix`. */
  clear(): Promise<void>
}

export function createRateLimit(options: RateLimitOptions): RateLimit {
  const build = (): RateLimiterAbstract =>
    options.redis
      ? // Fail fast while Redis is disconnected instead of waiting in ioredis' offline queue.
        new RateLimiterRedis({
          storeClient: options.redis,
          rejectIfRedisNotReady: true,
          keyPrefix: options.keyPrefix,
          points: options.points,
          duration: options.durationSeconds,
          blockDuration: options.blockDurationSeconds ?? 0,
        })
      : new RateLimiterMemory({
          keyPrefix: options.keyPrefix,
          points: options.points,
          duration: Math.min(options.durationSeconds, MAX_TIMER_SECONDS),
          blockDuration: Math.min(options.blockDurationSeconds ?? 0, MAX_TIMER_SECONDS),
        })
  let limiter = build()
  const state = (result: RateLimiterRes, allowed: boolean): RateLimitState => ({
    allowed,
    consumed: result.consumedPoints,
    remaining: Math.max(0, result.remainingPoints),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
    msBeforeNext: Math.max(0, result.msBeforeNext),
  })
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      if (error instanceof RateLimiterRes) throw error
      throw new RateLimitUnavailableError(error)
    }
  }
  return {
    async consume(key, points = 1) {
      try {
        return state(await guard(() => limiter.consume(key, points)), true)
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return state(rejection, false)
        throw rejection
      }
    },
    async peek(key) {
      const result = await guard(() => limiter.get(key))
      if (result === null) return undefined
      return state(result, result.consumedPoints <= options.points)
    },
    async forget(key) {
      await guard(() => limiter.delete(key))
    },
    async clear() {
      const redis = options.redis
      if (!redis) {
        limiter = build() // a fresh memory store; the old one's timers expire on their own
        return
      }
      // rate-limiter-flexible stores `<keyPrefix>:<key>`; SCAN's pattern escapes the prefix's glob characters.
      const pattern = `${options.keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}:*`
      await guard(async () => {
        let cursor = '0'
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
          cursor = next
          if (keys.length > 0) await redis.del(...keys)
        } while (cursor !== '0')
      })
    },
  }
}

/** The 503 an app answers when its limit store is down (in its own error shape via its formatter). */
export const limitUnavailable = (message = 'Rate limiting is unavailable; try again shortly') => errors.unavailable(message)
