import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { connectRedis } from '../src/redis/index.ts'
import { createMetrics } from '../src/metrics/index.ts'
import { testRedisUrl } from '../src/testing/index.ts'

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('connectRedis', () => {
  test('an unreachable REDIS_URL fails at start with a message naming it', async () => {
    const port = await closedPort()
    await assert.rejects(connectRedis(`redis://127.0.0.1:${port}`), /^Error: REDIS_URL: cannot reach Redis/)
  })

  const redisUrl = testRedisUrl()
  test('a reachable Redis answers once connected', { skip: redisUrl ? false : 'TEST_REDIS_URL is not set (needs a Redis server)' }, async () => {
    const redis = await connectRedis(redisUrl!, { name: 'kernel-test' })
    try {
      assert.equal(await redis.ping(), 'PONG')
      assert.equal(await redis.client('GETNAME'), 'kernel-test')
    } finally {
      redis.disconnect()
    }
  })
})

/** The value of the sample of `name` carrying all `labels` (in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((candidate) => {
    if (!candidate.startsWith(`${name}{`)) return false
    return Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`))
  })
  return line === undefined ? undefined : Number(line.split(' ').at(-1))
}

describe('createMetrics', () => {
  test('two apps in one process keep separate registries, each labelled with its app', async () => {
    const devmarkt = createMetrics('devmarkt', { processMetrics: false })
    const raise = createMetrics('raise', { processMetrics: false })
    devmarkt.observeRequest({ method: 'POST', route: '/graphql', status: 200 }, 0.003)
    devmarkt.observeRequest({ method: 'POST', route: '/graphql', status: 200 }, 0.2)
    raise.observeRequest({ method: 'GET', route: '/fundraisers/:id', status: 404 }, 0.01)
    const devmarktText = await devmarkt.registry.metrics()
    const raiseText = await raise.registry.metrics()
    const graphql = { method: 'POST', route: '/graphql', status_code: '200', app: 'devmarkt' }
    assert.equal(sample(devmarktText, 'http_requests_total', graphql), 2)
    assert.equal(sample(devmarktText, 'http_request_duration_seconds_bucket', { ...graphql, le: '0.005' }), 1)
    assert.equal(sample(devmarktText, 'http_request_duration_seconds_bucket', { ...graphql, le: '0.25' }), 2)
    assert.equal(sample(devmarktText, 'http_request_duration_seconds_count', graphql), 2)
    assert.ok(!devmarktText.includes('fundraisers'))
    assert.equal(sample(raiseText, 'http_requests_total', { method: 'GET', route: '/fundraisers/:id', status_code: '404', app: 'raise' }), 1)
    assert.ok(!raiseText.includes('app="devmarkt"'))
  })

  test('process metrics are included by default', async () => {
    const metrics = createMetrics('with-process')
    assert.match(await metrics.registry.metrics(), /process_resident_memory_bytes\{app="with-process"\}/)
  })
})
