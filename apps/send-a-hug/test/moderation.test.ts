import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { seededApp, type Harness } from './helpers.ts'

const date = '2024-05-01T10:00:00.000Z'

describe('reports', () => {
  let h: Harness
  before(async () => {
    h = await seededApp()
  })
  after(() => h.close())

  test('GET /reports lists open reports only (the seed has none)', async () => {
    assert.deepEqual(h.json(await h.call('admin', { method: 'GET', url: '/reports' })), { success: true, userReports: [], totalUserPages: 0, postReports: [], totalPostPages: 0 })
  })

  test('POST /reports files post and user reports as the caller', async () => {
    const post = await h.call('user', { method: 'POST', url: '/reports', payload: { type: 'Post', userID: 4, postID: 25, reportReason: 'not nice', date, reporter: 9, closed: true } })
    assert.equal(post.statusCode, 200)
    assert.deepEqual(h.json(post).report, {
      id: 45,
      type: 'Post',
      userID: 4,
      reporter: 1,
      reportReason: 'not nice',
      date: 'Wed, 01 May 2024 10:00:00 GMT',
      dismissed: false,
      closed: false,
      postID: 25,
      text: 'for report',
    })
    const user = await h.call('newUser', { method: 'POST', url: '/reports', payload: { type: 'user', userID: 5, reportReason: 'rude', date } })
    assert.equal(user.statusCode, 200, 'new users may report in the QA seed')
    assert.deepEqual(h.json(user).report, {
      id: 46,
      type: 'User',
      userID: 5,
      reporter: 22,
      reportReason: 'rude',
      date: 'Wed, 01 May 2024 10:00:00 GMT',
      dismissed: false,
      closed: false,
      displayName: 'user52',
    })
    const board = h.json(await h.call('admin', { method: 'GET', url: '/reports' }))
    assert.deepEqual(
      board.userReports.map((report: { id: number }) => report.id),
      [46],
      'a lower-case type is stored as "User" and so shows on the board',
    )
    assert.deepEqual(
      board.postReports.map((report: { id: number }) => report.id),
      [45],
    )
    assert.equal(board.totalPostPages, 1)
  })

  test('POST /reports refuses bad reasons, missing ids and unknown targets', async () => {
    const cases: [object, number][] = [
      [{ type: 'User', userID: 5, reportReason: '', date }, 400],
      [{ type: 'User', userID: 5, reportReason: 'x'.repeat(121), date }, 400],
      [{ type: 'User', userID: 5, reportReason: 7, date }, 400],
      [{ type: 'User', userID: 5, reportReason: 'x' }, 400],
      [{ type: 'Post', userID: 4, reportReason: 'x', date }, 422],
      [{ type: 'Post', userID: 4, postID: null, reportReason: 'x', date }, 422],
      [{ type: 'User', userID: null, reportReason: 'x', date }, 422],
      [{ type: 'Post', userID: 4, postID: 9999, reportReason: 'x', date }, 404],
      [{ type: 'User', userID: 9999, reportReason: 'x', date }, 404],
      [{ type: 'User', userID: '5', reportReason: 'x', date }, 400],
    ]
    for (const [payload, status] of cases) {
      assert.equal((await h.call('user', { method: 'POST', url: '/reports', payload })).statusCode, status, JSON.stringify(payload).slice(0, 70))
    }
  })

  test('PATCH /reports/<id> closes or dismisses, needing the id of what was reported', async () => {
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/reports/45', payload: { closed: true, dismissed: false } })).statusCode, 422)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/reports/46', payload: { closed: true, dismissed: true, postID: 3 } })).statusCode, 422)
    const closed = await h.call('admin', { method: 'PATCH', url: '/reports/45', payload: { closed: true, dismissed: false, postID: 25 } })
    assert.equal(closed.statusCode, 200)
    assert.deepEqual([h.json(closed).updated.closed, h.json(closed).updated.dismissed], [true, false])
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/reports/9999', payload: { closed: true, dismissed: true, userID: 1 } })).statusCode, 404)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/reports/abc', payload: { closed: true, dismissed: true } })).statusCode, 400, 'a non-integer id is a 400, not a 500')
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/reports/46', payload: { closed: 'yes', dismissed: true, userID: 5 } })).statusCode, 400)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/reports/46', payload: { dismissed: true, userID: 5 } })).statusCode, 400)
  })
})

describe('filters', () => {
  let h: Harness
  before(async () => {
    h = await seededApp()
  })
  after(() => h.close())

  test('GET /filters pages by 10 in id order', async () => {
    assert.deepEqual(h.json(await h.call('admin', { method: 'GET', url: '/filters' })), {
      success: true,
      words: [
        { id: 1, filter: 'filtered_word_1' },
        { id: 2, filter: 'filtered_word_2' },
      ],
      total_pages: 1,
    })
  })

  test('POST /filters stores lower-cased, refuses duplicates and empty words', async () => {
    assert.deepEqual(h.json(await h.call('admin', { method: 'POST', url: '/filters', payload: { word: 'MeanIe' } })), { success: true, added: { id: 3, filter: 'meanie' } })
    assert.equal((await h.call('admin', { method: 'POST', url: '/filters', payload: { word: 'meanie' } })).statusCode, 409)
    assert.equal((await h.call('admin', { method: 'POST', url: '/filters', payload: { word: '' } })).statusCode, 400)
    assert.equal((await h.call('admin', { method: 'POST', url: '/filters', payload: { word: 4 } })).statusCode, 400)
    assert.equal((await h.call('admin', { method: 'POST', url: '/filters', payload: {} })).statusCode, 400)
    const refused = await h.call('user', { method: 'POST', url: '/posts', payload: { text: 'you MEANIE', date } })
    assert.equal(refused.statusCode, 400, 'new filters apply at once')
  })

  test('DELETE /filters/<id> returns the removed filter', async () => {
    assert.deepEqual(h.json(await h.call('admin', { method: 'DELETE', url: '/filters/3' })), { success: true, deleted: { id: 3, filter: 'meanie' } })
    assert.equal((await h.call('admin', { method: 'DELETE', url: '/filters/3' })).statusCode, 404)
    assert.equal((await h.call('admin', { method: 'DELETE', url: '/filters/three' })).statusCode, 400)
  })
})
