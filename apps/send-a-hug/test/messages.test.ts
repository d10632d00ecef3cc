import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { seededApp, type Harness } from './helpers.ts'

const date = '2024-05-01T10:00:00.000Z'
const ids = (body: { messages: { id: number }[] }) => body.messages.map((item) => item.id)

describe('reading, sending and deleting messages', () => {
  let h: Harness
  before(async () => {
    h = await seededApp()
  })
  after(() => h.close())

  test('GET /messages is the inbox by default, newest first, hidden ones left out', async () => {
    const response = await h.call('user', { method: 'GET', url: '/messages?userID=4' })
    assert.equal(response.statusCode, 200)
    const body = h.json(response)
    assert.deepEqual(ids(body), [22, 21, 9, 3, 1])
    assert.equal(body.current_page, 1)
    assert.equal(body.total_pages, 1)
    assert.deepEqual(body.messages[3], {
      id: 3,
      fromId: 5,
      from: { displayName: 'user52', selectedIcon: 'kitty', iconColours: { character: '#ba9f93', lbg: '#e2a275', rbg: '#f8eee4', item: '#f4b56a' } },
      forId: 1,
      for: { displayName: 'shirb', selectedIcon: 'kitty', iconColours: { character: '#ba9f93', lbg: '#e2a275', rbg: '#f8eee4', item: '#f4b56a' } },
      messageText: 'message 3',
      date: 'Tue, 09 Jun 2020 08:15:23 GMT',
      threadID: 2,
    })
  })

  test('outbox, threads and one thread', async () => {
    assert.deepEqual(ids(h.json(await h.call('user', { method: 'GET', url: '/messages?type=outbox' }))), [7, 1])
    const threads = h.json(await h.call('user', { method: 'GET', url: '/messages?type=threads' }))
    assert.deepEqual(ids(threads), [1, 2, 3])
    assert.deepEqual(
      threads.messages.map((thread: { numMessages: number }) => thread.numMessages),
      [1, 2, 3],
    )
    assert.equal(threads.messages[2].latestMessage, 'Tue, 14 Jul 2020 20:12:40 GMT')
    assert.deepEqual([threads.messages[1].user1Id, threads.messages[1].user2Id, threads.messages[1].user2.displayName], [1, 5, 'user52'])
    assert.deepEqual(ids(h.json(await h.call('user', { method: 'GET', url: '/messages?type=thread&threadID=3' }))), [22, 21, 9])
    assert.deepEqual(ids(h.json(await h.call('moderator', { method: 'GET', url: '/messages?type=thread&threadID=4' }))), [24, 23, 5])
    assert.deepEqual(ids(h.json(await h.call('admin', { method: 'GET', url: '/messages?type=thread&threadID=4' }))), [], 'user 4 deleted their side of thread 4')
  })

  test("a thread is only its participants'; unknown or missing threads are 404", async () => {
    assert.equal((await h.call('user', { method: 'GET', url: '/messages?type=thread&threadID=4' })).statusCode, 403)
    assert.equal((await h.call('user', { method: 'GET', url: '/messages?type=thread&threadID=999' })).statusCode, 404)
    assert.equal((await h.call('user', { method: 'GET', url: '/messages?type=thread' })).statusCode, 404)
    assert.equal((await h.call('user', { method: 'GET', url: '/messages?type=thread&threadID=x' })).statusCode, 400)
  })

  test('POST /messages sends from the caller in the pair thread and notifies the recipient', async () => {
    const response = await h.call('user', { method: 'POST', url: '/messages', payload: { messageText: 'hello again', forId: 5, date, fromId: 4, from: 'someone' } })
    assert.equal(response.statusCode, 200)
    const message = h.json(response).message
    assert.deepEqual([message.id, message.fromId, message.forId, message.threadID, message.messageText, message.date], [27, 1, 5, 2, 'hello again', 'Wed, 01 May 2024 10:00:00 GMT'])
    const [notification] = await h.database.query<{ for_id: number; type: string; text: string }>('SELECT for_id, type, text FROM notifications WHERE id = 96')
    assert.deepEqual(notification, { for_id: 5, type: 'message', text: 'You have a new message' })
    const opened = h.json(await h.call('user', { method: 'POST', url: '/messages', payload: { messageText: 'hi', forId: 22, date } })).message
    assert.equal(opened.threadID, 9, 'first contact opens a thread')
    const self = h.json(await h.call('user', { method: 'POST', url: '/messages', payload: { messageText: 'note to self', forId: 1, date } })).message
    assert.equal(self.threadID, 1)
  })

  test('POST /messages refuses filtered, empty or long text, bad ids and unknown recipients', async () => {
    for (const payload of [
      { messageText: 'FILTERED_WORD_1', forId: 5, date },
      { messageText: '', forId: 5, date },
      { messageText: 'x'.repeat(481), forId: 5, date },
      { messageText: 5, forId: 5, date },
      { messageText: 'hi', forId: 'five', date },
      { messageText: 'hi', forId: 5 },
    ]) {
      assert.equal((await h.call('user', { method: 'POST', url: '/messages', payload })).statusCode, 400, JSON.stringify(payload).slice(0, 50))
    }
    const nobody = await h.call('user', { method: 'POST', url: '/messages', payload: { messageText: 'hi', forId: 9999, date } })
    assert.equal(nobody.statusCode, 422)
    assert.equal(h.json(nobody).success, false)
  })

  test('DELETE /messages/<box>/<id> hides a message for the caller; gone when both sides hid it', async () => {
    assert.deepEqual(h.json(await h.call('user', { method: 'DELETE', url: '/messages/inbox/9' })), { success: true, deleted: 9 })
    assert.ok(!ids(h.json(await h.call('user', { method: 'GET', url: '/messages' }))).includes(9))
    assert.ok(ids(h.json(await h.call('admin', { method: 'GET', url: '/messages?type=outbox' }))).includes(9), 'the sender still sees it')
    assert.equal((await h.call('admin', { method: 'DELETE', url: '/messages/outbox/9' })).statusCode, 200)
    assert.equal((await h.database.query('SELECT id FROM messages WHERE id = 9')).length, 0)
  })

  test('a message can only be deleted from a mailbox it is in (the thread box was unchecked)', async () => {
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/inbox/7' })).statusCode, 403)
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/outbox/3' })).statusCode, 403)
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/thread/16' })).statusCode, 403)
    const [untouched] = await h.database.query<{ from_deleted: boolean; for_deleted: boolean }>('SELECT from_deleted, for_deleted FROM messages WHERE id = 16')
    assert.deepEqual(untouched, { from_deleted: false, for_deleted: false })
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/thread/3' })).statusCode, 200)
  })

  test('DELETE /messages/threads/<id> hides a thread for the caller only', async () => {
    assert.equal((await h.call('moderator', { method: 'DELETE', url: '/messages/threads/2' })).statusCode, 200)
    assert.ok(!ids(h.json(await h.call('moderator', { method: 'GET', url: '/messages?type=threads' }))).includes(2))
    assert.ok(ids(h.json(await h.call('user', { method: 'GET', url: '/messages?type=threads' }))).includes(2), 'the other side still sees it')
    await h.call('moderator', { method: 'POST', url: '/messages', payload: { messageText: 'back again', forId: 1, date } })
    assert.ok(ids(h.json(await h.call('moderator', { method: 'GET', url: '/messages?type=threads' }))).includes(2), 'a new message brings it back')
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/threads/4' })).statusCode, 403)
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/threads/8' })).statusCode, 200)
    assert.equal((await h.database.query('SELECT id FROM threads WHERE id = 8')).length, 0, 'a thread both sides had deleted goes')
  })

  test('bad mailbox types and ids are 400, missing items 404', async () => {
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/trash/1' })).statusCode, 400)
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/inbox/abc' })).statusCode, 400)
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/inbox/9999' })).statusCode, 404)
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/threads/9999' })).statusCode, 404)
  })
})

