/**
 * Pure rules of encumbrances (§1.6, §4.8), investigations (§1.7, §4.9), the home-jurisdiction change (§4.10) and
 * military affiliations (§1.8, §4.11). Services load the partition, ask these functions what to change, and write it.
 */
import { isExpired, today } from './dates.ts'

export const ENCUMBRANCE_TYPES = [
  'fine',
  'reprimand',
  'required supervision',
  'completion of continuing education',
  'public reprimand',
  'probation',
  'injunctive action',
  'suspension',
  'revocation',
  'denial',
  'surrender of license',
  'modification of previous action-extension',
  'modification of previous action-reduction',
  'other monitoring',
  'other adjudicated action not listed',
] as const

/** NPDB tables 41–45. */
export const CLINICAL_PRIVILEGE_ACTION_CATEGORIES = [
  'Non-compliance With Requirements',
  'Criminal Conviction or Adjudication',
  'Confidentiality, Consent or Disclosure Violations',
  'Misconduct or Abuse',
  'Fraud, Deception, or Misrepresentation',
  'Unsafe Practice or Substandard Care',
  'Improper Supervision or Allowing Unlicensed Practice',
  'Other',
] as const

export type RecordKind = 'license' | 'privilege'

/** §4.8: encumbrance and lift dates may not be later than the UTC−4 today. */
export function isFutureDate(date: string, now: Date = new Date()): boolean {
  return date > today(now)
}

/** `2026-01-05` → `January 05, 2026`, as the original's e-mails print dates (`%B %d, %Y`). */
export function longDate(date: string): string {
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
  const [year, month, day] = date.split('-') as [string, string, string]
  return `${months[Number(month) - 1]} ${day}, ${year}`
}

const isEncumbered = (status: string | null | undefined) => status === 'encumbered'

/** A record is encumbered while any of its adverse actions is unlifted (§1.6). */
export function hasUnliftedAction(actions: readonly { effectiveLiftDate: string | null }[]): boolean {
  return actions.some((action) => action.effectiveLiftDate === null)
}

/**
 * §4.8 lift: the privilege's status once its last own adverse action is lifted — `licenseEncumbered` while the home
 * license it is based on is still encumbered, else `unencumbered`.
 */
export function privilegeStatusAfterLift(homeLicense: { encumberedStatus: string | null } | undefined): 'licenseEncumbered' | 'unencumbered' {
  return isEncumbered(homeLicense?.encumberedStatus) ? 'licenseEncumbered' : 'unencumbered'
}

/** §1.2: the provider is encumbered while any license or privilege carries its own encumbrance. */
export function providerEncumbered(licenses: readonly { encumberedStatus: string | null }[], privileges: readonly { encumberedStatus: string | null }[]): boolean {
  return licenses.some((row) => isEncumbered(row.encumberedStatus)) || privileges.some((row) => isEncumbered(row.encumberedStatus))
}

interface PrivilegeLink {
  licenseJurisdiction: string
  licenseType: string
  encumberedStatus: string | null
}

/** §4.8 license encumbrance consumer: privileges based on the license that are not encumbered at all yet. */
export function privilegesToLicenseEncumber<P extends PrivilegeLink>(privileges: readonly P[], license: { jurisdiction: string; licenseType: string }): P[] {
  return privileges.filter(
    (privilege) =>
      privilege.licenseJurisdiction === license.jurisdiction && privilege.licenseType === license.licenseType && (privilege.encumberedStatus === null || privilege.encumberedStatus === 'unencumbered'),
  )
}

/** §4.8 license lift consumer: once the license has no unlifted action, its `licenseEncumbered` privileges go back. */
export function privilegesToRelease<P extends PrivilegeLink>(privileges: readonly P[], license: { jurisdiction: string; licenseType: string }): P[] {
  return privileges.filter((privilege) => privilege.licenseJurisdiction === license.jurisdiction && privilege.licenseType === license.licenseType && privilege.encumberedStatus === 'licenseEncumbered')
}

/**
 * §4.8 notifications: the acting jurisdiction first, then every other jurisdiction where the provider holds a
 * license or a privilege (each once).
 */
export function notifiedJurisdictions(acting: string, licenses: readonly { jurisdiction: string }[], privileges: readonly { jurisdiction: string }[]): string[] {
  const others = new Set([...licenses.map((row) => row.jurisdiction), ...privileges.map((row) => row.jurisdiction)])
  others.delete(acting)
  return [acting, ...[...others].sort()]
}

// ---- home jurisdiction change (§4.10) ----

export interface HomeChangeLicense {
  id: number
  jurisdiction: string
  licenseType: string
  dateOfExpiration: string
  jurisdictionUploadedCompactEligibility: string
  encumberedStatus: string | null
}

export interface HomeChangePrivilege {
  id: number
  jurisdiction: string
  licenseType: string
  encumberedStatus: string | null
  homeJurisdictionChangeStatus: string | null
}

