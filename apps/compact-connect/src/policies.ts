/**
 * Row-level rules as named functions over the caller's scopes and the row (ADR 0003). The scope helpers they build
 * on are in permissions.ts; services call these.
 */
import { hasActionForProvider, hasCompactOnly, hasCompactOrAnyJurisdiction, hasJurisdictionWrite } from './permissions.ts'

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
