import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { connectRedis, type Redis } from '@hearth/kernel'
import { testRedisUrl } from '@hearth/kernel/testing'
import type { FastifyInstance } from 'fastify'
import { LimiterUnavailableError, LoginLimiter } from '../src/modules/auth/login-limiter.ts'
import { resetAuthState } from '../src/modules/auth/index.ts'
import { headersOf, ping } from './session.ts'
import { startAuthHarness } from './session-harness.ts'

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

describe('the limiters on POST /auth/login', () => {
  const attempt = async (app: FastifyInstance, body: Record<string, string>, extraHeaders: Record<string, string> = {}) => {
    const jar = await ping(app)
    return app.inject({ method: 'POST', url: '/auth/login', headers: { ...headersOf(jar), ...extraHeaders }, payload: body })
  }

  test('an existing customer gets 6 refused attempts, then 429 with Retry-After, even with the right phone', async () => {
    const ctx = await startAuthHarness()
    try {
      for (let index = 1; index <= 6; index++) {
        const response = await attempt(ctx.app, { grantType: 'phone', username: 'QaCarmen01', phone: '0000000000' })
        assert.equal(response.statusCode, 403, `attempt ${index}`)
      }
      const blocked = await attempt(ctx.app, { grantType: 'phone', username: 'QaCarmen01', phone: '5512345671' })
      assert.equal(blocked.statusCode, 429)
      assert.deepEqual(blocked.json(), { statusCode: 429, message: 'Too many requests' })
      const retryAfter = Number(blocked.headers['retry-after'])
      assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}`)
      // Another customer from the same address is not blocked.
      assert.equal((await attempt(ctx.app, { grantType: 'phone', username: 'QaDiegoF02', phone: '5523456782' })).statusCode, 200)
    } finally {
      await ctx.close()
    }
  })

  test('a success resets the consecutive failures; the QA reset empties both limiters', async () => {
    const ctx = await startAuthHarness()
    try {
      for (let index = 0; index < 5; index++) await attempt(ctx.app, { grantType: 'phone', username: 'QaCarmen01', phone: '0000000000' })
      assert.equal((await attempt(ctx.app, { grantType: 'phone', username: 'QaCarmen01', phone: '5512345671' })).statusCode, 200)
      for (let index = 0; index < 6; index++) assert.equal((await attempt(ctx.app, { grantType: 'phone', username: 'QaCarmen01', phone: '0000000000' })).statusCode, 403)
      assert.equal((await attempt(ctx.app, { grantType: 'phone', username: 'QaCarmen01', phone: '5512345671' })).statusCode, 429)
      await resetAuthState(ctx.app)
      assert.equal((await attempt(ctx.app, { grantType: 'phone', username: 'QaCarmen01', phone: '5512345671' })).statusCode, 200)
    } finally {
      await ctx.close()
    }
  })

  test('X-Forwarded-For is ignored unless the proxy is trusted (GOM_TRUST_PROXY)', async () => {
    const untrusted = await startAuthHarness({ GOM_LOGIN_SLOW_BRUTE_POINTS: '2' })
    try {
      for (let index = 0; index < 3; index++) {
        const response = await attempt(untrusted.app, { grantType: 'password', username: 'ana.lopez@gom.test', password: 'wrong' }, { 'x-forwarded-for': `203.0.113.${index}` })
        assert.equal(response.statusCode, 403)
      }
      // Three failures from 127.0.0.1 whatever the header said: blocked.
      assert.equal((await attempt(untrusted.app, { grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' }, { 'x-forwarded-for': '198.51.100.7' })).statusCode, 429)
    } finally {
      await untrusted.close()
    }
    const trusted = await startAuthHarness({ GOM_LOGIN_SLOW_BRUTE_POINTS: '2', GOM_TRUST_PROXY: '127.0.0.1' })
    try {
      for (let index = 0; index < 3; index++) {
        await attempt(trusted.app, { grantType: 'password', username: 'ana.lopez@gom.test', password: 'wrong' }, { 'x-forwarded-for': '203.0.113.9' })
      }
      assert.equal((await attempt(trusted.app, { grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' }, { 'x-forwarded-for': '203.0.113.9' })).statusCode, 429)
      assert.equal(
        (await attempt(trusted.app, { grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' }, { 'x-forwarded-for': '198.51.100.7' })).statusCode,
        200,
        'the client behind the trusted proxy is its own key',
      )
    } finally {
      await trusted.close()
    }
  })

  test('a Redis outage answers 503 with a clear message, never 500', { skip: redisUrl ? false : 'needs TEST_REDIS_URL' }, async () => {
    const ctx = await startAuthHarness()
    try {
      const jar = await ping(ctx.app)
      ctx.app.hearth.redis!.disconnect()
      const response = await ctx.app.inject({ method: 'POST', url: '/auth/login', headers: headersOf(jar), payload: { grantType: 'phone', username: 'QaCarmen01', phone: '5512345671' } })
      assert.equal(response.statusCode, 503)
      assert.equal(response.json().statusCode, 503)
      assert.equal(response.json().error, 'Service Unavailable')
      assert.match(response.json().message, /unavailable right now/)
    } finally {
      await ctx.close()
    }
  })
})