export type PrivilegeHomeChange =
  { privilegeId: number; kind: 'deactivate' } | { privilegeId: number; kind: 'move'; licenseJurisdiction: string; dateOfExpiration: string; encumberedStatus?: 'licenseEncumbered' }

export interface HomeChangePlan {
  /** `none`: the provider only gets the new home; `license`: it is rebuilt from that best license in the new state. */
  provider: { kind: 'homeOnly' } | { kind: 'rebuild' }
  privileges: PrivilegeHomeChange[]
}

/**
 * §4.10. P = privileges not already home-change deactivated. No license in the new state, `other`, or a state not
 * live: every P is deactivated. Otherwise, per license type of P: the old home license of that type missing, expired
 * or encumbered → leave them; the new state's license of that type missing or uploaded-ineligible → deactivate them;
 * else move them (a privilege located in the new home state is deactivated instead), `licenseEncumbered` when the new
 * license is encumbered and the privilege is not itself encumbered.
 */
export function planHomeJurisdictionChange(input: {
  oldHome: string
  newHome: string
  newHomeLive: boolean
  licenses: readonly HomeChangeLicense[]
  privileges: readonly HomeChangePrivilege[]
  now?: Date
}): HomeChangePlan {
  const now = input.now ?? new Date()
  const candidates = input.privileges.filter((privilege) => privilege.homeJurisdictionChangeStatus !== 'inactive')
  const newLicenses = input.licenses.filter((license) => license.jurisdiction === input.newHome)
  if (input.newHome === 'other' || newLicenses.length === 0 || !input.newHomeLive) {
    return { provider: { kind: 'homeOnly' }, privileges: candidates.map((privilege) => ({ privilegeId: privilege.id, kind: 'deactivate' })) }
  }
  const changes: PrivilegeHomeChange[] = []
  for (const licenseType of [...new Set(candidates.map((privilege) => privilege.licenseType))].sort()) {
    const oldLicense = input.licenses.find((license) => license.jurisdiction === input.oldHome && license.licenseType === licenseType)
    if (!oldLicense || isExpired(oldLicense.dateOfExpiration, now) || isEncumbered(oldLicense.encumberedStatus)) continue
    const ofType = candidates.filter((privilege) => privilege.licenseType === licenseType)
    const newLicense = newLicenses.find((license) => license.licenseType === licenseType)
    if (!newLicense || newLicense.jurisdictionUploadedCompactEligibility === 'ineligible') {
      changes.push(...ofType.map((privilege) => ({ privilegeId: privilege.id, kind: 'deactivate' as const })))
      continue
    }
    for (const privilege of ofType) {
      if (privilege.jurisdiction === newLicense.jurisdiction) {
        changes.push({ privilegeId: privilege.id, kind: 'deactivate' })
        continue
      }
      const encumber = isEncumbered(newLicense.encumberedStatus) && !isEncumbered(privilege.encumberedStatus)
      changes.push({
        privilegeId: privilege.id,
        kind: 'move',
        licenseJurisdiction: newLicense.jurisdiction,
        dateOfExpiration: newLicense.dateOfExpiration,
        ...(encumber ? { encumberedStatus: 'licenseEncumbered' as const } : {}),
      })
    }
  }
  return { provider: { kind: 'rebuild' }, privileges: changes }
}

// ---- military affiliations (§4.11) ----

export const MILITARY_FILE_EXTENSIONS = ['pdf', 'jpg', 'jpeg', 'png', 'docx'] as const
export const MILITARY_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024

/** The 400 message for a file name whose extension is not accepted, or undefined. */
export function militaryFileProblem(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.')
  const extension = dot < 0 ? '' : fileName.slice(dot + 1)
  if ((MILITARY_FILE_EXTENSIONS as readonly string[]).includes(extension.toLowerCase())) return undefined
  return `Invalid file type "${extension}" The following file types are supported: (${MILITARY_FILE_EXTENSIONS.map((ext) => `'${ext}'`).join(', ')})`
}

/** The content types an accepted extension may be uploaded with. */
export function militaryContentTypes(fileName: string): string[] {
  const extension = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase()
  switch (extension) {
    case 'pdf':
      return ['application/pdf']
    case 'jpg':
    case 'jpeg':
      return ['image/jpeg']
    case 'png':
      return ['image/png']
    case 'docx':
      return ['application/vnd.openxmlformats-officedocument.wordprocessingml.document']
    default:
      return []
  }
}

/** `compact/{c}/provider/{id}/document-type/military-affiliations/{YYYY-MM-DD}/{uuid}#{name}.{ext}` (§4.11). */
export function militaryDocumentKey(compact: string, providerId: string, uploadDate: string, uuid: string, fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  const base = fileName.slice(0, dot)
  const extension = fileName.slice(dot + 1).toLowerCase()
  return `compact/${compact}/provider/${providerId}/document-type/military-affiliations/${uploadDate}/${uuid}#${base}.${extension}`
}
