/**
 * Row-level rules as named functions over the caller's scopes and the row (ADR 0003). The scope helpers they build
 * on are in permissions.ts; services call these.
 */
import { hasActionForProvider, hasCompactOnly, hasCompactOrAnyJurisdiction, hasJurisdictionWrite, hasStateOnly } from './permissions.ts'

type Scopes = ReadonlySet<string>

/** Jurisdictions where a provider holds a license or a privilege (what "for the provider" means in §3.3). */
export function providerJurisdictions(provider: { licenses: readonly { jurisdiction: string }[]; privileges: readonly { jurisdiction: string }[] }): Set<string> {
  return new Set([...provider.licenses.map((license) => license.jurisdiction), ...provider.privileges.map((privilege) => privilege.jurisdiction)])
}

/** §3.3: private fields (DOB, SSN last four, military note) need readPrivate for the provider, or compact admin. */
export function mayReadPrivate(scopes: Scopes, compact: string, jurisdictions: Iterable<string>): boolean {
  return hasCompactOnly(scopes, compact, 'admin') || hasActionForProvider(scopes, compact, 'readPrivate', jurisdictions)
}

/** §2.6: the full SSN needs readSSN for the provider. */
export function mayReadSsn(scopes: Scopes, compact: string, jurisdictions: Iterable<string>): boolean {
  return hasActionForProvider(scopes, compact, 'readSSN', jurisdictions)
}

/** §2.6: any readGeneral in the compact (compact-level or a jurisdiction's) reads general provider data. */
export function mayReadGeneral(scopes: Scopes, compact: string): boolean {
  return hasCompactOrAnyJurisdiction(scopes, compact, 'readGeneral')
}

/** §2.7 / §3.1: license uploads need exactly `{j}/{c}.write`. */
export function mayUploadLicenses(scopes: Scopes, compact: string, jurisdiction: string): boolean {
  return hasJurisdictionWrite(scopes, compact, jurisdiction)
}

/** What a staff admin may touch in one compact (§3.2): everything as compact admin, else the jurisdictions it administers. */
export interface StaffAdminView {
  readonly compactAdmin: boolean
  readonly jurisdictions: ReadonlySet<string>
}

export function staffAdminView(scopes: Scopes, compact: string): StaffAdminView {
  const suffix = `/${compact}.admin`
  const jurisdictions = new Set([...scopes].filter((scope) => scope.endsWith(suffix)).map((scope) => scope.slice(0, -suffix.length)))
  return { compactAdmin: hasCompactOnly(scopes, compact, 'admin'), jurisdictions }
}

type StaffPermissionsShape = { actions: readonly string[]; jurisdictions: Readonly<Record<string, readonly string[]>> }

/** §3.2: a jurisdiction admin sees (gets, patches, reinvites, deletes) only users holding a permission in one of its jurisdictions. */
export function maySeeStaffUser(view: StaffAdminView, target: StaffPermissionsShape): boolean {
  if (view.compactAdmin) return true
  return Object.entries(target.jurisdictions).some(([jurisdiction, actions]) => actions.length > 0 && view.jurisdictions.has(jurisdiction))
}

/** §3.2: a jurisdiction admin may delete only users with no permissions outside its jurisdictions (no compact-level actions either). */
export function mayDeleteStaffUser(view: StaffAdminView, target: StaffPermissionsShape): boolean {
  if (view.compactAdmin) return true
  if (target.actions.some((action) => action !== 'read')) return false
  return Object.entries(target.jurisdictions).every(([jurisdiction, actions]) => actions.length === 0 || view.jurisdictions.has(jurisdiction))
}

/** §3.2: only compact admins add or remove compact-level actions. */
export function mayChangeCompactActions(view: StaffAdminView): boolean {
  return view.compactAdmin
}

/** §3.2: changing permissions in `jurisdiction` needs `{c}/admin` or `{j}/{c}.admin`. */
export function mayChangeJurisdiction(view: StaffAdminView, jurisdiction: string): boolean {
  return view.compactAdmin || view.jurisdictions.has(jurisdiction)
}

// ---- cc-enforcement ----

/** §3.1 state-only(admin): encumbrances and investigations need `{j}/{c}.admin` for the path jurisdiction; compact admins are refused. */
export function mayTakeAdverseAction(scopes: Scopes, compact: string, jurisdiction: string): boolean {
  return hasStateOnly(scopes, compact, jurisdiction, 'admin')
}

/** §3.1 compact-only(admin): privilege deactivation and the military audit need `{c}/admin`. */
export function mayAdministerCompact(scopes: Scopes, compact: string): boolean {
  return hasCompactOnly(scopes, compact, 'admin')
}

/** cc-search — §2.8 / §3.1: the search API and the export need the compact-level `{c}/readGeneral` (compact-only). */
export function maySearch(scopes: Scopes, compact: string): boolean {
  return hasCompactOnly(scopes, compact, 'readGeneral')
}
