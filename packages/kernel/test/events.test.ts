import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createEventBus, type EventBus } from '../src/events/index.ts'
import { testRedisUrl } from '../src/testing/index.ts'

type Events = { 'application.created': { id: number; name: string }; 'user.deleted': { id: number } }

/** Resolves with the next `count` payloads a subscriber sees. */
function collect<T>(count: number): { handler: (payload: T) => void; received: Promise<T[]> } {
  const seen: T[] = []
  let resolve!: (value: T[]) => void
  const received = new Promise<T[]>((done) => (resolve = done))
  return {
    handler(payload) {
      seen.push(payload)
      if (seen.length === count) resolve(seen)
    },
    received,
  }
}

describe('in-process events', () => {
  test('a subscriber receives what is published on its topic, in order, and nothing else', async () => {
    const bus = await createEventBus<Events>({ namespace: 'kernel_events_test' })
    try {
      assert.equal(bus.distributed, false)
      const created = collect<Events['application.created']>(2)
      const deleted: unknown[] = []
      await bus.subscribe('application.created', created.handler)
      await bus.subscribe('user.deleted', (payload) => deleted.push(payload))
      await bus.publish('application.created', { id: 1, name: 'first' })
      await bus.publish('application.created', { id: 2, name: 'second' })
      assert.deepEqual(await created.received, [
        { id: 1, name: 'first' },
        { id: 2, name: 'second' },
      ])
      assert.deepEqual(deleted, [])
    } finally {
      await bus.close()
    }
  })

  test('after unsubscribing nothing more arrives', async () => {
    const bus = await createEventBus<Events>({ namespace: 'kernel_events_test' })
    try {
      const seen: number[] = []
      const unsubscribe = await bus.subscribe('user.deleted', (payload) => seen.push(payload.id))
      await bus.publish('user.deleted', { id: 1 })
      await unsubscribe()
      await bus.publish('user.deleted', { id: 2 })
      assert.deepEqual(seen, [1])
    } finally {
      await bus.close()
    }
  })

  test('topics carry the namespace, so apps sharing a broker never see each other', async () => {
    const bus = await createEventBus<Events>({ namespace: 'devmarkt' })
    assert.equal(bus.topic('application.created'), 'devmarkt/application.created')
    await bus.close()
    await bus.close() // closing twice is harmless
  })

  test('a subscriber that throws neither stops delivery to the others nor fails the publisher', async () => {
    const failures: { message: string; topic: string }[] = []
    const bus = await createEventBus<Events>({
      namespace: 'kernel_events_test',
      onSubscriberError: (error, topic) => failures.push({ message: (error as Error).message, topic }),
    })
    try {
      const good = collect<Events['user.deleted']>(2)
      await bus.subscribe('user.deleted', () => {
        throw new Error('subscriber bug')
      })
      await bus.subscribe('user.deleted', good.handler)
      await bus.publish('user.deleted', { id: 9 })
      await bus.publish('user.deleted', { id: 10 })
      assert.deepEqual(await good.received, [{ id: 9 }, { id: 10 }])
      assert.deepEqual(failures, [
        { message: 'subscriber bug', topic: 'kernel_events_test/user.deleted' },
        { message: 'subscriber bug', topic: 'kernel_events_test/user.deleted' },
      ])
    } finally {
      await bus.close()
    }
  })
})

const redisUrl = testRedisUrl()

describe('events across processes through Redis', { skip: redisUrl ? false : 'TEST_REDIS_URL is not set (needs a Redis server)' }, () => {
  test('an event published on one bus reaches a subscriber of another bus', async () => {
    const namespace = `kernel_events_${randomBytes(4).toString('hex')}`
    const buses: EventBus<Events>[] = []
    try {
      const publisher = await createEventBus<Events>({ namespace, redisUrl })
      const subscriber = await createEventBus<Events>({ namespace, redisUrl })
      const stranger = await createEventBus<Events>({ namespace: `${namespace}_other`, redisUrl })
      buses.push(publisher, subscriber, stranger)
      assert.equal(subscriber.distributed, true)
      const received = collect<Events['application.created']>(1)
      const strangerSaw: unknown[] = []
      await subscriber.subscribe('application.created', received.handler)
      await stranger.subscribe('application.created', (payload) => strangerSaw.push(payload))
      await publisher.publish('application.created', { id: 7, name: 'across processes' })
      assert.deepEqual(await received.received, [{ id: 7, name: 'across processes' }])
      // The other namespace's subscription is on the same Redis, but a different channel.
      await publisher.publish('application.created', { id: 8, name: 'again' })
      assert.deepEqual(strangerSaw, [])
    } finally {
      await Promise.all(buses.map((bus) => bus.close()))
    }
  })
})
