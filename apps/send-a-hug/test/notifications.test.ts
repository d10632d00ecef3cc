import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startPushService, type FakePushService } from '@hearth/kernel/testing/push-service'
import { seededApp, type Harness } from './helpers.ts'

describe('in-app notifications', () => {
  let h: Harness
  before(async () => {
    h = await seededApp()
  })
  after(() => h.close())

  test('GET /notifications: newest first, 20 per page, unread count, read filter', async () => {
    const response = await h.call('admin', { method: 'GET', url: '/notifications' })
    assert.equal(response.statusCode, 200)
    const body = h.json(response)
    assert.equal(body.notifications.length, 20)
    assert.deepEqual([body.newCount, body.totalItems, body.total_pages, body.current_page], [18, 28, 2, 1])
    assert.equal(body.notifications[0].id, 94)
    assert.deepEqual(Object.keys(body.notifications[0]).sort(), ['date', 'for', 'forId', 'from', 'fromId', 'id', 'read', 'text', 'type'])
    assert.deepEqual([body.notifications[0].from, body.notifications[0].for, body.notifications[0].type], ['user24', 'user14', 'message'])
    const read = h.json(await h.call('admin', { method: 'GET', url: '/notifications?readStatus=true' }))
    assert.deepEqual([read.totalItems, read.newCount], [10, 18])
    const unread = h.json(await h.call('admin', { method: 'GET', url: '/notifications?readStatus=false&page=2' }))
    assert.deepEqual([unread.totalItems, unread.notifications.length, unread.current_page], [18, 0, 2])
    assert.equal(h.json(await h.call('admin', { method: 'GET', url: '/notifications?readStatus=maybe' })).totalItems, 28)
  })

  test('PATCH /notifications marks listed ids, all of them, or refuses foreign and duplicate ids', async () => {
    assert.deepEqual(h.json(await h.call('user', { method: 'PATCH', url: '/notifications', payload: { notification_ids: [46, 70], read: true } })), { success: true, updated: [46, 70], read: true })
    assert.equal(h.json(await h.call('user', { method: 'GET', url: '/notifications' })).newCount, 9)
    assert.equal((await h.call('user', { method: 'PATCH', url: '/notifications', payload: { notification_ids: [46, 1], read: true } })).statusCode, 403, '1 is not theirs')
    assert.equal((await h.call('user', { method: 'PATCH', url: '/notifications', payload: { notification_ids: [46, 46], read: true } })).statusCode, 403)
    assert.equal((await h.call('user', { method: 'PATCH', url: '/notifications', payload: { notification_ids: 'all', read: true } })).statusCode, 200)
    assert.equal(h.json(await h.call('user', { method: 'GET', url: '/notifications' })).newCount, 0)
    assert.equal(h.json(await h.call('admin', { method: 'GET', url: '/notifications' })).newCount, 18, "another user's are untouched")
    for (const payload of [
      { notification_ids: [], read: true },
      { notification_ids: [1] },
      { notification_ids: 'some', read: true },
      { read: false },
      { notification_ids: [1], read: null },
      { notification_ids: ['a'], read: true },
    ]) {
      assert.equal((await h.call('user', { method: 'PATCH', url: '/notifications', payload })).statusCode, 400, JSON.stringify(payload))
    }
  })
})

