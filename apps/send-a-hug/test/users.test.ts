import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { seededApp, type Harness } from './helpers.ts'
import { factories } from './factories.ts'
import { ROLE } from '../src/permissions.ts'

describe('users', () => {
  let h: Harness
  before(async () => {
    h = await seededApp()
  })
  after(() => h.close())

  test('GET /users/all/<firebase uid> gives the caller their own full view', async () => {
    const response = await h.call('user', { method: 'GET', url: '/users/all/abcd' })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(h.json(response).user, {
      id: 1,
      displayName: 'shirb',
      receivedH: 12,
      givenH: 2,
      loginCount: 60,
      role: { id: 3, name: 'user', permissions: ['delete:messages', 'post:message', 'post:post', 'post:report', 'read:messages', 'read:user', 'delete:my-post', 'patch:user', 'patch:my-post'] },
      blocked: false,
      releaseDate: null,
      autoRefresh: false,
      refreshRate: 0,
      pushEnabled: false,
      last_notifications_read: null,
      selectedIcon: 'kitty',
      iconColours: { character: '#ba9f93', lbg: '#e2a275', rbg: '#f8eee4', item: '#f4b56a' },
      posts: 8,
      firebaseId: 'abcd',
      emailVerified: true,
    })
  })

  test("another user's profile by internal id leaves out the Firebase id", async () => {
    const user = h.json(await h.call('user', { method: 'GET', url: '/users/all/5' })).user
    assert.equal(user.displayName, 'user52')
    assert.equal(user.firebaseId, undefined)
    assert.equal(user.posts, 2)
  })

  test('an all-digit Firebase uid is looked up as a Firebase uid first', async () => {
    const user = h.json(await h.call('newUser', { method: 'GET', url: '/users/all/123456' })).user
    assert.equal(user.id, 22)
    assert.equal(user.firebaseId, '123456')
  })

  test('an unknown user is 404', async () => {
    assert.equal((await h.call('user', { method: 'GET', url: '/users/all/99999' })).statusCode, 404)
    assert.equal((await h.call('user', { method: 'GET', url: '/users/all/nobody' })).statusCode, 404)
  })

  test('reading a profile does not demote an admin whose stale release date is past', async () => {
    const admin = h.json(await h.call('user', { method: 'GET', url: '/users/all/4' })).user
    assert.equal(admin.role.id, 1)
    assert.equal(admin.releaseDate, 'Fri, 30 Oct 2020 18:13:21 GMT')
  })

  test('reading a blocked user whose block expired lifts the block', async () => {
    await h.database.query("UPDATE users SET release_date = now() - interval '1 day' WHERE id = 20")
    const user = h.json(await h.call('user', { method: 'GET', url: '/users/all/20' })).user
    assert.equal(user.blocked, false)
    assert.equal(user.role.id, 3)
    assert.equal(user.releaseDate, null)
    await h.database.query("UPDATE users SET role_id = 5, release_date = '2120-08-11 08:33:22.473' WHERE id = 20")
  })

  test('GET /users/blocked lifts expired blocks of blocked users only and lists the rest by release', async () => {
    const blocked = factories(h.database).user
    await blocked.create({ id: 30, roleId: ROLE.blocked, releaseDate: new Date(Date.now() - 3_600_000) })
    await blocked.create({ id: 31, roleId: ROLE.blocked, releaseDate: new Date(Date.now() + 86_400_000) })
    const response = await h.call('admin', { method: 'GET', url: '/users/BLOCKED' })
    assert.equal(response.statusCode, 200)
    const body = h.json(response)
    assert.deepEqual(
      body.users.map((user: { id: number }) => user.id),
      [31, 20],
    )
    assert.equal(body.total_pages, 1)
    const roles = await h.database.query<{ id: number; role_id: number }>('SELECT id, role_id FROM users WHERE id IN (4, 21, 30) ORDER BY id')
    assert.deepEqual(
      roles,
      [
        { id: 4, role_id: 1 },
        { id: 21, role_id: 1 },
        { id: 30, role_id: 3 },
      ],
      'admins with stale dates keep their role',
    )
  })

  test('GET /users/<other type> is a 400 in the validation shape, not a 500', async () => {
    const response = await h.call('admin', { method: 'GET', url: '/users/admins' })
    assert.equal(response.statusCode, 400)
    assert.equal(h.json(response).message.code, 400)
  })

  test('POST /users creates the caller from a token alone, as a new user', async () => {
    const token = await h.token({ sub: 'fresh-uid', email_verified: false })
    const response = await h.app.inject({ method: 'POST', url: '/users', headers: { authorization: `Bearer ${token}` }, payload: { firebaseId: 'fresh-uid', displayName: 'Fresh' } })
    assert.equal(response.statusCode, 200)
    const user = h.json(response).user
    assert.equal(user.id, 23)
    assert.deepEqual(
      [user.role.id, user.loginCount, user.autoRefresh, user.refreshRate, user.pushEnabled, user.selectedIcon, user.emailVerified, user.firebaseId],
      [4, 0, false, 20, false, 'kitty', false, 'fresh-uid'],
    )
    assert.deepEqual(user.iconColours, { character: '#BA9F93', lbg: '#e2a275', rbg: '#f8eee4', item: '#f4b56a' })
    const again = await h.app.inject({ method: 'POST', url: '/users', headers: { authorization: `Bearer ${token}` }, payload: { firebaseId: 'fresh-uid', displayName: 'Fresh' } })
    assert.equal(again.statusCode, 409)
    const other = await h.app.inject({ method: 'POST', url: '/users', headers: { authorization: `Bearer ${token}` }, payload: { firebaseId: 'someone-else', displayName: 'X' } })
    assert.equal(other.statusCode, 422)
    assert.match(h.json(other).message, /^Unprocessable request\./)
    assert.equal((await h.app.inject({ method: 'POST', url: '/users', payload: { firebaseId: 'x', displayName: 'X' } })).statusCode, 401)
    const otherToken = `Bearer ${await h.token({ sub: 'other-uid' })}`
    for (const payload of [
      { firebaseId: 'other-uid' },
      { firebaseId: 'other-uid', displayName: 'x'.repeat(61) },
      { firebaseId: 'other-uid', displayName: ' ' },
      { firebaseId: 1, displayName: 'X' },
      { displayName: 'X' },
    ]) {
      const refused = await h.app.inject({ method: 'POST', url: '/users', headers: { authorization: otherToken }, payload })
      assert.equal(refused.statusCode, 400, JSON.stringify(payload).slice(0, 60))
    }
  })

  test('PATCH /users/all/<id>: the frontend sends its whole user object back; unknown keys are ignored', async () => {
    const me = h.json(await h.call('user', { method: 'GET', url: '/users/all/abcd' })).user
    const response = await h.call('user', { method: 'PATCH', url: '/users/all/1', payload: { ...me, displayName: 'shirb2', loginCount: 61, jwt: 'x', receivedH: 999 } })
    assert.equal(response.statusCode, 200)
    const updated = h.json(response).updated
    assert.equal(updated.displayName, 'shirb2')
    assert.equal(updated.loginCount, 61)
    assert.equal(updated.receivedH, 12)
  })

  test('renaming someone else needs patch:any-user; blocking needs block:user', async () => {
    assert.equal((await h.call('user', { method: 'PATCH', url: '/users/all/5', payload: { displayName: 'renamed' } })).statusCode, 403)
    assert.equal((await h.call('user', { method: 'PATCH', url: '/users/all/5', payload: { displayName: 'user52' } })).statusCode, 200, 'the same name is no change')
    assert.equal(h.json(await h.call('admin', { method: 'PATCH', url: '/users/all/5', payload: { id: 5, displayName: 'renamed' } })).updated.displayName, 'renamed')
    assert.equal((await h.call('moderator', { method: 'PATCH', url: '/users/all/9', payload: { blocked: true, releaseDate: '2030-01-01T00:00:00.000Z' } })).statusCode, 403)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/users/all/5', payload: { displayName: 'x'.repeat(61) } })).statusCode, 400)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/users/all/5', payload: { displayName: '' } })).statusCode, 400)
  })

  test('blocking sets role 5 and the release date; unblocking really unblocks', async () => {
    const blocked = h.json(await h.call('admin', { method: 'PATCH', url: '/users/all/9', payload: { id: 9, blocked: true, releaseDate: '2030-01-01T00:00:00.000Z' } })).updated
    assert.equal(blocked.blocked, true)
    assert.equal(blocked.role.id, 5)
    assert.equal(blocked.releaseDate, 'Tue, 01 Jan 2030 00:00:00 GMT')
    const unblocked = h.json(await h.call('admin', { method: 'PATCH', url: '/users/all/9', payload: { blocked: false, releaseDate: null } })).updated
    assert.equal(unblocked.blocked, false)
    assert.equal(unblocked.role.id, 3)
    assert.equal(unblocked.releaseDate, null)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/users/all/9', payload: { blocked: true } })).statusCode, 400, 'blocking needs a release date')
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/users/all/9', payload: { blocked: true, releaseDate: 'soon' } })).statusCode, 400)
  })

  test("settings, login count and icon are the user's own, even for admins", async () => {
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/users/all/1', payload: { pushEnabled: true } })).statusCode, 403)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/users/all/1', payload: { loginCount: 1 } })).statusCode, 403)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/users/all/1', payload: { selectedIcon: 'bear' } })).statusCode, 403)
    const mine = h.json(
      await h.call('user', {
        method: 'PATCH',
        url: '/users/all/1',
        payload: { autoRefresh: true, refreshRate: 30, pushEnabled: true, selectedIcon: 'bear', iconColours: { character: '#000000', lbg: '#111111', rbg: '#222222', item: '#333333' } },
      }),
    ).updated
    assert.deepEqual([mine.autoRefresh, mine.refreshRate, mine.pushEnabled, mine.selectedIcon, mine.iconColours.item], [true, 30, true, 'bear', '#333333'])
  })

  test('auto refresh needs a refresh rate of at least 20 (422)', async () => {
    const response = await h.call('user', { method: 'PATCH', url: '/users/all/1', payload: { autoRefresh: true, refreshRate: 10 } })
    assert.equal(response.statusCode, 422)
    assert.equal((await h.call('user', { method: 'PATCH', url: '/users/all/1', payload: { autoRefresh: true } })).statusCode, 422)
  })

  test('emailVerified takes the flag from the token and promotes a verified new user', async () => {
    const response = await h.call('newUser', { method: 'PATCH', url: '/users/all/22', payload: { emailVerified: true } })
    assert.equal(response.statusCode, 200)
    const user = h.json(response).updated
    assert.equal(user.emailVerified, true)
    assert.equal(user.role.id, 3)
    const unverified = await h.call('moderator', { method: 'PATCH', url: '/users/all/5', payload: { emailVerified: true } })
    assert.equal(h.json(unverified).updated.emailVerified, false, "the moderator's token says unverified")
  })

  test('PATCH refuses bad ids, unknown users and wrong types', async () => {
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/users/all/abc', payload: {} })).statusCode, 400)
    assert.equal((await h.call('admin', { method: 'PATCH', url: '/users/all/9999', payload: {} })).statusCode, 404)
    for (const payload of [{ displayName: 5 }, { blocked: 'yes' }, { loginCount: 'many' }, { iconColours: 'red' }, { selectedIcon: 'elephant' }]) {
      assert.equal((await h.call('user', { method: 'PATCH', url: '/users/all/1', payload })).statusCode, 400, JSON.stringify(payload))
    }
  })

  test("GET /users/all/<id>/posts lists a user's posts oldest first", async () => {
    const body = h.json(await h.call('user', { method: 'GET', url: '/users/all/4/posts?page=3' }))
    assert.deepEqual(
      body.posts.map((post: { id: number }) => post.id),
      [42, 43, 44, 45],
    )
    assert.equal(body.page, 3)
    assert.equal(body.total_pages, 3)
    assert.deepEqual(h.json(await h.call('user', { method: 'GET', url: '/users/all/9999/posts' })).posts, [])
    assert.equal((await h.call('user', { method: 'GET', url: '/users/all/x/posts' })).statusCode, 400)
  })

  test('POST /users/all/<id>/hugs sends unlimited hugs with a notification', async () => {
    for (let round = 0; round < 2; round += 1) {
      const response = await h.call('moderator', { method: 'POST', url: '/users/all/1/hugs' })
      assert.deepEqual(h.json(response), { success: true, updated: 'Successfully sent hug to shirb2' })
    }
    const [user] = await h.database.query<{ received_hugs: number }>('SELECT received_hugs FROM users WHERE id = 1')
    assert.equal(user?.received_hugs, 14)
    assert.equal((await h.call('moderator', { method: 'POST', url: '/users/all/9999/hugs' })).statusCode, 404)
    assert.equal((await h.call('moderator', { method: 'POST', url: '/users/all/x/hugs' })).statusCode, 400)
  })

  test("DELETE /users/all/<id>/posts: one's own, or anyone's for admins; none left is 404", async () => {
    assert.equal((await h.call('user', { method: 'DELETE', url: '/users/all/5/posts' })).statusCode, 403)
    const mine = await h.call('moderator', { method: 'DELETE', url: '/users/all/5/posts' })
    assert.deepEqual(h.json(mine), { success: true, userID: 5, deleted: 2 })
    assert.equal((await h.call('moderator', { method: 'DELETE', url: '/users/all/5/posts' })).statusCode, 404)
    assert.deepEqual(h.json(await h.call('admin', { method: 'DELETE', url: '/users/all/1/posts' })), { success: true, userID: 1, deleted: 8 })
    assert.equal((await h.call('admin', { method: 'DELETE', url: '/users/all/z/posts' })).statusCode, 400)
  })
})
