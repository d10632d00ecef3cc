import { isoDateTime, isExpired } from '../../domain/dates.ts'
import { activeSince, licenseCompactEligibility, licenseStatus, privilegeStatus, providerCompactEligibility, providerLicenseStatus, type ActiveStatus, type Eligibility } from '../../domain/status.ts'
import type {
  AdverseActionRow,
  InvestigationRow,
  LicenseRow,
  MilitaryAffiliationRow,
  PrivilegeRow,
  ProviderBundle,
  ProviderRow,
  StoredProviderDetail,
  StoredProviderSummary,
  UpdateRecordRow,
} from './providers.repository.ts'
import type { PrivilegeHistoryView, ProviderDetailView, ProviderSummaryView } from './providers.schemas.ts'

/** Which fields a reader sees (§3.3): `private` adds DOB, SSN last four, military note and document keys. */
export type ProviderShape = 'general' | 'private'

type License = ProviderDetailView['licenses'][number]
type Privilege = ProviderDetailView['privileges'][number]
type AdverseAction = License['adverseActions'][number]
type Investigation = License['investigations'][number]
type MilitaryAffiliation = ProviderDetailView['militaryAffiliations'][number]
type HistoryEvent = PrivilegeHistoryView['events'][number]

/** Absent stays absent: the original's records omit unset attributes. */
function present<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value
}

export function toProviderSummary(row: ProviderRow, shape: ProviderShape, now = new Date()): ProviderSummaryView {
  const statusInput = {
    jurisdictionUploadedLicenseStatus: row.jurisdictionUploadedLicenseStatus as ActiveStatus,
    jurisdictionUploadedCompactEligibility: row.jurisdictionUploadedCompactEligibility as Eligibility,
    dateOfExpiration: row.dateOfExpiration,
    encumberedStatus: row.encumberedStatus,
    licenseJurisdiction: row.licenseJurisdiction,
    currentHomeJurisdiction: row.currentHomeJurisdiction,
  }
  const view: ProviderSummaryView = {
    type: 'provider',
    providerId: row.providerId,
    compact: row.compact,
    licenseJurisdiction: row.licenseJurisdiction,
    currentHomeJurisdiction: row.currentHomeJurisdiction,
    licenseStatus: providerLicenseStatus(statusInput, now),
    compactEligibility: providerCompactEligibility(statusInput, now),
    jurisdictionUploadedLicenseStatus: row.jurisdictionUploadedLicenseStatus,
    jurisdictionUploadedCompactEligibility: row.jurisdictionUploadedCompactEligibility,
    encumberedStatus: present(row.encumberedStatus),
    npi: present(row.npi),
    givenName: row.givenName,
    middleName: present(row.middleName),
    familyName: row.familyName,
    suffix: present(row.suffix),
    dateOfExpiration: row.dateOfExpiration,
    compactConnectRegisteredEmailAddress: present(row.compactConnectRegisteredEmailAddress),
    militaryStatus: present(row.militaryStatus),
    privilegeJurisdictions: [...row.privilegeJurisdictions].sort(),
    birthMonthDay: row.birthMonthDay,
    dateOfUpdate: isoDateTime(row.dateOfUpdate),
  }
  if (shape === 'private') {
    view.dateOfBirth = row.dateOfBirth
    view.ssnLastFour = row.ssnLastFour
    view.militaryStatusNote = present(row.militaryStatusNote)
  }
  return view
}

/** The staff query's record: the provider's stored fields as PostgreSQL built them plus the statuses at `now`. */
export function withSummaryStatuses(stored: StoredProviderSummary, now: Date): ProviderSummaryView {
  // The record was parsed for this response alone: the statuses are written onto it rather than into a copy.
  const view = stored as ProviderSummaryView
  view.licenseStatus = providerLicenseStatus(view as ProviderSummaryView & { jurisdictionUploadedLicenseStatus: ActiveStatus; jurisdictionUploadedCompactEligibility: Eligibility }, now)
  view.compactEligibility = providerCompactEligibility(view as ProviderSummaryView & { jurisdictionUploadedLicenseStatus: ActiveStatus; jurisdictionUploadedCompactEligibility: Eligibility }, now)
  return view
}

