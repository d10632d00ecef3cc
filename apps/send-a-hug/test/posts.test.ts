import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { seededApp, type Harness } from './helpers.ts'
import { factories } from './factories.ts'

const date = '2024-05-01T10:00:00.000Z'

describe('home, search and posts', () => {
  let h: Harness
  before(async () => {
    h = await seededApp()
  })
  after(() => h.close())

  test('GET / gives the ten newest and the ten least-hugged posts', async () => {
    const response = await h.call(null, { method: 'GET', url: '/' })
    assert.equal(response.statusCode, 200)
    const body = h.json(response)
    assert.equal(body.success, true)
    assert.deepEqual(
      body.recent.map((post: { id: number }) => post.id),
      [45, 44, 43, 42, 39, 38, 36, 35, 30, 28],
    )
    assert.deepEqual(
      body.suggested.slice(0, 4).map((post: { id: number }) => post.id),
      [43, 44, 45, 6],
    )
    assert.deepEqual(body.recent[3], { id: 42, userId: 4, user: 'user14', text: 'test 2', date: 'Sat, 31 Oct 2020 15:09:50 GMT', givenHugs: 1, sentHugs: [4] })
  })

  test('GET /posts/new and /posts/<anything else> page by 5', async () => {
    const fresh = h.json(await h.call(null, { method: 'GET', url: '/posts/new?page=2' }))
    assert.equal(fresh.total_pages, 5)
    assert.deepEqual(
      fresh.posts.map((post: { id: number }) => post.id),
      [38, 36, 35, 30, 28],
    )
    const suggested = h.json(await h.call(null, { method: 'GET', url: '/posts/suggested' }))
    assert.deepEqual(
      suggested.posts.map((post: { id: number }) => post.id),
      [43, 44, 45, 6, 7],
    )
    const numeric = h.json(await h.call(null, { method: 'GET', url: '/posts/5?page=abc' }))
    assert.deepEqual(numeric.posts, suggested.posts, 'any other type is the suggested list; a bad page is page 1')
    const beyond = h.json(await h.call(null, { method: 'GET', url: '/posts/new?page=99' }))
    assert.deepEqual(beyond.posts, [])
  })

  test('POST / searches users (all) and posts (5 per page, newest first)', async () => {
    const response = await h.call(null, { method: 'POST', url: '/', payload: { search: 'user' } })
    const body = h.json(response)
    assert.equal(response.statusCode, 200)
    assert.deepEqual(
      body.users.map((user: { id: number }) => user.id),
      [4, 5, 9, 20, 22],
    )
    assert.equal(body.user_results, 5)
    assert.equal(body.users[0].firebaseId, undefined, 'search results never carry Firebase ids')
    assert.deepEqual(
      body.posts.map((post: { id: number }) => post.id),
      [12],
    )
    const posts = h.json(await h.call(null, { method: 'POST', url: '/?page=2', payload: { search: 'test' } }))
    assert.equal(posts.post_results, 13)
    assert.equal(posts.current_page, 2)
    assert.equal(posts.total_pages, 3)
    assert.equal(posts.posts.length, 5)
  })

  test('search treats % and _ literally', async () => {
    const body = h.json(await h.call(null, { method: 'POST', url: '/', payload: { search: '%' } }))
    assert.equal(body.post_results, 0)
    assert.equal(body.user_results, 0)
  })

  test('search refuses an empty query, a missing key and a non-string with 400', async () => {
    for (const payload of [{ search: '' }, {}, { search: 5 }]) {
      const response = await h.call(null, { method: 'POST', url: '/', payload })
      assert.equal(response.statusCode, 400, JSON.stringify(payload))
      assert.equal(h.json(response).message.code, 400)
    }
  })

  test('POST /posts creates a post by the caller, ignoring client-sent author and hugs', async () => {
    const response = await h.call('user', { method: 'POST', url: '/posts', payload: { text: 'need a hug', date, userId: 4, givenHugs: 50, user: 'x' } })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(h.json(response).posts, { id: 46, userId: 1, user: 'shirb', text: 'need a hug', date: 'Wed, 01 May 2024 10:00:00 GMT', givenHugs: 0, sentHugs: [] })
    const home = h.json(await h.call(null, { method: 'GET', url: '/' }))
    assert.equal(home.recent[0].id, 46)
    assert.equal(h.json(await h.call(null, { method: 'GET', url: '/posts/new' })).total_pages, 5)
  })

  test('POST /posts refuses forbidden words, empty and long text, wrong types and bad dates', async () => {
    const cases: [unknown, RegExp | undefined][] = [
      [{ text: 'a filtered_word_1 here', date }, /forbidden term.*filtered_word_1/],
      [{ text: '', date }, /cannot be empty/],
      [{ text: 'x'.repeat(481), date }, /480/],
      [{ text: 12, date }, undefined],
      [{ text: 'ok' }, undefined],
      [{ text: 'ok', date: '2024-05-01' }, undefined],
      [{ text: 'ok', date: 42 }, undefined],
    ]
    for (const [payload, description] of cases) {
      const response = await h.call('user', { method: 'POST', url: '/posts', payload: payload as object })
      assert.equal(response.statusCode, 400, JSON.stringify(payload).slice(0, 60))
      const body = h.json(response)
      assert.equal(body.success, false)
      if (description) assert.match(body.message.description, description)
    }
    const garbled = await h.call('user', { method: 'POST', url: '/posts', payload: '{"text": ', headers: { 'content-type': 'application/json' } })
    assert.equal(garbled.statusCode, 400)
    assert.deepEqual(h.json(garbled), { success: false, code: 400, message: 'bad request, fix and retry' })
  })

  test('PATCH /posts/<id>: authors edit their own, moderators and admins any; same text is a no-op', async () => {
    const own = await h.call('user', { method: 'PATCH', url: '/posts/1', payload: { text: 'edited', givenHugs: 99 } })
    assert.equal(own.statusCode, 200)
    assert.equal(h.json(own).updated.text, 'edited')
    assert.equal(h.json(own).updated.givenHugs, 2, 'hug counts cannot be edited')
    assert.equal((await h.call('user', { method: 'PATCH', url: '/posts/22', payload: { text: 'not mine' } })).statusCode, 403)
    assert.equal((await h.call('user', { method: 'PATCH', url: '/posts/22', payload: { text: 'testing service worker' } })).statusCode, 200)
    assert.equal((await h.call('moderator', { method: 'PATCH', url: '/posts/22', payload: { text: 'moderated' } })).statusCode, 200)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/posts/2', payload: { text: 'admin edit' } })).statusCode, 200)
    assert.equal((await h.call('user', { method: 'PATCH', url: '/posts/23', payload: { text: 'filtered_word_2' } })).statusCode, 403, 'not yours comes before the filter')
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/posts/2', payload: { text: 'filtered_word_2' } })).statusCode, 400)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/posts/9999', payload: { text: 'x' } })).statusCode, 404)
    const badId = await h.call('admin', { method: 'PATCH', url: '/posts/abc', payload: { text: 'x' } })
    assert.equal(badId.statusCode, 400)
    assert.match(h.json(badId).message.description, /Post ID must be of type 'Integer'/)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/posts/1.5', payload: { text: 'x' } })).statusCode, 400)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/posts/2', payload: {} })).statusCode, 400)
  })

  test('POST /posts/<id>/hugs: one hug per user per post, counters, notification', async () => {
    const first = await h.call('moderator', { method: 'POST', url: '/posts/44/hugs' })
    assert.equal(first.statusCode, 200)
    assert.equal(h.json(first).updated, 'Successfully sent hug for post 44')
    const again = await h.call('moderator', { method: 'POST', url: '/posts/44/hugs', payload: {} })
    assert.equal(again.statusCode, 409)
    assert.deepEqual(h.json(again), { success: false, code: 409, message: 'conflict, resource already exists' })
    const [post] = await h.database.query<{ given_hugs: number; sent_hugs: number[] }>('SELECT given_hugs, sent_hugs FROM posts WHERE id = 44')
    assert.deepEqual(post, { given_hugs: 1, sent_hugs: [5] })
    const [giver] = await h.database.query<{ given_hugs: number }>('SELECT given_hugs FROM users WHERE id = 5')
    const [author] = await h.database.query<{ received_hugs: number }>('SELECT received_hugs FROM users WHERE id = 4')
    assert.equal(giver?.given_hugs, 1)
    assert.equal(author?.received_hugs, 107)
    const [notification] = await h.database.query<{ for_id: number; from_id: number; type: string; text: string }>('SELECT for_id, from_id, type, text FROM notifications WHERE id = 96')
    assert.deepEqual(notification, { for_id: 4, from_id: 5, type: 'hug', text: 'You got a hug' })
    assert.equal((await h.call('moderator', { method: 'POST', url: '/posts/9999/hugs' })).statusCode, 404)
    assert.equal((await h.call('moderator', { method: 'POST', url: '/posts/x/hugs' })).statusCode, 400)
    assert.equal((await h.call('blocked', { method: 'POST', url: '/posts/45/hugs' })).statusCode, 200, 'blocked users may still hug')
  })

  test('a hug may carry a message, which opens a thread with the author', async () => {
    const response = await h.call('newUser', { method: 'POST', url: '/posts/43/hugs', payload: { messageText: 'you got this' } })
    assert.equal(response.statusCode, 200)
    assert.equal(h.json(response).updated, 'Successfully sent hug for post 43 and a message to user 4')
    const [message] = await h.database.query<{ from_id: number; for_id: number; text: string; thread: number }>('SELECT from_id, for_id, text, thread FROM messages WHERE id = 27')
    assert.deepEqual(message, { from_id: 22, for_id: 4, text: 'you got this', thread: 9 })
    const [notification] = await h.database.query<{ text: string }>('SELECT text FROM notifications ORDER BY id DESC LIMIT 1')
    assert.equal(notification?.text, 'You got a hug and a message')
    const filtered = await h.call('user', { method: 'POST', url: '/posts/43/hugs', payload: { messageText: 'filtered_word_1' } })
    assert.equal(filtered.statusCode, 400)
    const [post] = await h.database.query<{ sent_hugs: number[] }>('SELECT sent_hugs FROM posts WHERE id = 43')
    assert.deepEqual(post?.sent_hugs, [22], 'a refused message saves nothing')
    assert.equal((await h.call('user', { method: 'POST', url: '/posts/43/hugs', payload: { messageText: 7 } })).statusCode, 400)
  })

  test('DELETE /posts/<id>: own posts for users, any for admins; reports keep existing', async () => {
    await factories(h.database).postReport.create({ userId: 4, postId: 30, reporter: 1, reportReason: 'spam' })
    assert.equal((await h.call('user', { method: 'DELETE', url: '/posts/30' })).statusCode, 403)
    assert.equal((await h.call('moderator', { method: 'DELETE', url: '/posts/30' })).statusCode, 403, 'moderators delete only their own')
    const removed = await h.call('admin', { method: 'DELETE', url: '/posts/30' })
    assert.deepEqual(h.json(removed), { success: true, deleted: 30 })
    const [report] = await h.database.query<{ post_id: number | null }>("SELECT post_id FROM reports WHERE report_reason = 'spam'")
    assert.equal(report?.post_id, null)
    assert.equal((await h.call('user', { method: 'DELETE', url: '/posts/2' })).statusCode, 200)
    assert.equal((await h.call('user', { method: 'DELETE', url: '/posts/2' })).statusCode, 404)
    assert.equal((await h.call('user', { method: 'DELETE', url: '/posts/two' })).statusCode, 400)
  })

  test('a post with an open report is hidden from home, lists and search until the report closes', async () => {
    const reported = await h.call('user', { method: 'POST', url: '/reports', payload: { type: 'Post', userID: 4, postID: 45, reportReason: 'mean', date } })
    assert.equal(reported.statusCode, 200)
    const ids = async (url: string) => h.json(await h.call(null, { method: 'GET', url })).posts.map((post: { id: number }) => post.id)
    assert.ok(!(await ids('/posts/new')).includes(45))
    assert.ok(!h.json(await h.call(null, { method: 'GET', url: '/' })).recent.some((post: { id: number }) => post.id === 45))
    assert.equal(h.json(await h.call(null, { method: 'POST', url: '/', payload: { search: 'button 2' } })).post_results, 0)
    const own = h.json(await h.call('admin', { method: 'GET', url: '/users/all/4/posts?page=3' }))
    assert.ok(
      own.posts.some((post: { id: number }) => post.id === 45),
      "the author's own list still shows it",
    )
    const reportId = h.json(reported).report.id
    assert.equal((await h.call('admin', { method: 'PATCH', url: `/reports/${reportId}`, payload: { closed: true, dismissed: true, postID: 45 } })).statusCode, 200)
    assert.ok((await ids('/posts/new')).includes(45))
  })
})

