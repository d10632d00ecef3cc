import { randomUUID } from 'node:crypto'
import type { Database, Db } from '@hearth/kernel'
import { isActiveMember, isCompact, type Compact } from '../../domain/compacts.ts'
import { accessDenied, badRequest, notFound } from '../../errors.ts'
import { COMPACT_ACTIONS, JURISDICTION_ACTIONS, staffScopes } from '../../permissions.ts'
import { mayChangeCompactActions, mayChangeJurisdiction, mayDeleteStaffUser, maySeeStaffUser, staffAdminView, type StaffAdminView } from '../../policies.ts'
import type { StaffCaller } from '../../auth/tokens.ts'
import type { IdentityRepository } from '../../auth/identity.repository.ts'
import type { IdentityInvitations } from '../../auth/invitations.ts'
import { famGivOf, type StaffPermissions, type StaffUserRow, type StaffUsersRepository } from './staff-users.repository.ts'
import { toStaffUserView } from './staff-users.mappers.ts'
import type { CreateStaffUserBody, ListQuery, PatchMeBody, PermissionChanges, StaffUserList, StaffUserView } from './staff-users.schemas.ts'

const DEFAULT_PAGE_SIZE = 100

interface ListKey {
  famGiv: string
  userId: string
}

function encodeKey(row: StaffUserRow): string {
  return Buffer.from(JSON.stringify({ pk: `USER#${row.userId}`, sk: `COMPACT#${row.compact}`, famGiv: row.famGiv, userId: row.userId, compact: row.compact })).toString('base64')
}

function decodeKey(lastKey: string | undefined): ListKey | undefined {
  if (lastKey === undefined) return undefined
  try {
    const parsed = JSON.parse(Buffer.from(lastKey, 'base64').toString('utf8')) as unknown
    if (parsed !== null && typeof parsed === 'object') {
      const { famGiv, userId } = parsed as Record<string, unknown>
      if (typeof famGiv === 'string' && typeof userId === 'string' && /^[0-9a-f-]{36}$/i.test(userId)) return { famGiv, userId }
    }
  } catch {
    // falls through to the 400 below
  }
  throw badRequest('Invalid lastKey')
}

const upper = (value: string) => value.toUpperCase()
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A path `userId` that cannot name a user is a 404, like one that names nobody. */
function requireUserId(userId: string): string {
  if (!UUID.test(userId)) throw notFound('User not found')
  return userId
}

/**
 * Staff users and their permissions (§2.4, §3.2). Every admin route first passes
 * compact-or-any-jurisdiction(admin); the grant rules and visibility are the policies of
 * `policies.ts`. The built-in identity service holds the login (the original's Cognito user).
 */
export class StaffUsersService {
  constructor(
    private readonly database: Database,
    private readonly staffUsers: StaffUsersRepository,
    private readonly identities: IdentityRepository,
    private readonly invitations: IdentityInvitations,
  ) {}

  // ---- the caller's own account ----

  async me(caller: StaffCaller): Promise<StaffUserView> {
    const rows = await this.staffUsers.recordsOfUser(this.database.db, caller.sub)
    if (rows.length === 0) throw notFound('User not found')
    return toStaffUserView(rows)
  }

  async patchMe(caller: StaffCaller, body: PatchMeBody): Promise<StaffUserView> {
    return this.database.transaction(async (tx) => {
      const rows = await this.staffUsers.recordsOfUser(tx, caller.sub)
      if (rows.length === 0) throw notFound('User not found')
      await this.staffUsers.updateNames(tx, caller.sub, body.attributes)
      return toStaffUserView(await this.staffUsers.recordsOfUser(tx, caller.sub))
    })
  }

  // ---- compact administration ----

