/** The rules of §4.6 steps 4, 6 and 8 as plain functions (unit-tested in test/purchase-rules.test.ts). */

export const INVESTIGATION_ATTESTATIONS = ['not-under-investigation-attestation', 'under-investigation-attestation'] as const
export const ALWAYS_REQUIRED_ATTESTATIONS = [
  'jurisprudence-confirmation',
  'scope-of-practice-attestation',
  'personal-information-address-attestation',
  'discipline-no-current-encumbrance-attestation',
  'discipline-no-prior-encumbrance-attestation',
  'provision-of-true-information-attestation',
] as const
export const MILITARY_ATTESTATIONS = ['military-affiliation-confirmation-attestation', 'military-personal-information-state-license-attestation'] as const
export const HOME_STATE_ATTESTATION = 'personal-information-home-state-attestation'

export interface SubmittedAttestation {
  attestationId: string
  version: string
}

/**
 * §4.6 step 8. Returns the 400 message, or undefined when the set is exactly right: every id known and at its
 * latest version, exactly one investigation attestation, the six always-required ones, the military pair when
 * the buyer is active military (else the home-state one), nothing else.
 */
export function attestationProblem(submitted: readonly SubmittedAttestation[], latestVersions: ReadonlyMap<string, string>, activeMilitary: boolean): string | undefined {
  const ids = submitted.map((attestation) => attestation.attestationId)
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index)
  if (repeated.length > 0) return `Duplicate attestations provided: ${[...new Set(repeated)].join(', ')}`
  for (const attestation of submitted) {
    const latest = latestVersions.get(attestation.attestationId)
    if (latest === undefined) return `Attestation not found: ${attestation.attestationId}`
    if (latest !== attestation.version) {
      return `Attestation '${attestation.attestationId}' version ${attestation.version} is not the latest version (${latest})`
    }
  }
  const investigation = ids.filter((id) => (INVESTIGATION_ATTESTATIONS as readonly string[]).includes(id))
  if (investigation.length !== 1) return `Exactly one of the following attestations must be provided: ${INVESTIGATION_ATTESTATIONS.join(', ')}`
  const required = [...ALWAYS_REQUIRED_ATTESTATIONS, investigation[0]!, ...(activeMilitary ? MILITARY_ATTESTATIONS : [HOME_STATE_ATTESTATION])]
  const missing = required.filter((id) => !ids.includes(id))
  if (missing.length > 0) return `Missing required attestations: ${missing.join(', ')}`
  const extra = ids.filter((id) => !required.includes(id))
  if (extra.length > 0) return `Unexpected attestations provided: ${extra.join(', ')}`
  return undefined
}

/** `YYYY-MM-DD` two years and one day before `today` (29 February falls back to 28). */
export function twoYearsAndOneDayBefore(today: string): string {
  const [year, month, day] = today.split('-').map(Number) as [number, number, number]
  const lastDay = new Date(Date.UTC(year - 2, month, 0)).getUTCDate()
  const shifted = new Date(Date.UTC(year - 2, month - 1, Math.min(day, lastDay) - 1))
  return shifted.toISOString().slice(0, 10)
}

/**
 * §4.6 step 4: any unlifted adverse action, or one lifted later than today − 2 years − 1 day, blocks a purchase.
 */
export function hasCurrentOrRecentEncumbrance(actions: readonly { effectiveLiftDate: string | null }[], today: string): boolean {
  const cutoff = twoYearsAndOneDayBefore(today)
  return actions.some((action) => action.effectiveLiftDate === null || action.effectiveLiftDate > cutoff)
}

export interface ExistingPrivilege {
  dateOfExpiration: string
  administratorSetStatus: string
  homeJurisdictionChangeStatus: string | null
  licenseDeactivatedStatus: string | null
}

/** §4.6 step 6: a renewal that would change nothing (same expiration, active, no home-change or license flag). */
export function renewalChangesNothing(privilege: ExistingPrivilege, licenseExpiration: string): boolean {
  return (
    privilege.dateOfExpiration === licenseExpiration && privilege.administratorSetStatus === 'active' && privilege.homeJurisdictionChangeStatus === null && privilege.licenseDeactivatedStatus === null
  )
}

/** §1.8: "active military" for fees and attestations. */
export function isActiveMilitary(militaryStatus: string | null): boolean {
  return militaryStatus === 'tentative' || militaryStatus === 'approved'
}
