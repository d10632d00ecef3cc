import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { connectRedis, type Redis } from '@hearth/kernel'
import { testRedisUrl } from '@hearth/kernel/testing'
import { LimiterUnavailableError, LoginLimiter } from '../src/modules/auth/login-limiter.ts'

const settings = {
  slowBrute: { points: 50, durationSeconds: 86_400, blockDurationSeconds: 86_400 },
  consecutiveFails: { points: 5, durationSeconds: 7_776_000, blockDurationSeconds: 3600 },
}

const redisUrl = testRedisUrl()
const clients: Redis[] = []
after(() => {
  for (const client of clients) client.disconnect()
})

for (const store of ['memory', 'redis'] as const) {
  describe(`the login limiters (${store})`, { skip: store === 'redis' && !redisUrl ? 'needs TEST_REDIS_URL' : false }, () => {
    const build = async () => {
      if (store === 'memory') return { limiter: new LoginLimiter(settings, undefined), redis: undefined, namespace: '' }
      const redis = await connectRedis(redisUrl!)
      clients.push(redis)
      const namespace = `t_limiter_${randomBytes(4).toString('hex')}:`
      return { limiter: new LoginLimiter(settings, redis, namespace), redis, namespace }
    }

    test('a user and IP gets 6 failed attempts, the 7th is refused for about an hour', async () => {
      const { limiter } = await build()
      for (let attempt = 1; attempt <= 6; attempt++) {
        assert.equal(await limiter.retryAfter('QaCarmen01', '10.0.0.1'), 0, `attempt ${attempt} is allowed`)
        await limiter.failed('QaCarmen01', '10.0.0.1', true)
      }
      const wait = await limiter.retryAfter('QaCarmen01', '10.0.0.1')
      assert.ok(wait > 3500 && wait <= 3600, `Retry-After ${wait}`)
      // Another address, or another user from the same address, is not blocked by it.
      assert.equal(await limiter.retryAfter('QaCarmen01', '10.0.0.2'), 0)
      assert.equal(await limiter.retryAfter('QaDiegoF02', '10.0.0.1'), 0)
    })

    test('failures for an unknown account count only against the IP: 51 failures, then a day', async () => {
      const { limiter } = await build()
      for (let attempt = 1; attempt <= 51; attempt++) {
        assert.equal(await limiter.retryAfter(`nobody${attempt}@gom.test`, '10.0.0.3'), 0)
        await limiter.failed(`nobody${attempt}@gom.test`, '10.0.0.3', false)
      }
      const wait = await limiter.retryAfter('anyone', '10.0.0.3')
      assert.ok(wait > 86_000 && wait <= 86_400, `Retry-After ${wait}`)
    })

    test('a successful login forgets the consecutive failures, never the slow-brute count', async () => {
      const { limiter, redis, namespace } = await build()
      for (let attempt = 0; attempt < 5; attempt++) await limiter.failed('QaElenaG03', '10.0.0.4', true)
      await limiter.succeeded('QaElenaG03', '10.0.0.4')
      for (let attempt = 0; attempt < 5; attempt++) await limiter.failed('QaElenaG03', '10.0.0.4', true)
      assert.equal(await limiter.retryAfter('QaElenaG03', '10.0.0.4'), 0, 'ten failures in all, but only five since the success')
      await limiter.failed('QaElenaG03', '10.0.0.4', true)
      assert.ok((await limiter.retryAfter('QaElenaG03', '10.0.0.4')) > 0, 'the sixth since the success blocks')
      if (redis) {
        // The original's keys, under the app's namespace.
        assert.equal(await redis.exists(`${namespace}login_slow_brute_:10.0.0.4`), 1)
        assert.equal(await redis.exists(`${namespace}login_consecutive_fails_:QaElenaG03_10.0.0.4`), 1)
        assert.equal(await redis.get(`${namespace}login_slow_brute_:10.0.0.4`), '11')
      }
    })

    test('reset empties both limiters', async () => {
      const { limiter } = await build()
      for (let attempt = 0; attempt < 7; attempt++) await limiter.failed('QaFerHer04', '10.0.0.5', true)
      assert.ok((await limiter.retryAfter('QaFerHer04', '10.0.0.5')) > 0)
      await limiter.reset()
      assert.equal(await limiter.retryAfter('QaFerHer04', '10.0.0.5'), 0)
    })
  })
}

test('a Redis outage is a LimiterUnavailableError (answered 503), never a crash or a silent pass', { skip: redisUrl ? false : 'needs TEST_REDIS_URL' }, async () => {
  const redis = await connectRedis(redisUrl!)
  const limiter = new LoginLimiter(settings, redis, 't_limiter_down:')
  redis.disconnect()
  await assert.rejects(limiter.retryAfter('QaCarmen01', '10.0.0.6'), LimiterUnavailableError)
  await assert.rejects(limiter.failed('QaCarmen01', '10.0.0.6', true), LimiterUnavailableError)
})
