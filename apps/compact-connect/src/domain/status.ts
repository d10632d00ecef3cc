/** Statuses calculated at read time (spec §1.2–§1.4); nothing here is stored. */
import { isExpired } from './dates.ts'

export type ActiveStatus = 'active' | 'inactive'
export type Eligibility = 'eligible' | 'ineligible'
export type EncumberedStatus = 'encumbered' | 'unencumbered' | 'licenseEncumbered'

export interface LicenseStatusInput {
  jurisdictionUploadedLicenseStatus: ActiveStatus
  jurisdictionUploadedCompactEligibility: Eligibility
  dateOfExpiration: string
  encumberedStatus?: string | null
}

const encumbered = (status: string | null | undefined) => status !== undefined && status !== null && status !== 'unencumbered'

/** §1.3: active iff uploaded active, not expired (UTC−4 today) and not encumbered. */
export function licenseStatus(license: LicenseStatusInput, now: Date = new Date()): ActiveStatus {
  return license.jurisdictionUploadedLicenseStatus === 'active' && !isExpired(license.dateOfExpiration, now) && !encumbered(license.encumberedStatus) ? 'active' : 'inactive'
}

/** §1.3: eligible iff uploaded eligible, calculated active and not encumbered. */
export function licenseCompactEligibility(license: LicenseStatusInput, now: Date = new Date()): Eligibility {
  return license.jurisdictionUploadedCompactEligibility === 'eligible' && licenseStatus(license, now) === 'active' && !encumbered(license.encumberedStatus) ? 'eligible' : 'ineligible'
}

export interface ProviderStatusInput extends LicenseStatusInput {
  licenseJurisdiction: string
  currentHomeJurisdiction: string
}

/** §1.2: the provider's status from its best license's uploaded values and the provider's own encumbrance. */
export function providerLicenseStatus(provider: ProviderStatusInput, now: Date = new Date()): ActiveStatus {
  return licenseStatus(provider, now)
}

/** §1.2: also requires the provider to live in its license's jurisdiction (unregistered = `unknown` = ineligible). */
export function providerCompactEligibility(provider: ProviderStatusInput, now: Date = new Date()): Eligibility {
  return licenseCompactEligibility(provider, now) === 'eligible' && provider.currentHomeJurisdiction === provider.licenseJurisdiction ? 'eligible' : 'ineligible'
}

export interface PrivilegeStatusInput {
  administratorSetStatus: ActiveStatus
  dateOfExpiration: string
  encumberedStatus?: string | null
  homeJurisdictionChangeStatus?: string | null
  licenseDeactivatedStatus?: string | null
}

/** §1.4: active iff admin-active, not expired, unencumbered, and neither home-change nor license deactivated. */
export function privilegeStatus(privilege: PrivilegeStatusInput, now: Date = new Date()): ActiveStatus {
  const blocked =
    privilege.administratorSetStatus !== 'active' ||
    isExpired(privilege.dateOfExpiration, now) ||
    encumbered(privilege.encumberedStatus) ||
    (privilege.homeJurisdictionChangeStatus ?? null) !== null ||
    (privilege.licenseDeactivatedStatus ?? null) !== null
  return blocked ? 'inactive' : 'active'
}

export interface PrivilegeUpdateForActiveSince {
  updateType: string
  effectiveDate: string | Date
  updatedValues: Record<string, unknown>
}

/**
 * §1.4 `activeSince`: only when the privilege is active now. Starts at `dateOfIssuance`; walking updates by
 * effective date, expiration/deactivation/encumbrance/licenseDeactivation reset it, a home-jurisdiction change
 * that deactivated or encumbered resets it, and a renewal while unset sets it to that renewal's `dateOfRenewal`.
 */
export function activeSince(privilege: PrivilegeStatusInput & { dateOfIssuance: string }, updates: readonly PrivilegeUpdateForActiveSince[], now: Date = new Date()): string | undefined {
  if (privilegeStatus(privilege, now) !== 'active') return undefined
  const ordered = [...updates].sort((a, b) => new Date(a.effectiveDate).getTime() - new Date(b.effectiveDate).getTime())
  let since: string | null = privilege.dateOfIssuance
  for (const update of ordered) {
    switch (update.updateType) {
      case 'expiration':
      case 'deactivation':
      case 'encumbrance':
      case 'licenseDeactivation':
        since = null
        break
      case 'homeJurisdictionChange': {
        const values = update.updatedValues
        const status = values.encumberedStatus
        if ((typeof status === 'string' && status !== 'unencumbered') || values.homeJurisdictionChangeStatus === 'inactive') since = null
        break
      }
      case 'renewal':
        if (since === null && typeof update.updatedValues.dateOfRenewal === 'string') since = update.updatedValues.dateOfRenewal
        break
    }
  }
  return since ?? undefined
}