/**
 * A search hit: the provider and its records as PostgreSQL built them (`providerDetailJson`, the same fields
 * `toProviderDetail(bundle, 'general')` writes) plus what is calculated at `now`: license and provider statuses,
 * privilege status and `activeSince` (from the privilege's update records, which the view itself leaves out).
 */
export function withDetailStatuses(stored: StoredProviderDetail, now: Date): ProviderDetailView {
  withSummaryStatuses(stored, now)
  for (const license of stored.licenses as License[]) {
    const statusInput = license as License & { jurisdictionUploadedLicenseStatus: ActiveStatus; jurisdictionUploadedCompactEligibility: Eligibility }
    license.licenseStatus = licenseStatus(statusInput, now)
    license.compactEligibility = licenseCompactEligibility(statusInput, now)
  }
  for (const record of stored.privileges) {
    const { privilegeUpdates } = record
    const privilege = record as Partial<typeof record> & Privilege & { administratorSetStatus: ActiveStatus }
    delete privilege.privilegeUpdates
    privilege.status = privilegeStatus(privilege, now)
    const since = activeSince(privilege, privilegeUpdates, now)
    if (since !== undefined) privilege.activeSince = since
  }
  return stored as unknown as ProviderDetailView
}

function toAdverseAction(row: AdverseActionRow): AdverseAction {
  return {
    type: 'adverseAction',
    adverseActionId: row.adverseActionId,
    compact: row.compact,
    providerId: row.providerId,
    jurisdiction: row.jurisdiction,
    licenseType: row.licenseType,
    licenseTypeAbbreviation: row.licenseTypeAbbreviation,
    actionAgainst: row.actionAgainst,
    encumbranceType: row.encumbranceType,
    clinicalPrivilegeActionCategories: row.clinicalPrivilegeActionCategories,
    effectiveStartDate: row.effectiveStartDate,
    submittingUser: row.submittingUser,
    creationDate: isoDateTime(row.creationDate),
    effectiveLiftDate: present(row.effectiveLiftDate),
    liftingUser: present(row.liftingUser),
    dateOfUpdate: isoDateTime(row.dateOfUpdate),
  }
}

function toInvestigation(row: InvestigationRow): Investigation {
  return {
    type: 'investigation',
    investigationId: row.investigationId,
    compact: row.compact,
    providerId: row.providerId,
    jurisdiction: row.jurisdiction,
    licenseType: row.licenseType,
    investigationAgainst: row.investigationAgainst,
    submittingUser: row.submittingUser,
    creationDate: isoDateTime(row.creationDate),
    dateOfUpdate: isoDateTime(row.dateOfUpdate),
  }
}

const about =
  (against: 'license' | 'privilege', record: { jurisdiction: string; licenseType: string }) =>
  (row: { jurisdiction: string; licenseType: string; actionAgainst?: string; investigationAgainst?: string }) =>
    (row.actionAgainst ?? row.investigationAgainst) === against && row.jurisdiction === record.jurisdiction && row.licenseType === record.licenseType