  async list(caller: StaffCaller, compact: string, query: ListQuery): Promise<StaffUserList> {
    const view = this.adminViewOf(caller, compact)
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE
    let after = decodeKey(query.lastKey)
    const users: StaffUserRow[] = []
    let lastKey: string | null = null
    // Filters apply server side while pages stay full (§2): read on until the page is full or the table ends.
    for (;;) {
      const batch = await this.staffUsers.page(this.database.db, compact, after, pageSize + 1)
      const more = batch.length > pageSize
      for (const row of batch.slice(0, pageSize)) {
        after = { famGiv: row.famGiv, userId: row.userId }
        if (!maySeeStaffUser(view, row.permissions)) continue
        users.push(row)
        if (users.length === pageSize) break
      }
      if (users.length === pageSize) {
        const last = users[users.length - 1]!
        const rest = await this.staffUsers.page(this.database.db, compact, { famGiv: last.famGiv, userId: last.userId }, 1)
        lastKey = rest.length > 0 ? encodeKey(last) : null
        break
      }
      if (!more) break
    }
    return { users: users.map((row) => toStaffUserView([row])), pagination: { pageSize, prevLastKey: query.lastKey ?? null, lastKey } }
  }

  async get(caller: StaffCaller, compact: string, userId: string): Promise<StaffUserView> {
    requireUserId(userId)
    const view = this.adminViewOf(caller, compact)
    const row = await this.staffUsers.record(this.database.db, userId, compact)
    if (!row || !maySeeStaffUser(view, row.permissions)) throw notFound('User not found')
    return toStaffUserView([row])
  }

  async create(caller: StaffCaller, compact: string, body: CreateStaffUserBody): Promise<StaffUserView> {
    const view = this.adminViewOf(caller, compact)
    const changes = this.checkChanges(view, compact as Compact, body.permissions)
    return this.database.transaction(async (tx) => {
      await this.requireCallerRecord(tx, caller, compact)
      const email = body.attributes.email
      let identity = await this.identities.byUsername(tx, 'staff', email)
      if (!identity) {
        identity = await this.identities.insert(tx, { sub: randomUUID(), pool: 'staff', username: email, email, status: 'FORCE_CHANGE_PASSWORD', enabled: true, attributes: {} })
        // Cognito's AdminCreateUser e-mails the temporary password (sent once this transaction commits).
        await this.invitations.invite(tx, identity)
      } else if (!identity.enabled) {
        // A deleted user created again: the login is re-enabled and re-invited (§2.4).
        await this.identities.update(tx, identity.sub, { enabled: true })
        await this.invitations.invite(tx, identity)
      }
      const existing = await this.staffUsers.lockRecord(tx, identity.sub, compact)
      const { givenName, familyName } = body.attributes
      if (existing) {
        return toStaffUserView([await this.staffUsers.updatePermissions(tx, identity.sub, compact, applyChanges(existing.permissions, changes))])
      }
      const row = await this.staffUsers.insert(tx, {
        userId: identity.sub,
        compact,
        email,
        givenName,
        familyName,
        famGiv: famGivOf(familyName, givenName),
        permissions: applyChanges({ actions: [], jurisdictions: {} }, changes),
        status: 'inactive',
        dateOfUpdate: new Date(),
      })
      return toStaffUserView([row])
    })
  }

  async patch(caller: StaffCaller, compact: string, userId: string, changesBody: PermissionChanges): Promise<StaffUserView> {
    requireUserId(userId)
    const view = this.adminViewOf(caller, compact)
    const changes = this.checkChanges(view, compact as Compact, changesBody)
    return this.database.transaction(async (tx) => {
      await this.requireCallerRecord(tx, caller, compact)
      const row = await this.staffUsers.lockRecord(tx, userId, compact)
      if (!row || !maySeeStaffUser(view, row.permissions)) throw notFound('User not found')
      return toStaffUserView([await this.staffUsers.updatePermissions(tx, userId, compact, applyChanges(row.permissions, changes))])
    })
  }

  async delete(caller: StaffCaller, compact: string, userId: string): Promise<{ message: string }> {
    requireUserId(userId)
    const view = this.adminViewOf(caller, compact)
    return this.database.transaction(async (tx) => {
      await this.requireCallerRecord(tx, caller, compact)
      const row = await this.staffUsers.lockRecord(tx, userId, compact)
      if (!row || !maySeeStaffUser(view, row.permissions)) throw notFound('User not found')
      if (!mayDeleteStaffUser(view, row.permissions)) throw accessDenied()
      await this.staffUsers.delete(tx, userId, compact)
      // The original disables the Cognito user; creating the user again re-enables it.
      await this.identities.update(tx, userId, { enabled: false })
      return { message: 'User deleted' }
    })
  }

