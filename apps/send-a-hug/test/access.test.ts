import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { roles as roleMap, PERMISSIONS } from '../src/permissions.ts'
import { seededApp, type Harness, type Role } from './helpers.ts'

/** Every route that needs a token, with a request that would otherwise succeed or fail later. */
const protectedRoutes: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: unknown; permission: string }[] = [
  { method: 'POST', url: '/posts', payload: { text: 'hi', date: '2020-06-01T15:05:01.966Z' }, permission: 'post:post' },
  { method: 'PATCH', url: '/posts/1', payload: { text: 'hi' }, permission: 'patch:my-post or patch:any-post' },
  { method: 'POST', url: '/posts/1/hugs', payload: {}, permission: 'patch:my-post or patch:any-post' },
  { method: 'DELETE', url: '/posts/1', permission: 'delete:my-post or delete:any-post' },
  { method: 'GET', url: '/users/blocked', permission: 'read:admin-board' },
  { method: 'GET', url: '/users/all/1', permission: 'read:user' },
  { method: 'PATCH', url: '/users/all/1', payload: {}, permission: 'patch:user or patch:any-user' },
  { method: 'GET', url: '/users/all/1/posts', permission: 'read:user' },
  { method: 'DELETE', url: '/users/all/1/posts', permission: 'delete:my-post or delete:any-post' },
  { method: 'POST', url: '/users/all/1/hugs', permission: 'read:user' },
  { method: 'GET', url: '/messages', permission: 'read:messages' },
  { method: 'POST', url: '/messages', payload: { messageText: 'hi', forId: 1, date: '2020-06-01T15:05:01.966Z' }, permission: 'post:message' },
  { method: 'DELETE', url: '/messages/inbox/1', permission: 'delete:messages' },
  { method: 'DELETE', url: '/messages/inbox', permission: 'delete:messages' },
  { method: 'GET', url: '/reports', permission: 'read:admin-board' },
  { method: 'POST', url: '/reports', payload: { type: 'User', userID: 5, reportReason: 'rude', date: '2020-06-01T15:05:01.966Z' }, permission: 'post:report' },
  { method: 'PATCH', url: '/reports/1', payload: { closed: true, dismissed: false, userID: 5 }, permission: 'read:admin-board' },
  { method: 'GET', url: '/filters', permission: 'read:admin-board' },
  { method: 'POST', url: '/filters', payload: { word: 'meanie' }, permission: 'read:admin-board' },
  { method: 'DELETE', url: '/filters/1', permission: 'read:admin-board' },
  { method: 'GET', url: '/notifications', permission: 'read:messages' },
  { method: 'PATCH', url: '/notifications', payload: { notification_ids: 'all', read: true }, permission: 'read:messages' },
  { method: 'POST', url: '/push_subscriptions', payload: { endpoint: 'https://127.0.0.1:9/x', keys: { p256dh: 'a', auth: 'b' } }, permission: 'read:messages' },
  { method: 'PATCH', url: '/push_subscriptions/1', payload: { endpoint: 'https://127.0.0.1:9/x', keys: { p256dh: 'a', auth: 'b' } }, permission: 'read:messages' },
]

const roleNames: Record<Role, string> = { admin: 'admin', moderator: 'moderator', user: 'user', newUser: 'new user', blocked: 'blocked user' }
const grants = (role: Role, requirement: string) => requirement.split(' or ').some((permission) => roleMap.allows(roleNames[role], permission as never))

