import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import { LIMITS } from '../src/limits.ts'
import { seededApp, type Harness } from './helpers.ts'

// Issue "The kernel's request contract": input the storage cannot hold (numbers past an integer
// column, over-long strings, NUL bytes, a missing body) is a 4xx in Send A Hug's own shapes, never a
// 500. Raw JSON text is sent where JSON.stringify would change the number (2^63, 1e308).

const DATE = '2020-06-01T15:05:01.966Z'
const HUGE = ['1e308', '9223372036854775808', '2147483648', '-2147483649']

/** The validation shape of spec §0.4: `message` is an object with the same code and a description. */
function assertValidation(response: LightMyRequestResponse, context: string): string {
  assert.equal(response.statusCode, 400, `${context} → ${response.statusCode} ${response.body}`)
  const body = response.json()
  assert.equal(body.success, false)
  assert.equal(body.code, 400)
  assert.equal(body.message.code, 400, context)
  assert.equal(typeof body.message.description, 'string', context)
  return body.message.description
}

describe('request limits', () => {
  let h: Harness
  before(async () => {
    h = await seededApp()
  })
  after(() => h.close())

  const raw = (role: 'user' | 'admin', method: 'POST' | 'PATCH', url: string, payload: string) => h.call(role, { method, url, payload, headers: { 'content-type': 'application/json' } })

  test('a number past an integer column in a body field is a 400 in the validation shape, not a 500', async () => {
    for (const number of HUGE) {
      const message = await raw('user', 'POST', '/messages', `{"messageText":"hello","forId":${number},"date":"${DATE}"}`)
      assert.match(assertValidation(message, `forId ${number}`), /forId/)
      assertValidation(await raw('user', 'PATCH', '/users/all/1', `{"loginCount":${number}}`), `loginCount ${number}`)
      assertValidation(await raw('user', 'PATCH', '/users/all/1', `{"autoRefresh":true,"refreshRate":${number}}`), `refreshRate ${number}`)
      assertValidation(await raw('user', 'PATCH', '/notifications', `{"notification_ids":[46,${number}],"read":true}`), `notification_ids ${number}`)
      assertValidation(await raw('user', 'POST', '/reports', `{"type":"User","userID":${number},"reportReason":"rude","date":"${DATE}"}`), `userID ${number}`)
    }
    assertValidation(await raw('user', 'POST', '/push_subscriptions', '{"endpoint":"https://push.example/1","expirationTime":1e308,"keys":{"p256dh":"k","auth":"a"}}'), 'expirationTime 1e308')
    const user = (await h.call('user', { method: 'GET', url: '/users/all/1' })).json().user
    assert.equal(user.loginCount, 60, 'nothing was saved')
  })

  test('a path id past an integer column is a 400 with the original "<Thing> ID must be of type \'Integer\'" description', async () => {
    for (const number of [...HUGE, '1.5', 'abc']) {
      const encoded = encodeURIComponent(number)
      assert.match(assertValidation(await h.call('user', { method: 'DELETE', url: `/posts/${encoded}` }), `post ${number}`), /^Post ID must be of type 'Integer'/)
      assert.match(assertValidation(await h.call('user', { method: 'PATCH', url: `/users/all/${encoded}`, payload: {} }), `user ${number}`), /^User ID must be of type 'Integer'/)
      assert.match(assertValidation(await h.call('user', { method: 'GET', url: `/users/all/${encoded}/posts` }), `user posts ${number}`), /^User ID must be of type 'Integer'/)
      assert.match(assertValidation(await h.call('user', { method: 'DELETE', url: `/messages/inbox/${encoded}` }), `item ${number}`), /^Item ID must be of type 'Integer'/)
      assert.match(assertValidation(await h.call('admin', { method: 'DELETE', url: `/filters/${encoded}` }), `filter ${number}`), /^Filter ID must be of type 'Integer'/)
    }
  })

  test('an over-long string is a 400; text the service checks keeps the original description', async () => {
    const post = (text: string) => h.call('user', { method: 'POST', url: '/posts', payload: { text, date: DATE } })
    assert.match(assertValidation(await post('x'.repeat(LIMITS.postText + 1)), 'post 481'), /^Post text cannot be over 480 characters!/)
    assertValidation(await post('x'.repeat(LIMITS.textInput + 1)), 'post past the input cap')
    assert.match(
      assertValidation(await h.call('user', { method: 'PATCH', url: '/users/all/1', payload: { displayName: 'x'.repeat(LIMITS.displayName + 1) } }), 'display name 61'),
      /^New display name cannot be over 60 characters!/,
    )
    assert.match(
      assertValidation(await h.call('user', { method: 'POST', url: '/reports', payload: { type: 'User', userID: 5, reportReason: 'x'.repeat(LIMITS.reportReason + 1), date: DATE } }), 'reason 121'),
      /^Report reason cannot be over 120 characters!/,
    )
    assertValidation(await h.call('user', { method: 'POST', url: '/messages', payload: { messageText: 'x'.repeat(LIMITS.textInput + 1), forId: 5, date: DATE } }), 'message past the cap')
    assertValidation(await h.call(null, { method: 'POST', url: '/', payload: { search: 'x'.repeat(LIMITS.textInput + 1) } }), 'search past the cap')
    assertValidation(await h.call('admin', { method: 'POST', url: '/filters', payload: { word: 'x'.repeat(LIMITS.filterWord + 1) } }), 'filter word')
    assertValidation(await h.call('user', { method: 'PATCH', url: '/users/all/1', payload: { selectedIcon: 'x'.repeat(LIMITS.selectedIcon + 1) } }), 'icon')
    assertValidation(
      await h.call('user', { method: 'PATCH', url: '/users/all/1', payload: { iconColours: { character: 'x'.repeat(LIMITS.colour + 1), lbg: '#000', rbg: '#000', item: '#000' } } }),
      'colour',
    )
    assertValidation(await h.call('admin', { method: 'PATCH', url: '/users/all/5', payload: { blocked: true, releaseDate: `${DATE}${'0'.repeat(LIMITS.clientDate)}` } }), 'release date')
    assertValidation(await h.call('user', { method: 'POST', url: '/reports', payload: { type: 'x'.repeat(LIMITS.reportType + 1), userID: 5, reportReason: 'rude', date: DATE } }), 'report type')
    assertValidation(await h.call('user', { method: 'GET', url: `/notifications?readStatus=${'x'.repeat(LIMITS.urlWord + 1)}` }), 'readStatus')
    const endpoint = `https://push.example/${'x'.repeat(LIMITS.pushEndpoint)}`
    assertValidation(await h.call('user', { method: 'POST', url: '/push_subscriptions', payload: { endpoint, keys: { p256dh: 'k', auth: 'a' } } }), 'push endpoint')
    const longUid = 'x'.repeat(LIMITS.firebaseId + 1)
    const signUp = await h.app.inject({ method: 'POST', url: '/users', headers: { authorization: `Bearer ${await h.token({ sub: longUid })}` }, payload: { firebaseId: longUid, displayName: 'Long' } })
    assertValidation(signUp, 'firebaseId 51')
    // A Firebase UID longer than the column cannot belong to anyone: not found, as before.
    assert.equal((await h.call('user', { method: 'GET', url: `/users/all/${'x'.repeat(LIMITS.firebaseId + 1)}` })).statusCode, 404)
    assertValidation(await h.call('user', { method: 'GET', url: `/users/all/${'x'.repeat(LIMITS.firebaseUid + 1)}` }), 'uid past Firebase limit')
  })

  test('PATCH /users/all/{id} with a null body is a 400 in the validation shape; no body is an empty update (the original crashed on both)', async () => {
    assertValidation(await raw('user', 'PATCH', '/users/all/1', 'null'), 'null body')
    // An absent body reads as `{}` everywhere in Send A Hug (`absentBodyIsEmpty`), so it changes nothing.
    for (const payload of [undefined, {}]) {
      const unchanged = await h.call('user', { method: 'PATCH', url: '/users/all/1', ...(payload ? { payload } : {}) })
      assert.equal(unchanged.statusCode, 200, 'an empty update')
    }
  })

  test('a NUL byte (GET /users/all/%00, or in a body) is a 4xx in an error shape, not a 500', async () => {
    const requests = [
      { method: 'GET' as const, url: '/users/all/%00' },
      { method: 'GET' as const, url: '/users/all/abc%00def' },
      { method: 'POST' as const, url: '/posts', payload: { text: 'a\u0000b', date: DATE } },
    ]
    for (const request of requests) {
      const response = await h.call('user', request)
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${request.method} ${request.url} → ${response.statusCode} ${response.body}`)
      const body = response.json()
      assert.equal(body.success, false)
      assert.equal(body.code, response.statusCode)
    }
  })
})
