import { definePermissions, errors } from '@hearth/kernel'
import { NATIONAL, NATIONAL_TECH, describeGroups } from './groups.ts'
import type { Caller } from './auth/tokens.ts'

/**
 * Who may call what. Roles come from the caller's JWT: every authenticated caller is `admin`; the
 * fixed groups add `National` and `NationalTech`; the scheduler's token is `scheduler`. An `admin`
 * permission only lets a signed-in caller reach the route: which fundraisers (rows) and which fields
 * they may touch is decided in policies.ts.
 */
export const permissions = definePermissions({
  admin: ['profile.read', 'fundraiser.list', 'fundraiser.access', 'group.list', 'task.list', 'task.run'],
  National: ['fundraiser.create', 'group.manage', 'user.manage', 'auditLog.read', 'payment.edit'],
  NationalTech: [],
  scheduler: ['scheduler.collect'],
})

export type Permission = (typeof permissions.map)[keyof typeof permissions.map][number]

/** What each route demands (`config.permission`); the kernel's hook enforces it. */
export const requires = {
  profile: 'profile.read',
  listFundraisers: 'fundraiser.list',
  createFundraiser: 'fundraiser.create',
  /** Any admin gets in; policies.ts decides which fundraisers (and fields) are theirs. */
  accessFundraiser: 'fundraiser.access',
  editPayment: 'payment.edit',
  listGroups: 'group.list',
  manageGroups: 'group.manage',
  manageUsers: 'user.manage',
  readAuditLogs: 'auditLog.read',
  listTasks: 'task.list',
  /** Any admin gets in; each task names the groups that may run it (policies.ts). */
  runTask: 'task.run',
  collectPayments: 'scheduler.collect',
} as const satisfies Record<string, Permission>

export function rolesOf(caller: Caller): string[] {
  const roles = ['admin']
  if (caller.groups.includes(NATIONAL)) roles.push('National')
  if (caller.groups.includes(NATIONAL_TECH)) roles.push('NationalTech')
  if (caller.subject === 'scheduler') roles.push('scheduler')
  return roles
}

/** The original's refusal for each gated permission. */
export function refusal(permission: string, caller: Caller): Error {
  if (permission === 'scheduler.collect') return errors.forbidden('Only scheduler can call /scheduler endpoints')
  return errors.forbidden(`To do this you need to be in one of the groups ${describeGroups([NATIONAL])}, but you are in ${describeGroups(caller.groups)}`)
}
