import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify, { type FastifyRequest } from 'fastify'
import { ClearedOnChange, changesState } from './cleared-on-change.ts'
import { createEventBus } from '../events/index.ts'

function tracked(options: { publishFails?: boolean; changedBy?: (request: FastifyRequest) => boolean } = {}) {
  const calls = { cleared: 0, published: 0, warned: [] as string[] }
  let handler: (() => void) | undefined
  const changes = new ClearedOnChange({
    clear: () => void calls.cleared++,
    publish: async () => {
      calls.published++
      if (options.publishFails) throw new Error('bus down')
    },
    subscribe: async (onChange) => void (handler = onChange),
    log: { warn: (_object, message) => void calls.warned.push(message ?? '') },
    what: 'test lists',
    changedBy: options.changedBy,
  })
  return { calls, changes, deliver: () => handler?.() }
}

test('a successful state-changing request clears before its response and publishes; reads, failures and readOnly routes do not', async () => {
  const { calls, changes } = tracked()
  const app = Fastify()
  changes.clearOnChanges(app)
  app.get('/list', async () => ({ ok: true }))
  app.post('/posts', async () => ({ ok: true }))
  app.patch('/posts/1', async (_request, reply) => reply.code(404).send({ message: 'not found' }))
  app.post('/search', { config: { readOnly: true } }, async () => ({ ok: true }))
  app.delete('/posts/2', async (_request, reply) => reply.code(204).send())

  await app.inject({ method: 'GET', url: '/list' })
  await app.inject({ method: 'PATCH', url: '/posts/1' })
  await app.inject({ method: 'POST', url: '/search' })
  assert.deepEqual([calls.cleared, calls.published], [0, 0])
  await app.inject({ method: 'POST', url: '/posts' })
  await app.inject({ method: 'DELETE', url: '/posts/2' })
  assert.deepEqual([calls.cleared, calls.published], [2, 2])
  await app.close()
})

test('changedBy narrows the requests that clear: a write it leaves out keeps the cache, a read never clears', async () => {
  const { calls, changes } = tracked({ changedBy: (request) => changesState(request) && !request.url.startsWith('/donations') })
  const app = Fastify()
  changes.clearOnChanges(app)
  app.get('/settings', async () => ({ ok: true }))
  app.post('/donations', async () => ({ ok: true }))
  app.patch('/settings', async () => ({ ok: true }))

  await app.inject({ method: 'POST', url: '/donations' })
  await app.inject({ method: 'GET', url: '/settings' })
  assert.deepEqual([calls.cleared, calls.published], [0, 0])
  await app.inject({ method: 'PATCH', url: '/settings' })
  assert.deepEqual([calls.cleared, calls.published], [1, 1])
  await app.close()
})

test("another process's change clears through the subscription; a failed publish still clears here and is logged", async () => {
  const { calls, changes, deliver } = tracked({ publishFails: true })
  await changes.listen()
  deliver()
  assert.equal(calls.cleared, 1)
  await changes.changed()
  assert.equal(calls.cleared, 2)
  assert.match(calls.warned[0]!, /test lists changed/)
})

test('overBus publishes and listens on one app event of the kernel bus: a change on one side clears the other', async () => {
  const events = await createEventBus<{ listsChanged: Record<string, never>; otherChanged: Record<string, never> }>({ namespace: 'cleared_on_change_test' })
  try {
    const cleared = { here: 0, there: 0 }
    const log = { warn: () => {} }
    const here = ClearedOnChange.overBus(events, 'listsChanged', { clear: () => void cleared.here++, log, what: 'lists here' })
    const there = ClearedOnChange.overBus(events, 'listsChanged', { clear: () => void cleared.there++, log, what: 'lists there' })
    await there.listen()
    await events.publish('otherChanged', {})
    await here.changed()
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(cleared, { here: 1, there: 1 }, 'another event clears nothing; its own clears both')
  } finally {
    await events.close()
  }
})
