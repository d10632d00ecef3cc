// The contract tests the kernel generates from Send A Hug's route table: bounded input, refusals in
// Send A Hug's `{success: false, code, message}` bodies, a preflight from the FRONTEND origin for
// every route, nulls kept, and a seeded fuzz of every route and of the transport.
import { after, before } from 'node:test'
import { restContractTests } from '@hearth/kernel/testing'
import { seededApp, type Harness, type Role } from './helpers.ts'

let h: Harness
/** Each role's permissions as the database grants them (the QA seed lets new users report). */
const granted = new Map<string, string[]>()
before(async () => {
  h = await seededApp()
  const rows = await h.database.query<{ role: string; permission: string }>(
    'SELECT r.name AS role, p.permission FROM roles_permissions_map m JOIN roles r ON r.id = m.role_id JOIN permissions p ON p.id = m.permission_id',
  )
  for (const { role, permission } of rows) granted.set(role, [...(granted.get(role) ?? []), permission])
})
after(() => h.close())

/** The seeded callers by the role names of permissions.ts. */
const seededCallers: Record<string, Role> = { admin: 'admin', moderator: 'moderator', user: 'user', 'new user': 'newUser', 'blocked user': 'blocked' }
const holders = (requirement: readonly string[], holds: boolean) =>
  Object.entries(seededCallers)
    .filter(([role]) => requirement.some((permission) => granted.get(role)?.includes(permission)) === holds)
    .map(([, caller]) => caller)
const headersOf = async (caller: Role) => ({ authorization: `Bearer ${await h.token(caller)}` })

/** Spec §0.4: `{success: false, code, message}` where message is a fixed text or `{code, description}`. */
function isSendAHugError(body: unknown, status: number): boolean {
  if (typeof body !== 'object' || body === null) return false
  const { success, code, message, ...rest } = body as Record<string, unknown>
  if (success !== false || code !== status || Object.keys(rest).length > 0) return false
  if (typeof message === 'string') return true
  const detail = message as { code?: unknown; description?: unknown } | null
  return typeof detail === 'object' && detail !== null && detail.code === status && typeof detail.description === 'string'
}

restContractTests(() => ({
  app: h.app,
  headersHolding: async (requirement) => headersOf(requirement === undefined ? 'admin' : (holders(requirement, true)[0] ?? 'admin')),
  headersLacking: async (requirement) => {
    const caller = holders(requirement, false)[0]
    return caller ? headersOf(caller) : undefined
  },
  refusalStatuses: { anonymous: [401], lacking: [403] },
  isErrorBody: isSendAHugError,
  corsOrigin: h.config.frontendOrigin,
}))
