/** Pure rules of the ingest step (§4.3): the license diff, its classification, and the provider's best license. */
import { isExpired } from './dates.ts'
import { licenseCompactEligibility, licenseStatus, type ActiveStatus, type Eligibility } from './status.ts'

export type LicenseSnapshot = Readonly<Record<string, string | undefined>>

export interface LicenseDiff {
  updatedValues: Record<string, string>
  removedValues: string[]
}

/** Changed or added values, and keys present before but absent now; `dateOfUpdate`/`firstUploadDate` are ignored. */
export function diffLicense(previous: LicenseSnapshot, next: LicenseSnapshot, fields: readonly string[]): LicenseDiff | undefined {
  const updatedValues: Record<string, string> = {}
  const removedValues: string[] = []
  for (const field of fields) {
    const before = previous[field]
    const after = next[field]
    if (after !== undefined && after !== before) updatedValues[field] = after
    else if (after === undefined && before !== undefined) removedValues.push(field)
  }
  return Object.keys(updatedValues).length === 0 && removedValues.length === 0 ? undefined : { updatedValues, removedValues }
}

export type LicenseUpdateType = 'deactivation' | 'renewal' | 'other'

/** Deactivation (the uploaded status changed to inactive) wins over renewal (a later expiration date); else other. */
export function classifyLicenseUpdate(previous: LicenseSnapshot, diff: LicenseDiff): LicenseUpdateType {
  if (diff.updatedValues.jurisdictionUploadedLicenseStatus === 'inactive') return 'deactivation'
  const expiration = diff.updatedValues.dateOfExpiration
  if (expiration !== undefined && previous.dateOfExpiration !== undefined && expiration > previous.dateOfExpiration) return 'renewal'
  return 'other'
}

/** A deactivation of a license that is not expired also cascades to its privileges (§4.3 step 2, §4.7). */
export function deactivationCascades(updateType: LicenseUpdateType, dateOfExpiration: string, now: Date = new Date()): boolean {
  return updateType === 'deactivation' && !isExpired(dateOfExpiration, now)
}

export interface BestLicenseCandidate {
  jurisdiction: string
  dateOfIssuance: string
  dateOfExpiration: string
  jurisdictionUploadedLicenseStatus: ActiveStatus
  jurisdictionUploadedCompactEligibility: Eligibility
  encumberedStatus?: string | null
}

/**
 * §4.3 step 4: restrict to the home jurisdiction when the provider has licenses there; then the newest
 * `dateOfIssuance` among compact-eligible licenses, else among active ones, else overall.
 */
export function chooseBestLicense<T extends BestLicenseCandidate>(candidates: readonly T[], currentHomeJurisdiction: string, now: Date = new Date()): T | undefined {
  const home = candidates.filter((license) => license.jurisdiction === currentHomeJurisdiction)
  const pool = home.length > 0 ? home : candidates
  const newest = (list: readonly T[]) => list.reduce<T | undefined>((best, license) => (best === undefined || license.dateOfIssuance > best.dateOfIssuance ? license : best), undefined)
  return newest(pool.filter((license) => licenseCompactEligibility(license, now) === 'eligible')) ?? newest(pool.filter((license) => licenseStatus(license, now) === 'active')) ?? newest(pool)
}

/** URL quoting as Python's `quote` does it (RFC 3986: `!'()*` are escaped too). */
const quote = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)

/** The name index value: lower-cased, URL-quoted `family#given#middle` (§1.2). */
export function providerFamGivMid(familyName: string, givenName: string, middleName?: string | null): string {
  return [familyName, givenName, middleName ?? ''].map((part) => quote(part.toLowerCase())).join('#')
}

/** `MM-DD` of a `YYYY-MM-DD` date of birth. */
export function birthMonthDay(dateOfBirth: string): string {
  return dateOfBirth.slice(5, 10)
}
