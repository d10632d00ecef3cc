import { definePermissions } from '@hearth/kernel'
import { COMPACTS, isActiveMember, isCompact, type Compact } from './domain/compacts.ts'

/**
 * Scopes (spec §3.1) are the wire contract: tokens carry `profile`, `{compact}/{action}` and
 * `{jurisdiction}/{compact}.{action}`. Routes declare what the original's API Gateway authorizer checked
 * (a token kind, or "any scope with this action, in any compact"); handlers then re-check against the path
 * compact/jurisdiction with the four helpers below (the original's handler-level checks).
 */

export const COMPACT_ACTIONS = ['admin', 'readPrivate', 'readSSN'] as const
export const JURISDICTION_ACTIONS = ['write', 'admin', 'readPrivate', 'readSSN'] as const
export type CompactAction = (typeof COMPACT_ACTIONS)[number]
export type JurisdictionAction = (typeof JURISDICTION_ACTIONS)[number]
export type ScopeAction = 'admin' | 'readGeneral' | 'readPrivate' | 'readSSN' | 'write'

export const PROFILE_SCOPE = 'profile'
export const compactScope = (compact: string, action: ScopeAction) => `${compact}/${action}`
export const jurisdictionScope = (jurisdiction: string, compact: string, action: ScopeAction) => `${jurisdiction}/${compact}.${action}`

/** A staff user's record in one compact, as the pre-token trigger reads it (§1.11). */
export interface StaffPermissionRecord {
  compact: string
  permissions: { actions: readonly string[]; jurisdictions: Readonly<Record<string, readonly string[]>> }
}

/**
 * The pre-token scope builder of §3.1: always `profile`; per compact record `{c}/readGeneral` plus its compact
 * actions; `{j}/{c}.{action}` per jurisdiction action. Any unknown compact, non-member jurisdiction or unknown action
 * in any record → `profile` only (fail closed). The legacy compact action `read` is ignored.
 */
export function staffScopes(records: readonly StaffPermissionRecord[]): string[] {
  const scopes = new Set<string>([PROFILE_SCOPE])
  for (const record of records) {
    if (!isCompact(record.compact)) return [PROFILE_SCOPE]
    const compact: Compact = record.compact
    scopes.add(compactScope(compact, 'readGeneral'))
    for (const action of record.permissions.actions) {
      if (action === 'read') continue
      if (!(COMPACT_ACTIONS as readonly string[]).includes(action)) return [PROFILE_SCOPE]
      scopes.add(compactScope(compact, action as CompactAction))
    }
    for (const [jurisdiction, actions] of Object.entries(record.permissions.jurisdictions)) {
      if (!isActiveMember(compact, jurisdiction)) return [PROFILE_SCOPE]
      for (const action of actions) {
        if (!(JURISDICTION_ACTIONS as readonly string[]).includes(action)) return [PROFILE_SCOPE]
        scopes.add(jurisdictionScope(jurisdiction, compact, action as JurisdictionAction))
      }
    }
  }
  return [...scopes]
}

type Scopes = ReadonlySet<string> | readonly string[]
const has = (scopes: Scopes, scope: string) => (Array.isArray(scopes) ? (scopes as readonly string[]).includes(scope) : (scopes as ReadonlySet<string>).has(scope))
const some = (scopes: Scopes, test: (scope: string) => boolean) => [...scopes].some(test)

/** compact-or-any-jurisdiction(action): `{c}/{action}`, or any scope ending `/{c}.{action}`. */
export function hasCompactOrAnyJurisdiction(scopes: Scopes, compact: string, action: ScopeAction): boolean {
  return has(scopes, compactScope(compact, action)) || some(scopes, (scope) => scope.endsWith(`/${compact}.${action}`))
}

/** compact-only(action): exactly `{c}/{action}`. */
export function hasCompactOnly(scopes: Scopes, compact: string, action: ScopeAction): boolean {
  return has(scopes, compactScope(compact, action))
}

/** state-only(action): exactly `{j}/{c}.{action}` for the path jurisdiction; compact-level scopes do not count. */
export function hasStateOnly(scopes: Scopes, compact: string, jurisdiction: string, action: ScopeAction): boolean {
  return has(scopes, jurisdictionScope(jurisdiction, compact, action))
}

/** exact jurisdiction write: `{j}/{c}.write` (compact-level write is not enough). */
export function hasJurisdictionWrite(scopes: Scopes, compact: string, jurisdiction: string): boolean {
  return has(scopes, jurisdictionScope(jurisdiction, compact, 'write'))
}

/**
 * readPrivate/readSSN "for the provider" (§3.3): the compact-level scope, or the jurisdiction-level scope for any
 * jurisdiction where the provider holds a license or a privilege.
 */
export function hasActionForProvider(scopes: Scopes, compact: string, action: 'readPrivate' | 'readSSN', providerJurisdictions: Iterable<string>): boolean {
  if (hasCompactOnly(scopes, compact, action)) return true
  for (const jurisdiction of providerJurisdictions) if (has(scopes, jurisdictionScope(jurisdiction, compact, action))) return true
  return false
}

/**
 * What the gateway authorizer checked, as kernel permissions: `scope.<action>` is held when the token carries any
 * scope with that action, in any compact or jurisdiction (`aslp/readGeneral`, `oh/aslp.readGeneral`, …).
 */
export function gatewayGrants(scopes: Iterable<string>): string[] {
  const grants = new Set<string>()
  for (const scope of scopes) {
    if (scope === PROFILE_SCOPE) grants.add('scope.profile')
    const match = /^[a-z]+\/(?:[a-z]+\.)?(admin|readGeneral|readPrivate|readSSN|write)$/.exec(scope)
    if (match) grants.add(`scope.${match[1]}`)
  }
  return [...grants]
}

/** Token kinds (the original's three Cognito pools: `Caller.pool`) and what each grants by itself. */
export const roles = definePermissions({
  staff: ['token.staff'],
  provider: ['token.provider'],
  state: ['token.state'],
})

/** What each route's `config.permission` demands (a list means "any of"); the kernel's hook enforces it. */
export const requires = {
  /** Any staff-pool token with `profile` (`/v1/staff-users/me`). */
  profile: 'scope.profile',
  readGeneral: 'scope.readGeneral',
  readPrivate: 'scope.readPrivate',
  readSSN: 'scope.readSSN',
  admin: 'scope.admin',
  write: 'scope.write',
  /** A practitioner's ID token (provider pool). */
  provider: 'token.provider',
  /** A staff-pool access token, whatever its scopes. */
  staff: 'token.staff',
  /** A state app client (client credentials). */
  stateClient: 'token.state',
} as const

export const ALL_COMPACTS = COMPACTS