describe('authentication and permissions', () => {
  let h: Harness
  before(async () => {
    h = await seededApp()
    // The production role table: the QA seed's extra `post:report` for new users is taken away here.
    await h.database.query('DELETE FROM roles_permissions_map WHERE role_id = 4 AND permission_id = 8')
  })
  after(() => h.close())

  test('the migration seeds the 5 roles and 15 permissions exactly as permissions.ts declares them', async () => {
    const rows = await h.database.query<{ name: string; permissions: string[] }>(
      `SELECT r.name, array_agg(p.permission ORDER BY p.id) AS permissions FROM roles r
       JOIN roles_permissions_map m ON m.role_id = r.id JOIN permissions p ON p.id = m.permission_id GROUP BY r.id, r.name ORDER BY r.id`,
    )
    assert.deepEqual(
      rows.map((row) => row.name),
      ['admin', 'moderator', 'user', 'new user', 'blocked user'],
    )
    for (const row of rows) assert.deepEqual([...row.permissions].sort(), [...roleMap.map[row.name as keyof typeof roleMap.map]].sort(), row.name)
    const permissions = await h.database.query<{ id: number; permission: string }>('SELECT id, permission FROM permissions ORDER BY id')
    assert.deepEqual(
      permissions.map((row) => row.permission),
      [...PERMISSIONS],
    )
  })

  for (const route of protectedRoutes) {
    test(`${route.method} ${route.url}: 401 without, with a malformed, an invalid or an unknown user's token`, async () => {
      const attempts: Record<string, string | undefined> = {
        none: undefined,
        'bare Bearer': 'Bearer',
        'three parts': `Bearer ${await h.token('user')} extra`,
        'other scheme': `Basic ${await h.token('user')}`,
        garbage: 'Bearer not.a.token',
        'unknown user': `Bearer ${await h.token({ sub: 'nobody-here' })}`,
      }
      for (const [label, authorization] of Object.entries(attempts)) {
        const response = await h.app.inject({ method: route.method, url: route.url, payload: route.payload as object, headers: authorization ? { authorization } : {} })
        assert.equal(response.statusCode, 401, label)
        const body = h.json(response)
        assert.equal(body.success, false)
        assert.equal(body.message.code, 401)
        if (label === 'unknown user') assert.match(body.message.description, /User not found/)
      }
    })

    const lacking = (Object.keys(roleNames) as Role[]).filter((role) => !grants(role, route.permission))
    if (lacking.length > 0) {
      test(`${route.method} ${route.url}: 403 for ${lacking.join(', ')} (needs ${route.permission})`, async () => {
        for (const role of lacking) {
          const response = await h.call(role, { method: route.method, url: route.url, payload: route.payload as object })
          assert.equal(response.statusCode, 403, role)
          assert.deepEqual(h.json(response).message.code, 403)
        }
      })
    }
  }

  test('every role holding the permission gets past the check (no 401/403)', async () => {
    for (const route of protectedRoutes.filter((candidate) => candidate.method === 'GET')) {
      for (const role of (Object.keys(roleNames) as Role[]).filter((candidate) => grants(candidate, route.permission))) {
        const response = await h.call(role, { method: route.method, url: route.url })
        assert.ok(response.statusCode !== 401 && response.statusCode !== 403, `${role} ${route.url}: ${response.statusCode}`)
      }
    }
  })

  test('an expired token is refused with 401', async () => {
    const issuer = h.app.sendAHug.identity.issuer!
    const expired = await issuer.mint({ sub: 'abcd' }, { issuedAt: Math.floor(Date.now() / 1000) - 7200 })
    const response = await h.app.inject({ method: 'GET', url: '/messages', headers: { authorization: `Bearer ${expired}` } })
    assert.equal(response.statusCode, 401)
    assert.match(h.json(response).message.description, /expired/)
  })

  test('authentication comes before validation: no token and a bad id is 401, not 400', async () => {
    const response = await h.app.inject({ method: 'PATCH', url: '/posts/abc', payload: { text: 1 } })
    assert.equal(response.statusCode, 401)
  })

  test('public routes need no token', async () => {
    for (const [method, url, payload] of [
      ['GET', '/'],
      ['GET', '/posts/new'],
      ['POST', '/', { search: 'test' }],
    ] as const) {
      assert.equal((await h.app.inject({ method, url, payload })).statusCode, 200, url)
    }
  })
})
