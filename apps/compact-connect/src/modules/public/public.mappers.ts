import { toProviderDetail, toProviderSummary } from '../providers/providers.mappers.ts'
import type { ProviderBundle, ProviderRow } from '../providers/providers.repository.ts'
import type { PublicProviderView } from './public.schemas.ts'

type PublicPrivilege = NonNullable<PublicProviderView['privileges']>[number]

/** The public subset of a provider (§2.1, §3.3): picked field by field from the general shape, so nothing else can leak. */
export function toPublicProvider(row: ProviderRow, now = new Date()): PublicProviderView {
  const general = toProviderSummary(row, 'general', now)
  return {
    providerId: general.providerId,
    type: 'provider',
    dateOfUpdate: general.dateOfUpdate,
    compact: general.compact,
    licenseJurisdiction: general.licenseJurisdiction,
    currentHomeJurisdiction: general.currentHomeJurisdiction,
    licenseStatus: general.licenseStatus,
    compactEligibility: general.compactEligibility,
    npi: general.npi,
    givenName: general.givenName,
    middleName: general.middleName,
    familyName: general.familyName,
    suffix: general.suffix,
    privilegeJurisdictions: general.privilegeJurisdictions,
  }
}

/** `GET /v1/public/compacts/{c}/providers/{id}`: the public provider with its privileges (no licenses). */
export function toPublicProviderDetail(bundle: ProviderBundle, now = new Date()): PublicProviderView {
  const detail = toProviderDetail(bundle, 'general', now)
  const privileges: PublicPrivilege[] = detail.privileges.map((privilege) => ({
    type: 'privilege',
    providerId: privilege.providerId,
    compact: privilege.compact,
    jurisdiction: privilege.jurisdiction,
    licenseJurisdiction: privilege.licenseJurisdiction,
    licenseType: privilege.licenseType,
    dateOfIssuance: privilege.dateOfIssuance,
    dateOfRenewal: privilege.dateOfRenewal,
    dateOfExpiration: privilege.dateOfExpiration,
    dateOfUpdate: privilege.dateOfUpdate,
    administratorSetStatus: privilege.administratorSetStatus,
    privilegeId: privilege.privilegeId,
    status: privilege.status,
    activeSince: privilege.activeSince,
    adverseActions: privilege.adverseActions.map((action) => ({
      type: 'adverseAction',
      compact: action.compact,
      providerId: action.providerId,
      jurisdiction: action.jurisdiction,
      licenseTypeAbbreviation: action.licenseTypeAbbreviation,
      licenseType: action.licenseType,
      actionAgainst: action.actionAgainst,
      effectiveStartDate: action.effectiveStartDate,
      creationDate: action.creationDate,
      adverseActionId: action.adverseActionId,
      effectiveLiftDate: action.effectiveLiftDate,
      dateOfUpdate: action.dateOfUpdate,
    })),
  }))
  return { ...toPublicProvider(bundle.provider, now), privileges }
}
