// Staff users and permissions (§2.4, §3.1, §3.2) through HTTP, with tokens from the QA token route (§9.10), so the
// scope builder, the token and the grant rules are exercised together.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeJwt } from 'jose'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedQaStaff, staffSub } from '../seeds/qa-staff.ts'
import { bearer, providerToken, stateClientToken } from './tokens.ts'

let testApp: TestApp<CompactConnectConfig>

type Body = Record<string, unknown> & { message?: string }

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token?: string, payload?: unknown) {
  const response = await testApp.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload !== undefined ? { payload: payload as object } : {}) })
  return { status: response.statusCode, body: (response.body === '' ? {} : response.json()) as Body }
}

async function qaToken(n: number): Promise<string> {
  const response = await call('POST', '/qa/token', undefined, { pool: 'staff', sub: staffSub(n) })
  assert.equal(response.status, 200, JSON.stringify(response.body))
  return response.body.token as string
}

const scopesOf = (token: string) => String(decodeJwt(token).scope).split(' ').sort()
const names = (body: Body) => (body.users as { attributes: { familyName: string } }[]).map((user) => user.attributes.familyName)

describe('staff users and permissions', () => {
  before(async () => {
    testApp = await buildTestApp(compactConnect)
    await seedQaStaff(testApp.app.compactConnect)
  })
  after(async () => testApp?.close())

  describe('the QA token route and the pre-token scope builder (§3.1, §9.10)', () => {
    test('mints the seeded scopes, never the Cognito self-admin scope', async () => {
      assert.deepEqual(scopesOf(await qaToken(1)), ['aslp/admin', 'aslp/readGeneral', 'profile'])
      assert.deepEqual(scopesOf(await qaToken(2)), ['aslp/readGeneral', 'oh/aslp.admin', 'oh/aslp.readPrivate', 'oh/aslp.write', 'profile'])
      assert.deepEqual(scopesOf(await qaToken(10)), ['octp/admin', 'octp/readGeneral', 'octp/readPrivate', 'profile'])
      const claims = decodeJwt(await qaToken(3))
      assert.equal(claims.token_use, 'access')
      assert.equal(claims.sub, staffSub(3))
      assert.equal(claims.username, 'rita.chen@example.org')
      for (const claim of ['client_id', 'auth_time', 'iat', 'exp', 'jti']) assert.ok(claims[claim] !== undefined, claim)
    })

    test('the first token flips an inactive user to active', async () => {
      const before = await call('GET', `/v1/compacts/aslp/staff-users/${staffSub(8)}`, await qaToken(1))
      assert.equal(before.body.status, 'inactive')
      await qaToken(8)
      const afterIssue = await call('GET', `/v1/compacts/aslp/staff-users/${staffSub(8)}`, await qaToken(1))
      assert.equal(afterIssue.body.status, 'active')
    })

    test('refuses bad requests, unknown and disabled identities', async () => {
      assert.equal((await call('POST', '/qa/token', undefined, { pool: 'nobody', sub: staffSub(1) })).status, 400)
      assert.equal((await call('POST', '/qa/token', undefined, { pool: 'staff', sub: staffSub(1), username: 'alma.abbott@example.org' })).status, 400)
      assert.equal((await call('POST', '/qa/token', undefined, { pool: 'staff' })).status, 400)
      assert.equal((await call('POST', '/qa/token', undefined, { pool: 'staff', sub: staffSub(1), scope: 'aslp/admin' })).status, 400)
      const unknown = await call('POST', '/qa/token', undefined, { pool: 'staff', sub: 'e0000000-0000-4000-8000-000000000099' })
      assert.deepEqual([unknown.status, unknown.body], [404, { message: 'User not found' }])
      const byUsername = await call('POST', '/qa/token', undefined, { pool: 'staff', username: 'ALMA.ABBOTT@example.org' })
      assert.equal(byUsername.status, 200)
      assert.equal(byUsername.body.tokenUse, 'access')
    })
  })

  describe('who may call the admin routes', () => {
    test('no token and a bad token are 401, a practitioner token is 401, a staff token without admin is 403', async () => {
      assert.deepEqual(await call('GET', '/v1/compacts/aslp/staff-users'), { status: 401, body: { message: 'Unauthorized' } })
      assert.equal((await call('GET', '/v1/compacts/aslp/staff-users', 'not-a-token')).status, 401)
      const practitioner = await providerToken(testApp.app, { compact: 'aslp', providerId: 'c0000000-0000-4000-8000-000000000001' })
      assert.equal((await call('GET', '/v1/compacts/aslp/staff-users', practitioner)).status, 401)
      assert.deepEqual(await call('GET', '/v1/compacts/aslp/staff-users', await qaToken(3)), { status: 403, body: { message: 'Access denied' } })
      // An octp compact admin holds scope.admin at the gateway but nothing in aslp.
      assert.deepEqual(await call('GET', '/v1/compacts/aslp/staff-users', await qaToken(10)), { status: 403, body: { message: 'Access denied' } })
      const stateClient = await stateClientToken(testApp.app, { compact: 'aslp', jurisdiction: 'oh', scopes: ['admin'] })
      assert.equal((await call('GET', '/v1/staff-users/me', stateClient)).status, 401)
    })
  })

  describe('listing (§2.4, §9.6)', () => {
    test('a compact admin sees S1–S9 by family name', async () => {
      const response = await call('GET', '/v1/compacts/aslp/staff-users', await qaToken(1))
      assert.equal(response.status, 200)
      assert.deepEqual(names(response.body), ['Abbott', 'Barnes', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ibarra'])
      assert.deepEqual(response.body.pagination, { pageSize: 100, prevLastKey: null, lastKey: null })
    })

    test('an oh admin sees only the users holding an oh permission, in full pages', async () => {
      const token = await qaToken(2)
      assert.deepEqual(names((await call('GET', '/v1/compacts/aslp/staff-users', token)).body), ['Barnes', 'Diaz', 'Fischer', 'Ibarra'])
      const first = await call('GET', '/v1/compacts/aslp/staff-users?pageSize=5', await qaToken(1))
      assert.deepEqual(names(first.body), ['Abbott', 'Barnes', 'Chen', 'Diaz', 'Evans'])
      const lastKey = (first.body.pagination as { lastKey: string }).lastKey
      assert.equal(typeof lastKey, 'string')
      const second = await call('GET', `/v1/compacts/aslp/staff-users?pageSize=5&lastKey=${encodeURIComponent(lastKey)}`, await qaToken(1))
      assert.deepEqual(names(second.body), ['Fischer', 'Garcia', 'Hughes', 'Ibarra'])
      assert.deepEqual(second.body.pagination, { pageSize: 5, prevLastKey: lastKey, lastKey: null })
    })

    test('a bad lastKey or page size is a 400', async () => {
      assert.deepEqual(await call('GET', '/v1/compacts/aslp/staff-users?lastKey=bm9wZQ', await qaToken(1)), { status: 400, body: { message: 'Invalid lastKey' } })
      assert.equal((await call('GET', '/v1/compacts/aslp/staff-users?pageSize=4', await qaToken(1))).status, 400)
      assert.equal((await call('GET', '/v1/compacts/aslp/staff-users?pageSize=101', await qaToken(1))).status, 400)
    })
  })

  describe('grant rules (§3.2)', () => {
    const newUser = (email: string, permissions: unknown) => ({ attributes: { email, givenName: 'New', familyName: 'Person' }, permissions })

    test('a compact admin creates a user with compact and jurisdiction permissions (status inactive)', async () => {
      const response = await call(
        'POST',
        '/v1/compacts/aslp/staff-users',
        await qaToken(1),
        newUser('new.one@example.org', { aslp: { actions: { readPrivate: true, read: true }, jurisdictions: { ky: { actions: { write: true } } } } }),
      )
      assert.equal(response.status, 200, JSON.stringify(response.body))
      assert.equal(response.body.status, 'inactive')
      assert.equal(response.body.type, 'user')
      assert.deepEqual(response.body.permissions, { aslp: { actions: { readPrivate: true }, jurisdictions: { ky: { actions: { write: true } } } } })
      const token = (await call('POST', '/qa/token', undefined, { pool: 'staff', sub: response.body.userId })).body.token as string
      assert.deepEqual(scopesOf(token), ['aslp/readGeneral', 'aslp/readPrivate', 'ky/aslp.write', 'profile'])
    })

    test('only compact admins grant compact-level actions', async () => {
      const response = await call('POST', '/v1/compacts/aslp/staff-users', await qaToken(2), newUser('new.two@example.org', { aslp: { actions: { admin: true } } }))
      assert.deepEqual(response, { status: 403, body: { message: 'Access denied' } })
    })

    test('a jurisdiction admin grants only in its own jurisdictions', async () => {
      assert.equal(
        (await call('POST', '/v1/compacts/aslp/staff-users', await qaToken(2), newUser('new.three@example.org', { aslp: { jurisdictions: { ky: { actions: { write: true } } } } }))).status,
        403,
      )
      const ok = await call('POST', '/v1/compacts/aslp/staff-users', await qaToken(2), newUser('new.four@example.org', { aslp: { jurisdictions: { oh: { actions: { write: true } } } } }))
      assert.equal(ok.status, 200)
    })

    test('a non-member jurisdiction and a foreign compact key are 400', async () => {
      const nonMember = await call('POST', '/v1/compacts/aslp/staff-users', await qaToken(1), newUser('new.five@example.org', { aslp: { jurisdictions: { ca: { actions: { write: true } } } } }))
      assert.deepEqual(nonMember, { status: 400, body: { message: "'CA' is not a valid jurisdiction for 'ASLP' compact" } })
      assert.equal((await call('POST', '/v1/compacts/aslp/staff-users', await qaToken(1), newUser('new.six@example.org', { octp: { actions: { admin: true } } }))).status, 400)
      assert.equal((await call('POST', '/v1/compacts/aslp/staff-users', await qaToken(1), newUser('new.seven@example.org', { aslp: { actions: { write: true } } }))).status, 400)
      assert.equal((await call('POST', '/v1/compacts/aslp/staff-users', await qaToken(1), { attributes: { email: 'not-an-email', givenName: 'A', familyName: 'B' }, permissions: {} })).status, 400)
    })

    test('creating an existing e-mail merges the permissions into the existing record', async () => {
      const response = await call('POST', '/v1/compacts/aslp/staff-users', await qaToken(1), newUser('walt.diaz@example.org', { aslp: { jurisdictions: { oh: { actions: { readPrivate: true } } } } }))
      assert.equal(response.status, 200)
      assert.equal(response.body.userId, staffSub(4))
      assert.deepEqual(response.body.permissions, { aslp: { actions: {}, jurisdictions: { oh: { actions: { readPrivate: true, write: true } } } } })
    })

    test('PATCH adds and removes; the next token carries the change, earlier ones do not', async () => {
      const earlier = await qaToken(3)
      const added = await call('PATCH', `/v1/compacts/aslp/staff-users/${staffSub(3)}`, await qaToken(1), { permissions: { aslp: { actions: { readSSN: true } } } })
      assert.equal(added.status, 200)
      assert.deepEqual(added.body.permissions, { aslp: { actions: { readSSN: true }, jurisdictions: {} } })
      assert.ok(!scopesOf(earlier).includes('aslp/readSSN'))
      assert.ok(scopesOf(await qaToken(3)).includes('aslp/readSSN'))
      const removed = await call('PATCH', `/v1/compacts/aslp/staff-users/${staffSub(3)}`, await qaToken(1), { permissions: { aslp: { actions: { readSSN: false } } } })
      assert.deepEqual(removed.body.permissions, { aslp: { actions: {}, jurisdictions: {} } })
    })

    test('a jurisdiction admin cannot see or patch users outside its jurisdictions (404)', async () => {
      assert.deepEqual(await call('GET', `/v1/compacts/aslp/staff-users/${staffSub(3)}`, await qaToken(2)), { status: 404, body: { message: 'User not found' } })
      assert.equal(
        (await call('PATCH', `/v1/compacts/aslp/staff-users/${staffSub(7)}`, await qaToken(2), { permissions: { aslp: { jurisdictions: { oh: { actions: { write: true } } } } } })).status,
        404,
      )
      assert.equal((await call('POST', `/v1/compacts/aslp/staff-users/${staffSub(7)}/reinvite`, await qaToken(2))).status, 404)
      const visible = await call('PATCH', `/v1/compacts/aslp/staff-users/${staffSub(6)}`, await qaToken(2), {
        permissions: { aslp: { jurisdictions: { oh: { actions: { write: true, readSSN: false } } } } },
      })
      assert.deepEqual(visible.body.permissions, { aslp: { actions: {}, jurisdictions: { oh: { actions: { write: true } } } } })
    })

    test('unknown users are 404', async () => {
      assert.equal((await call('GET', '/v1/compacts/aslp/staff-users/e0000000-0000-4000-8000-000000000099', await qaToken(1))).status, 404)
      assert.equal((await call('GET', '/v1/compacts/aslp/staff-users/not-a-uuid', await qaToken(1))).status, 404)
      assert.equal((await call('POST', '/v1/compacts/aslp/staff-users/e0000000-0000-4000-8000-000000000099/reinvite', await qaToken(1))).status, 404)
    })

    test('reinvite answers as the original', async () => {
      assert.deepEqual(await call('POST', `/v1/compacts/aslp/staff-users/${staffSub(5)}/reinvite`, await qaToken(1)), { status: 200, body: { message: 'User reinvited' } })
    })
  })

  describe('deleting (§2.4, §3.2)', () => {
    test('a jurisdiction admin may not delete a user who also holds permissions elsewhere (403)', async () => {
      // S9: oh write + md admin; S2 administers only oh.
      assert.deepEqual(await call('DELETE', `/v1/compacts/aslp/staff-users/${staffSub(9)}`, await qaToken(2)), { status: 403, body: { message: 'Access denied' } })
    })

    test('deleting disables the login; creating the user again re-enables it', async () => {
      assert.deepEqual(await call('DELETE', `/v1/compacts/aslp/staff-users/${staffSub(7)}`, await qaToken(1)), { status: 200, body: { message: 'User deleted' } })
      assert.deepEqual(await call('POST', '/qa/token', undefined, { pool: 'staff', sub: staffSub(7) }), { status: 403, body: { message: 'User is disabled.' } })
      const again = await call('POST', '/v1/compacts/aslp/staff-users', await qaToken(1), {
        attributes: { email: 'kira.garcia@example.org', givenName: 'Kira', familyName: 'Garcia' },
        permissions: { aslp: {} },
      })
      assert.equal(again.status, 200)
      assert.equal(again.body.userId, staffSub(7))
      assert.equal((await call('POST', '/qa/token', undefined, { pool: 'staff', sub: staffSub(7) })).status, 200)
    })

    test('a deleted caller with a still-valid token may not change anything (403)', async () => {
      const token = await qaToken(8)
      assert.equal((await call('DELETE', `/v1/compacts/aslp/staff-users/${staffSub(8)}`, await qaToken(1))).status, 200)
      const response = await call('POST', '/v1/compacts/aslp/staff-users', token, {
        attributes: { email: 'late@example.org', givenName: 'Late', familyName: 'Comer' },
        permissions: { aslp: { jurisdictions: { ne: { actions: { write: true } } } } },
      })
      assert.deepEqual(response, { status: 403, body: { message: 'Access denied' } })
    })
  })

  describe('the own account (§2.4)', () => {
    test('GET and PATCH /v1/staff-users/me', async () => {
      const token = await qaToken(10)
      const me = await call('GET', '/v1/staff-users/me', token)
      assert.equal(me.status, 200)
      assert.deepEqual(me.body.attributes, { email: 'olive.jensen@example.org', givenName: 'Olive', familyName: 'Jensen' })
      assert.deepEqual(me.body.permissions, { octp: { actions: { admin: true, readPrivate: true }, jurisdictions: {} } })
      const patched = await call('PATCH', '/v1/staff-users/me', token, { attributes: { familyName: 'Jensen-Ray' } })
      assert.equal(patched.status, 200)
      assert.equal((patched.body.attributes as { familyName: string }).familyName, 'Jensen-Ray')
      assert.equal((await call('PATCH', '/v1/staff-users/me', token, { attributes: { email: 'x@example.org' } })).status, 400)
      assert.equal((await call('PATCH', '/v1/staff-users/me', token, { attributes: { givenName: null } })).status, 400)
    })

    test('a practitioner token is refused with 401', async () => {
      const practitioner = await providerToken(testApp.app, { compact: 'aslp', providerId: 'c0000000-0000-4000-8000-000000000001' })
      assert.equal((await call('GET', '/v1/staff-users/me', practitioner)).status, 401)
    })
  })
})