test('the visible-post counter behind the page counts stays equal to a real count', async () => {
  const h = await seededApp()
  try {
    const date = '2024-05-01T10:00:00.000Z'
    await h.call('user', { method: 'POST', url: '/posts', payload: { text: 'one', date } })
    await h.call('user', { method: 'POST', url: '/reports', payload: { type: 'Post', userID: 1, postID: 1, reportReason: 'a', date } })
    await h.call('user', { method: 'POST', url: '/reports', payload: { type: 'Post', userID: 1, postID: 1, reportReason: 'b', date } })
    await h.call('user', { method: 'POST', url: '/reports', payload: { type: 'Post', userID: 4, postID: 22, reportReason: 'c', date } })
    await h.call('admin', { method: 'PATCH', url: '/reports/45', payload: { closed: true, dismissed: true, postID: 1 } })
    await h.call('admin', { method: 'DELETE', url: '/posts/22' })
    await h.call('admin', { method: 'DELETE', url: '/users/all/5/posts' })
    const [counter] = await h.database.query<{ visible: number }>('SELECT visible FROM post_totals')
    const [real] = await h.database.query<{ count: number }>('SELECT count(*)::int AS count FROM posts p WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.post_id = p.id AND NOT r.closed)')
    assert.equal(counter?.visible, real?.count)
    assert.equal(real?.count, 24 + 1 - 1 - 1 - 2, 'post 1 is still reported once; 22 and user 5’s two posts are gone')
  } finally {
    await h.close()
  }
})
