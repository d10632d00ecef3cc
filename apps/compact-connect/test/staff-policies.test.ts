// The staff-user policies of §3.2 as plain functions, and the permission change rule of §1.11.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mayChangeCompactActions, mayChangeJurisdiction, mayDeleteStaffUser, maySeeStaffUser, staffAdminView } from '../src/policies.ts'
import { applyChanges } from '../src/modules/staff-users/staff-users.service.ts'
import { poolAccepted, principalOf } from '../src/auth/index.ts'

const compactAdmin = staffAdminView(new Set(['profile', 'aslp/readGeneral', 'aslp/admin']), 'aslp')
const ohAdmin = staffAdminView(new Set(['profile', 'aslp/readGeneral', 'oh/aslp.admin', 'oh/aslp.write']), 'aslp')
const user = (actions: string[], jurisdictions: Record<string, string[]>) => ({ actions, jurisdictions })

describe('staff admin policies (§3.2)', () => {
  test('the admin view reads compact and jurisdiction admin scopes of one compact only', () => {
    assert.deepEqual([compactAdmin.compactAdmin, [...compactAdmin.jurisdictions]], [true, []])
    assert.deepEqual([ohAdmin.compactAdmin, [...ohAdmin.jurisdictions]], [false, ['oh']])
    assert.deepEqual([...staffAdminView(new Set(['oh/octp.admin']), 'aslp').jurisdictions], [])
  })

  test('visibility: compact admins see everyone, jurisdiction admins users with a permission in their jurisdictions', () => {
    assert.equal(maySeeStaffUser(compactAdmin, user([], {})), true)
    assert.equal(maySeeStaffUser(ohAdmin, user([], { oh: ['write'] })), true)
    assert.equal(maySeeStaffUser(ohAdmin, user(['admin'], { ky: ['write'] })), false)
    assert.equal(maySeeStaffUser(ohAdmin, user([], { oh: [] })), false)
  })

  test('deleting: a jurisdiction admin only deletes users with nothing outside its jurisdictions', () => {
    assert.equal(mayDeleteStaffUser(ohAdmin, user([], { oh: ['write'] })), true)
    assert.equal(mayDeleteStaffUser(ohAdmin, user([], { oh: ['write'], md: ['admin'] })), false)
    assert.equal(mayDeleteStaffUser(ohAdmin, user(['readSSN'], { oh: ['write'] })), false)
    assert.equal(mayDeleteStaffUser(compactAdmin, user(['admin'], { md: ['admin'] })), true)
  })

  test('granting: compact actions need compact admin; a jurisdiction needs compact admin or that jurisdiction', () => {
    assert.equal(mayChangeCompactActions(compactAdmin), true)
    assert.equal(mayChangeCompactActions(ohAdmin), false)
    assert.equal(mayChangeJurisdiction(ohAdmin, 'oh'), true)
    assert.equal(mayChangeJurisdiction(ohAdmin, 'ky'), false)
    assert.equal(mayChangeJurisdiction(compactAdmin, 'ky'), true)
  })
})

describe('permission changes (§1.11)', () => {
  test('true adds, false removes, read and readGeneral are never stored, empty jurisdictions disappear', () => {
    const current = { actions: ['readPrivate'], jurisdictions: { oh: ['write'], ky: ['readSSN'] } }
    const next = applyChanges(current, {
      actions: { admin: true, readPrivate: false, read: true, readGeneral: true },
      jurisdictions: { oh: { actions: { write: false } }, md: { actions: { admin: true } } },
    })
    assert.deepEqual(next, { actions: ['admin'], jurisdictions: { ky: ['readSSN'], md: ['admin'] } })
    assert.deepEqual(current, { actions: ['readPrivate'], jurisdictions: { oh: ['write'], ky: ['readSSN'] } }, 'the input is not changed')
  })
})

describe('gateway layer', () => {
  test('principals carry the pool and scope.<action> grants', () => {
    assert.deepEqual(principalOf({ pool: 'staff', sub: 's', username: 'u', scopes: new Set(['profile', 'aslp/readGeneral', 'oh/aslp.write']) }), {
      roles: ['staff'],
      permissions: ['scope.profile', 'scope.readGeneral', 'scope.write'],
    })
    assert.deepEqual(principalOf({ pool: 'provider', sub: 's', email: 'e', compact: 'aslp', providerId: 'p' }), { roles: ['provider'], permissions: [] })
  })

  test('a route refuses another pool with 401 rather than 403', () => {
    assert.equal(poolAccepted(['scope.admin'], 'staff'), true)
    assert.equal(poolAccepted(['scope.admin'], 'state'), true)
    assert.equal(poolAccepted(['scope.admin'], 'provider'), false)
    assert.equal(poolAccepted(['scope.profile'], 'state'), false)
    assert.equal(poolAccepted(['token.provider'], 'staff'), false)
    assert.equal(poolAccepted(['token.state', 'scope.write'], 'staff'), true)
  })
})