describe('push subscriptions and Web Push delivery', () => {
  let h: Harness
  let service: FakePushService
  before(async () => {
    service = await startPushService()
    h = await seededApp({ env: { PUSH_ALLOW_INSECURE_TLS: 'true' } })
  })
  after(async () => {
    await h.close()
    await service.close()
  })

  test('POST /push_subscriptions stores the browser subscription, sent as an object or as a JSON string', async () => {
    const subscription = service.subscribe()
    const asObject = await h.call('admin', { method: 'POST', url: '/push_subscriptions', payload: subscription })
    assert.deepEqual(h.json(asObject), { success: true, subscribed: 'user14', subId: 4 })
    const asText = await h.call('admin', { method: 'POST', url: '/push_subscriptions', payload: JSON.stringify(JSON.stringify(service.subscribe())), headers: { 'content-type': 'application/json' } })
    assert.deepEqual(h.json(asText), { success: true, subscribed: 'user14', subId: 5 })
    const [stored] = await h.database.query<{ user: number; endpoint: string; subscription_data: string }>('SELECT "user", endpoint, subscription_data FROM subscriptions WHERE id = 4')
    assert.equal(stored?.user, 4)
    assert.equal(stored?.endpoint, subscription.endpoint)
    assert.deepEqual(JSON.parse(stored!.subscription_data), subscription)
  })

  test('an empty body is answered 204; malformed subscriptions 400', async () => {
    const empty = await h.call('admin', { method: 'POST', url: '/push_subscriptions', headers: { 'content-type': 'application/json' }, payload: '' })
    assert.equal(empty.statusCode, 204)
    assert.equal(empty.body, '')
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/push_subscriptions/4' })).statusCode, 204)
    for (const payload of [{ endpoint: 'x' }, { keys: { p256dh: 'a', auth: 'b' } }, [1, 2], 5]) {
      assert.equal(
        (await h.call('admin', { method: 'POST', url: '/push_subscriptions', payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } })).statusCode,
        400,
        JSON.stringify(payload),
      )
    }
    assert.equal((await h.call('admin', { method: 'POST', url: '/push_subscriptions', payload: JSON.stringify('{"endpoint":'), headers: { 'content-type': 'application/json' } })).statusCode, 400)
  })

  test("PATCH /push_subscriptions/<id> replaces one's own subscription; someone else's looks missing", async () => {
    const fresh = service.subscribe()
    assert.deepEqual(h.json(await h.call('admin', { method: 'PATCH', url: '/push_subscriptions/5', payload: fresh })), { success: true, subscribed: 'user14', subId: 5 })
    const [stored] = await h.database.query<{ endpoint: string }>('SELECT endpoint FROM subscriptions WHERE id = 5')
    assert.equal(stored?.endpoint, fresh.endpoint)
    assert.equal((await h.call('user', { method: 'PATCH', url: '/push_subscriptions/5', payload: service.subscribe() })).statusCode, 404)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/push_subscriptions/999', payload: fresh })).statusCode, 404)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/push_subscriptions/x', payload: fresh })).statusCode, 400)
  })

  test('a hug is pushed, encrypted, to every subscription of the author; gone ones are deleted', async () => {
    const [first, second] = await h.database.query<{ id: number; endpoint: string }>('SELECT id, endpoint FROM subscriptions WHERE "user" = 4 AND id >= 4 ORDER BY id')
    service.answer(second!.endpoint, 410)
    const response = await h.call('user', { method: 'POST', url: '/posts/44/hugs', payload: { messageText: 'hang in there' } })
    assert.equal(response.statusCode, 200)
    await h.drainPush()
    assert.deepEqual(
      service.deliveredTo(first!.endpoint).map((push) => push.payload),
      [{ title: 'New hug', body: 'shirb sent you a hug and a message' }],
    )
    assert.deepEqual(service.refused, [])
    assert.equal(service.deliveredTo(first!.endpoint)[0]!.vapid.sub, 'mailto:sendahugcom@gmail.com')
    const remaining = await h.database.query<{ id: number }>('SELECT id FROM subscriptions WHERE "user" = 4 ORDER BY id')
    assert.deepEqual(
      remaining.map((row) => row.id),
      [3, first!.id],
      'the 410 subscription is pruned; the seed one with unusable keys is kept',
    )
  })

  test('messages and direct hugs are pushed too', async () => {
    const [subscription] = await h.database.query<{ endpoint: string }>('SELECT endpoint FROM subscriptions WHERE id = 4')
    await h.call('user', { method: 'POST', url: '/messages', payload: { messageText: 'hi', forId: 4, date: '2024-05-01T10:00:00.000Z' } })
    await h.call('moderator', { method: 'POST', url: '/users/all/4/hugs' })
    await h.drainPush()
    // Deliveries run concurrently in the background: compare without order.
    const received = service
      .deliveredTo(subscription!.endpoint)
      .slice(1)
      .map((push) => JSON.stringify(push.payload))
      .sort()
    assert.deepEqual(received, [JSON.stringify({ title: 'New hug', body: 'user52 sent you a hug' }), JSON.stringify({ title: 'New message', body: 'shirb sent you a message' })])
  })

  test('a push is queued with the hug in one transaction: none when the hug is refused', async () => {
    const before = await h.database.query<{ count: number }>("SELECT count(*)::int AS count FROM jobs WHERE name = 'push.notify'")
    assert.equal((await h.call('user', { method: 'POST', url: '/posts/44/hugs' })).statusCode, 409, 'already hugged')
    const after = await h.database.query<{ count: number }>("SELECT count(*)::int AS count FROM jobs WHERE name = 'push.notify'")
    assert.equal(after[0]!.count, before[0]!.count)
  })

  test('with the job worker on, a queued push is delivered without anyone draining it', async () => {
    const worker = await seededApp({ env: { PUSH_ALLOW_INSECURE_TLS: 'true', JOBS_ENABLED: 'true', JOB_POLL_INTERVAL_MS: '20' } })
    try {
      const subscription = service.subscribe()
      assert.equal((await worker.call('admin', { method: 'POST', url: '/push_subscriptions', payload: subscription })).statusCode, 200)
      assert.equal((await worker.call('moderator', { method: 'POST', url: '/users/all/4/hugs' })).statusCode, 200)
      for (let waited = 0; service.deliveredTo(subscription.endpoint).length === 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20))
      assert.deepEqual(
        service.deliveredTo(subscription.endpoint).map((push) => push.payload),
        [{ title: 'New hug', body: 'user52 sent you a hug' }],
      )
    } finally {
      await worker.close()
    }
  })

  test('a failing push service never fails the request', async () => {
    const [subscription] = await h.database.query<{ endpoint: string }>('SELECT endpoint FROM subscriptions WHERE id = 4')
    service.answer(subscription!.endpoint, 500)
    const response = await h.call('moderator', { method: 'POST', url: '/users/all/4/hugs' })
    assert.equal(response.statusCode, 200)
    await h.drainPush()
    assert.equal((await h.database.query('SELECT id FROM subscriptions WHERE id = 4')).length, 1, 'a 500 is not a reason to forget the subscription')
  })
})