function toLicense(row: LicenseRow, bundle: ProviderBundle, shape: ProviderShape, now: Date): License {
  const statusInput = {
    jurisdictionUploadedLicenseStatus: row.jurisdictionUploadedLicenseStatus as ActiveStatus,
    jurisdictionUploadedCompactEligibility: row.jurisdictionUploadedCompactEligibility as Eligibility,
    dateOfExpiration: row.dateOfExpiration,
    encumberedStatus: row.encumberedStatus,
  }
  const view: License = {
    type: 'license-home',
    providerId: row.providerId,
    compact: row.compact,
    jurisdiction: row.jurisdiction,
    licenseType: row.licenseType,
    licenseNumber: present(row.licenseNumber),
    npi: present(row.npi),
    givenName: row.givenName,
    middleName: present(row.middleName),
    familyName: row.familyName,
    suffix: present(row.suffix),
    dateOfIssuance: row.dateOfIssuance,
    dateOfRenewal: present(row.dateOfRenewal),
    dateOfExpiration: row.dateOfExpiration,
    homeAddressStreet1: row.homeAddressStreet1,
    homeAddressStreet2: present(row.homeAddressStreet2),
    homeAddressCity: row.homeAddressCity,
    homeAddressState: row.homeAddressState,
    homeAddressPostalCode: row.homeAddressPostalCode,
    emailAddress: present(row.emailAddress),
    phoneNumber: present(row.phoneNumber),
    licenseStatusName: present(row.licenseStatusName),
    jurisdictionUploadedLicenseStatus: row.jurisdictionUploadedLicenseStatus,
    jurisdictionUploadedCompactEligibility: row.jurisdictionUploadedCompactEligibility,
    licenseStatus: licenseStatus(statusInput, now),
    compactEligibility: licenseCompactEligibility(statusInput, now),
    encumberedStatus: present(row.encumberedStatus),
    investigationStatus: present(row.investigationStatus),
    firstUploadDate: row.firstUploadDate ? isoDateTime(row.firstUploadDate) : undefined,
    dateOfUpdate: isoDateTime(row.dateOfUpdate),
    adverseActions: bundle.adverseActions.filter(about('license', row)).map(toAdverseAction),
    investigations: bundle.investigations.filter((item) => item.closeDate === null && about('license', row)(item)).map(toInvestigation),
  }
  if (shape === 'private') {
    view.dateOfBirth = row.dateOfBirth
    view.ssnLastFour = row.ssnLastFour
  }
  return view
}

function privilegeUpdatesOf(bundle: ProviderBundle, row: PrivilegeRow): UpdateRecordRow[] {
  return bundle.privilegeUpdates.filter((update) => update.jurisdiction === row.jurisdiction && update.licenseType === row.licenseType)
}

function toPrivilege(row: PrivilegeRow, bundle: ProviderBundle, now: Date): Privilege {
  const statusInput = {
    administratorSetStatus: row.administratorSetStatus as ActiveStatus,
    dateOfExpiration: row.dateOfExpiration,
    encumberedStatus: row.encumberedStatus,
    homeJurisdictionChangeStatus: row.homeJurisdictionChangeStatus,
    licenseDeactivatedStatus: row.licenseDeactivatedStatus,
  }
  const updates = privilegeUpdatesOf(bundle, row).map((update) => ({ updateType: update.updateType, effectiveDate: update.effectiveDate, updatedValues: update.updatedValues }))
  return {
    type: 'privilege',
    providerId: row.providerId,
    compact: row.compact,
    jurisdiction: row.jurisdiction,
    licenseJurisdiction: row.licenseJurisdiction,
    licenseType: row.licenseType,
    dateOfIssuance: isoDateTime(row.dateOfIssuance),
    dateOfRenewal: isoDateTime(row.dateOfRenewal),
    dateOfExpiration: row.dateOfExpiration,
    compactTransactionId: present(row.compactTransactionId),
    attestations: row.attestations,
    privilegeId: row.privilegeId,
    administratorSetStatus: row.administratorSetStatus,
    status: privilegeStatus(statusInput, now),
    activeSince: activeSince({ ...statusInput, dateOfIssuance: isoDateTime(row.dateOfIssuance) }, updates, now),
    encumberedStatus: present(row.encumberedStatus),
    investigationStatus: present(row.investigationStatus),
    homeJurisdictionChangeStatus: present(row.homeJurisdictionChangeStatus),
    licenseDeactivatedStatus: present(row.licenseDeactivatedStatus),
    dateOfUpdate: isoDateTime(row.dateOfUpdate),
    adverseActions: bundle.adverseActions.filter(about('privilege', row)).map(toAdverseAction),
    investigations: bundle.investigations.filter((item) => item.closeDate === null && about('privilege', row)(item)).map(toInvestigation),
  }
}

/** Compact admins' download links (cc-enforcement): a signed link per document key. */
export type DocumentLink = (documentKey: string) => string