describe('clearing mailboxes', () => {
  let h: Harness
  before(async () => {
    h = await seededApp()
  })
  after(() => h.close())

  test('clearing the inbox clears all of it, removing what the sender had already deleted', async () => {
    assert.deepEqual(h.json(await h.call('user', { method: 'DELETE', url: '/messages/inbox' })), { success: true, userID: 1, deleted: 7 })
    assert.deepEqual(ids(h.json(await h.call('user', { method: 'GET', url: '/messages' }))), [])
    assert.equal((await h.database.query('SELECT id FROM messages WHERE for_id = 1 AND from_deleted')).length, 0)
    assert.ok(ids(h.json(await h.call('admin', { method: 'GET', url: '/messages?type=outbox' }))).includes(21), 'senders keep their copies')
  })

  test('clearing the outbox', async () => {
    assert.deepEqual(h.json(await h.call('moderator', { method: 'DELETE', url: '/messages/outbox' })), { success: true, userID: 5, deleted: 2 })
    assert.equal((await h.database.query('SELECT id FROM messages WHERE id = 8')).length, 0)
    assert.deepEqual(ids(h.json(await h.call('moderator', { method: 'GET', url: '/messages?type=outbox' }))), [])
  })

  test('clearing the thread list', async () => {
    assert.deepEqual(h.json(await h.call('admin', { method: 'DELETE', url: '/messages/threads' })), { success: true, userID: 4, deleted: 2 })
    assert.deepEqual(ids(h.json(await h.call('admin', { method: 'GET', url: '/messages?type=threads' }))), [])
    assert.ok(ids(h.json(await h.call('blocked', { method: 'GET', url: '/messages?type=outbox' }))).includes(25), 'the other side keeps its view')
  })

  test('an empty mailbox is 404 and unknown mailbox types are 400', async () => {
    const user93 = { authorization: `Bearer ${await h.token({ sub: 'zxy' })}` }
    assert.equal((await h.app.inject({ method: 'DELETE', url: '/messages/inbox', headers: user93 })).statusCode, 404, 'user 93 never received a message')
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/thread' })).statusCode, 400)
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/everything' })).statusCode, 400)
  })
})
