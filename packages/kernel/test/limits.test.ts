// Rate limits in memory and in Redis (TEST_REDIS_URL): counting, blocking, forgetting, two
// processes' clients counting together, and an unreachable store reported as such.
import { describe, test, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { createRateLimit, RateLimitUnavailableError } from '../src/limits/index.ts'
import { testRedisUrl } from '../src/testing/index.ts'

describe('rate limits in memory', () => {
  test('points per window, then refused with a Retry-After; forgetting resets the key', async () => {
    const limit = createRateLimit({ redis: undefined, keyPrefix: 'test', points: 2, durationSeconds: 60 })
    const first = await limit.consume('a')
    assert.deepEqual({ ...first, msBeforeNext: undefined }, { allowed: true, consumed: 1, remaining: 1, retryAfterSeconds: 0, msBeforeNext: undefined })
    assert.ok(first.msBeforeNext > 59_000 && first.msBeforeNext <= 60_000, 'the window’s end is reported while allowed')
    assert.equal((await limit.consume('a')).allowed, true)
    const refused = await limit.consume('a')
    assert.equal(refused.allowed, false)
    assert.ok(refused.retryAfterSeconds >= 59 && refused.retryAfterSeconds <= 60)
    assert.equal((await limit.consume('b')).allowed, true, 'keys are counted apart')
    assert.equal((await limit.peek('a'))?.allowed, false)
    await limit.forget('a')
    assert.equal(await limit.peek('a'), undefined)
    assert.equal((await limit.consume('a')).allowed, true)
  })

  test('a block outlasts the window; windows beyond a timer’s reach are capped, not forgotten at once', async () => {
    const limit = createRateLimit({ redis: undefined, keyPrefix: 'block', points: 1, durationSeconds: 1, blockDurationSeconds: 90 * 86_400 })
    await limit.consume('k')
    const blocked = await limit.consume('k')
    assert.equal(blocked.allowed, false)
    assert.ok(blocked.retryAfterSeconds > 20 * 86_400, `blocked for ${blocked.retryAfterSeconds} s`)
    assert.equal((await limit.consume('k')).allowed, false)
  })

  test('clear forgets every key of the limit', async () => {
    const limit = createRateLimit({ redis: undefined, keyPrefix: 'clear', points: 1, durationSeconds: 60 })
    await limit.consume('a')
    await limit.consume('a')
    await limit.consume('b')
    await limit.clear()
    assert.equal(await limit.peek('a'), undefined)
    assert.equal(await limit.peek('b'), undefined)
    assert.equal((await limit.consume('a')).allowed, true)
  })
})

describe('rate limits in Redis', { skip: testRedisUrl() ? false : 'TEST_REDIS_URL is not set' }, () => {
  const clients: Redis[] = []
  const connect = async () => {
    const client = new Redis(testRedisUrl()!, { lazyConnect: true })
    await client.connect()
    clients.push(client)
    return client
  }
  after(() => clients.forEach((client) => client.disconnect()))

  test('two processes’ clients count one limit together', async () => {
    const keyPrefix = `kernel-limits-test:${randomUUID()}`
    const one = createRateLimit({ redis: await connect(), keyPrefix, points: 3, durationSeconds: 60 })
    const two = createRateLimit({ redis: await connect(), keyPrefix, points: 3, durationSeconds: 60 })
    assert.equal((await one.consume('ip')).allowed, true)
    assert.equal((await two.consume('ip')).allowed, true)
    assert.equal((await one.consume('ip')).allowed, true)
    const refused = await two.consume('ip')
    assert.equal(refused.allowed, false)
    assert.equal(refused.consumed, 4)
    await one.forget('ip')
    assert.equal((await two.consume('ip')).allowed, true)
  })

  test('clear deletes every key under the prefix, and only those', async () => {
    const keyPrefix = `kernel-limits-test:${randomUUID()}`
    const redis = await connect()
    const limit = createRateLimit({ redis, keyPrefix, points: 1, durationSeconds: 60 })
    const other = createRateLimit({ redis, keyPrefix: `${keyPrefix}-other`, points: 1, durationSeconds: 60 })
    await limit.consume('a')
    await limit.consume('b')
    await other.consume('a')
    await limit.clear()
    assert.equal(await limit.peek('a'), undefined)
    assert.equal(await limit.peek('b'), undefined)
    assert.equal((await other.peek('a'))?.consumed, 1)
    await other.clear()
  })
})

test('an unreachable store is RateLimitUnavailableError, not a refusal', async () => {
  // A client that never connected: ioredis is not ready, the limiter refuses to wait for it.
  const offline = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 })
  try {
    const limit = createRateLimit({ redis: offline, keyPrefix: 'down', points: 1, durationSeconds: 60 })
    await assert.rejects(limit.consume('x'), RateLimitUnavailableError)
    await assert.rejects(limit.peek('x'), RateLimitUnavailableError)
  } finally {
    offline.disconnect()
  }
})
