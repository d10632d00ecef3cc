import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Caller } from './auth/caller.service.ts'
import { policies } from './policies.ts'

const caller = (id: number, role: Caller['role']): Caller => ({ user: { id, idType: 'DISCORD', userId: BigInt(id), role }, role })

test('an application is its applicant’s; an admin may touch anyone’s', () => {
  assert.equal(policies.mayAccessApplication(caller(1, 'USER'), { userId: 1 }), true)
  assert.equal(policies.mayAccessApplication(caller(2, 'USER'), { userId: 1 }), false)
  assert.equal(policies.mayAccessApplication(caller(3, 'ADMIN'), { userId: 1 }), true)
  assert.equal(policies.mayAccessApplication(caller(4, 'NONE'), { userId: 1 }), false)
  assert.equal(policies.mayAccessAnyApplication(caller(3, 'ADMIN')), true)
  assert.equal(policies.mayAccessAnyApplication(caller(1, 'USER')), false)
})
