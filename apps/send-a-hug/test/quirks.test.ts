import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { seededApp, type Harness } from './helpers.ts'

const date = '2024-05-01T10:00:00.000Z'

// The fixes listed in the README's "Differences from the original" that other files do not cover.
describe('fixed quirks', () => {
  let h: Harness
  before(async () => {
    h = await seededApp()
  })
  after(() => h.close())

  test('deleting a message to oneself removes it (it used to stay visible from the sender side)', async () => {
    assert.equal((await h.call('user', { method: 'DELETE', url: '/messages/inbox/1' })).statusCode, 200)
    assert.equal((await h.database.query('SELECT id FROM messages WHERE id = 1')).length, 0)
    const outbox = h.json(await h.call('user', { method: 'GET', url: '/messages?type=outbox' }))
    assert.ok(!outbox.messages.some((message: { id: number }) => message.id === 1))
  })

  test('page 0 and negative pages are page 1 (they used to be a database error)', async () => {
    const first = h.json(await h.call(null, { method: 'GET', url: '/posts/new?page=1' }))
    for (const page of ['0', '-2']) {
      const response = await h.call(null, { method: 'GET', url: `/posts/new?page=${page}` })
      assert.equal(response.statusCode, 200)
      assert.deepEqual(h.json(response).posts, first.posts)
    }
    assert.equal((await h.call('admin', { method: 'GET', url: '/notifications?page=-1' })).statusCode, 200)
  })

  test("emailVerified never copies the caller's token flag onto somebody else", async () => {
    // The "user" caller's token says verified; the target (new user 22) is not.
    const response = await h.call('user', { method: 'PATCH', url: '/users/all/22', payload: { emailVerified: true } })
    assert.equal(response.statusCode, 200)
    const user = h.json(response).updated
    assert.deepEqual([user.emailVerified, user.role.id], [false, 4], 'the target keeps its own flag and role')
  })

  test('two first messages at once between the same pair open one thread', async () => {
    const sends = await Promise.all([0, 1, 2].map(() => h.call('moderator', { method: 'POST', url: '/messages', payload: { messageText: 'hi', forId: 21, date } })))
    const threads = new Set(sends.map((response) => h.json(response).message.threadID))
    assert.equal(threads.size, 1)
    const rows = await h.database.query('SELECT id FROM threads WHERE (user_1_id = 5 AND user_2_id = 21) OR (user_1_id = 21 AND user_2_id = 5)')
    assert.equal(rows.length, 1)
  })
})

test('a blocked user whose block ran out gets their permissions back on the next request', async () => {
  const h = await seededApp()
  try {
    const date = '2024-05-01T10:00:00.000Z'
    assert.equal((await h.call('blocked', { method: 'POST', url: '/posts', payload: { text: 'hello', date } })).statusCode, 403)
    await h.database.query("UPDATE users SET release_date = now() - interval '1 minute' WHERE id = 20")
    assert.equal((await h.call('blocked', { method: 'POST', url: '/posts', payload: { text: 'hello', date } })).statusCode, 200)
    const [user] = await h.database.query<{ role_id: number; release_date: unknown }>('SELECT role_id, release_date FROM users WHERE id = 20')
    assert.deepEqual(user, { role_id: 3, release_date: null })
  } finally {
    await h.close()
  }
})