function toMilitaryAffiliation(row: MilitaryAffiliationRow, shape: ProviderShape, downloadLink?: DocumentLink): MilitaryAffiliation {
  const view: MilitaryAffiliation = {
    type: 'militaryAffiliation',
    providerId: row.providerId,
    compact: row.compact,
    affiliationType: row.affiliationType,
    fileNames: row.fileNames,
    dateOfUpload: isoDateTime(row.dateOfUpload),
    status: row.status,
    dateOfUpdate: isoDateTime(row.dateOfUpdate),
  }
  if (shape === 'private') view.documentKeys = row.documentKeys
  if (downloadLink) view.downloadLinks = row.documentKeys.map((key, index) => ({ fileName: row.fileNames[index] ?? key.slice(key.lastIndexOf('#') + 1), url: downloadLink(key) }))
  return view
}

export function toProviderDetail(bundle: ProviderBundle, shape: ProviderShape, now = new Date(), downloadLink?: DocumentLink): ProviderDetailView {
  return {
    ...toProviderSummary(bundle.provider, shape, now),
    licenses: bundle.licenses.map((row) => toLicense(row, bundle, shape, now)),
    privileges: bundle.privileges.map((row) => toPrivilege(row, bundle, now)),
    militaryAffiliations: bundle.militaryAffiliations.map((row) => toMilitaryAffiliation(row, shape, downloadLink)),
  }
}

// ---- privilege history (§4.12) ----

/** 23:59:59 UTC−4 on `date`, and 00:00 UTC−4 the next day: a synthetic expiration's effective and create dates. */
function expirationMoments(date: string): { effective: string; created: string } {
  const end = new Date(`${date}T23:59:59-04:00`)
  return { effective: isoDateTime(end), created: isoDateTime(new Date(end.getTime() + 1000)) }
}

function syntheticExpiration(date: string): HistoryEvent {
  const { effective, created } = expirationMoments(date)
  return { type: 'privilegeUpdate', updateType: 'expiration', dateOfUpdate: created, effectiveDate: effective, createDate: created }
}

const HIDDEN = new Set(['investigation', 'closingInvestigation'])

/**
 * The privilege's history: stored updates minus investigation events, plus a synthetic issuance and an
 * expiration for every lapse before a renewal and for a current expiry that has passed; by effective date.
 * `npdbCategories` is left out on the public endpoint.
 */
export function toPrivilegeHistory(bundle: ProviderBundle, row: PrivilegeRow, options: { npdbCategories: boolean; now?: Date }): PrivilegeHistoryView {
  const now = options.now ?? new Date()
  const issued = isoDateTime(row.dateOfIssuance)
  const events: HistoryEvent[] = [{ type: 'privilegeUpdate', updateType: 'issuance', dateOfUpdate: issued, effectiveDate: issued, createDate: issued }]
  const updates = privilegeUpdatesOf(bundle, row)
  for (const update of updates) {
    if (HIDDEN.has(update.updateType)) continue
    if (update.updateType === 'renewal') {
      // A renewal after the previous expiry means the privilege lapsed in between.
      const previousExpiry = update.previous.dateOfExpiration
      if (typeof previousExpiry === 'string' && new Date(expirationMoments(previousExpiry).effective) < update.createDate) events.push(syntheticExpiration(previousExpiry))
    }
    const event: HistoryEvent = {
      type: 'privilegeUpdate',
      updateType: update.updateType,
      dateOfUpdate: isoDateTime(update.dateOfUpdate),
      effectiveDate: isoDateTime(update.effectiveDate),
      createDate: isoDateTime(update.createDate),
    }
    const note = update.deactivationDetails?.note
    if (typeof note === 'string') event.note = note
    const categories = update.encumbranceDetails?.clinicalPrivilegeActionCategories
    if (options.npdbCategories && Array.isArray(categories)) event.npdbCategories = categories.map(String)
    events.push(event)
  }
  if (isExpired(row.dateOfExpiration, now)) events.push(syntheticExpiration(row.dateOfExpiration))
  events.sort((a, b) => new Date(a.effectiveDate).getTime() - new Date(b.effectiveDate).getTime())
  return { providerId: row.providerId, compact: row.compact, jurisdiction: row.jurisdiction, licenseType: row.licenseType, privilegeId: row.privilegeId, events }
}