  async reinvite(caller: StaffCaller, compact: string, userId: string): Promise<{ message: string }> {
    requireUserId(userId)
    const view = this.adminViewOf(caller, compact)
    return this.database.transaction(async (tx) => {
      await this.requireCallerRecord(tx, caller, compact)
      const row = await this.staffUsers.record(tx, userId, compact)
      if (!row || !maySeeStaffUser(view, row.permissions)) throw notFound('User not found')
      const identity = await this.identities.bySub(tx, 'staff', userId)
      if (!identity) throw notFound('User not found')
      // A new temporary password is e-mailed; the user must set a new password at the next login (§2.4).
      await this.identities.update(tx, userId, { enabled: true })
      await this.invitations.invite(tx, identity)
      return { message: 'User reinvited' }
    })
  }

  // ---- token issuance (the pre-token trigger, §3.1) ----

  /** The scopes a staff token carries now; issuing one flips the user's inactive records to active. */
  async issueScopes(userId: string): Promise<string[]> {
    return this.database.transaction(async (tx) => {
      const rows = await this.staffUsers.recordsOfUser(tx, userId)
      await this.staffUsers.activate(tx, userId)
      return staffScopes(rows.map((row) => ({ compact: row.compact, permissions: row.permissions })))
    })
  }

  // ---- rules ----

  private adminViewOf(caller: StaffCaller, compact: string): StaffAdminView {
    const view = staffAdminView(caller.scopes, compact)
    if (!isCompact(compact) || (!view.compactAdmin && view.jurisdictions.size === 0)) throw accessDenied()
    return view
  }

  /** §3.2: callers deleted meanwhile (tokens still valid) may not change anything. */
  private async requireCallerRecord(db: Db, caller: StaffCaller, compact: string): Promise<void> {
    if (!(await this.staffUsers.record(db, caller.sub, compact))) throw accessDenied()
  }

  /** Validates a permission change against §1.11 and the grant rules of §3.2; returns the change for this compact. */
  private checkChanges(view: StaffAdminView, compact: Compact, body: PermissionChanges): PermissionChanges[string] {
    for (const key of Object.keys(body)) if (key !== compact) throw badRequest(`Permissions may only be set for the '${compact}' compact`)
    const change = body[compact] ?? {}
    for (const action of Object.keys(change.actions ?? {})) {
      if (action === 'read') continue
      if (!(COMPACT_ACTIONS as readonly string[]).includes(action)) throw badRequest(`Invalid compact action: ${action}`)
      if (!mayChangeCompactActions(view)) throw accessDenied()
    }
    for (const [jurisdiction, jurisdictionChange] of Object.entries(change.jurisdictions ?? {})) {
      if (!isActiveMember(compact, jurisdiction)) throw badRequest(`'${upper(jurisdiction)}' is not a valid jurisdiction for '${upper(compact)}' compact`)
      for (const action of Object.keys(jurisdictionChange.actions ?? {})) {
        if (action !== 'read' && !(JURISDICTION_ACTIONS as readonly string[]).includes(action)) throw badRequest(`Invalid jurisdiction action: ${action}`)
      }
      if (!mayChangeJurisdiction(view, jurisdiction)) throw accessDenied()
    }
    return change
  }
}

/** `true` adds, `false` removes; `read` is dropped, `readGeneral` never stored; empty sets and jurisdictions disappear. */
export function applyChanges(current: StaffPermissions, change: PermissionChanges[string]): StaffPermissions {
  const apply = (set: Set<string>, flags: Record<string, boolean> | undefined) => {
    for (const [action, on] of Object.entries(flags ?? {})) {
      if (action === 'read' || action === 'readGeneral') continue
      if (on) set.add(action)
      else set.delete(action)
    }
    return [...set].sort()
  }
  const actions = apply(new Set(current.actions), change.actions)
  const jurisdictions: Record<string, string[]> = {}
  for (const [jurisdiction, list] of Object.entries(current.jurisdictions)) jurisdictions[jurisdiction] = [...list]
  for (const [jurisdiction, jurisdictionChange] of Object.entries(change.jurisdictions ?? {})) {
    jurisdictions[jurisdiction] = apply(new Set(jurisdictions[jurisdiction] ?? []), jurisdictionChange.actions)
  }
  for (const [jurisdiction, list] of Object.entries(jurisdictions)) if (list.length === 0) delete jurisdictions[jurisdiction]
  return { actions, jurisdictions }
}
