import { Type, type Static } from 'typebox'

/** Wire shapes of §2.6 (staff general and private shapes), §2.2 (`/provider-users/me`) and §4.12 (privilege history). */

const S = Type.String()
const opt = <T extends Parameters<typeof Type.Optional>[0]>(schema: T) => Type.Optional(schema)
const Status = Type.Union([Type.Literal('active'), Type.Literal('inactive')])
const Eligibility = Type.Union([Type.Literal('eligible'), Type.Literal('ineligible')])

export const AdverseActionView = Type.Object({
  type: Type.Literal('adverseAction'),
  adverseActionId: S,
  compact: S,
  providerId: S,
  jurisdiction: S,
  licenseType: S,
  licenseTypeAbbreviation: S,
  actionAgainst: S,
  encumbranceType: S,
  clinicalPrivilegeActionCategories: Type.Array(S),
  effectiveStartDate: S,
  submittingUser: S,
  creationDate: S,
  effectiveLiftDate: opt(S),
  liftingUser: opt(S),
  dateOfUpdate: S,
})

export const InvestigationView = Type.Object({
  type: Type.Literal('investigation'),
  investigationId: S,
  compact: S,
  providerId: S,
  jurisdiction: S,
  licenseType: S,
  investigationAgainst: S,
  submittingUser: S,
  creationDate: S,
  dateOfUpdate: S,
})

export const LicenseView = Type.Object({
  type: Type.Literal('license-home'),
  providerId: S,
  compact: S,
  jurisdiction: S,
  licenseType: S,
  licenseNumber: opt(S),
  npi: opt(S),
  givenName: S,
  middleName: opt(S),
  familyName: S,
  suffix: opt(S),
  dateOfIssuance: S,
  dateOfRenewal: opt(S),
  dateOfExpiration: S,
  homeAddressStreet1: S,
  homeAddressStreet2: opt(S),
  homeAddressCity: S,
  homeAddressState: S,
  homeAddressPostalCode: S,
  emailAddress: opt(S),
  phoneNumber: opt(S),
  licenseStatusName: opt(S),
  jurisdictionUploadedLicenseStatus: S,
  jurisdictionUploadedCompactEligibility: S,
  licenseStatus: Status,
  compactEligibility: Eligibility,
  encumberedStatus: opt(S),
  investigationStatus: opt(S),
  firstUploadDate: opt(S),
  dateOfUpdate: S,
  adverseActions: Type.Array(AdverseActionView),
  investigations: Type.Array(InvestigationView),
  /** Private shape only. */
  dateOfBirth: opt(S),
  ssnLastFour: opt(S),
})

export const PrivilegeView = Type.Object({
  type: Type.Literal('privilege'),
  providerId: S,
  compact: S,
  jurisdiction: S,
  licenseJurisdiction: S,
  licenseType: S,
  dateOfIssuance: S,
  dateOfRenewal: S,
  dateOfExpiration: S,
  compactTransactionId: opt(S),
  attestations: Type.Array(Type.Object({ attestationId: S, version: S })),
  privilegeId: S,
  administratorSetStatus: S,
  status: Status,
  activeSince: opt(S),
  encumberedStatus: opt(S),
  investigationStatus: opt(S),
  homeJurisdictionChangeStatus: opt(S),
  licenseDeactivatedStatus: opt(S),
  dateOfUpdate: S,
  adverseActions: Type.Array(AdverseActionView),
  investigations: Type.Array(InvestigationView),
})

export const MilitaryAffiliationView = Type.Object({
  type: Type.Literal('militaryAffiliation'),
  providerId: S,
  compact: S,
  affiliationType: S,
  fileNames: Type.Array(S),
  dateOfUpload: S,
  status: S,
  dateOfUpdate: S,
  /** Private shape only. */
  documentKeys: opt(Type.Array(S)),
  /** Compact admins only: two-hour signed links to the documents (cc-enforcement). */
  downloadLinks: opt(Type.Array(Type.Object({ fileName: S, url: S }))),
})

/** The provider's own fields (query results carry only these, always in the general shape). */
const providerFields = {
  type: Type.Literal('provider'),
  providerId: S,
  compact: S,
  licenseJurisdiction: S,
  currentHomeJurisdiction: S,
  licenseStatus: Status,
  compactEligibility: Eligibility,
  jurisdictionUploadedLicenseStatus: S,
  jurisdictionUploadedCompactEligibility: S,
  encumberedStatus: opt(S),
  npi: opt(S),
  givenName: S,
  middleName: opt(S),
  familyName: S,
  suffix: opt(S),
  dateOfExpiration: S,
  compactConnectRegisteredEmailAddress: opt(S),
  militaryStatus: opt(S),
  privilegeJurisdictions: Type.Array(S),
  birthMonthDay: opt(S),
  dateOfUpdate: S,
  /** Private shape only. */
  dateOfBirth: opt(S),
  ssnLastFour: opt(S),
  militaryStatusNote: opt(S),
}

export const ProviderSummaryView = Type.Object(providerFields)
export type ProviderSummaryView = Static<typeof ProviderSummaryView>

export const ProviderDetailView = Type.Object({
  ...providerFields,
  licenses: Type.Array(LicenseView),
  privileges: Type.Array(PrivilegeView),
  militaryAffiliations: Type.Array(MilitaryAffiliationView),
})
export type ProviderDetailView = Static<typeof ProviderDetailView>

export const ProviderQueryBody = Type.Object(
  {
    query: Type.Object(
      {
        providerId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36 })),
        jurisdiction: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
        givenName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        familyName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      },
      { additionalProperties: false },
    ),
    pagination: Type.Optional(
      Type.Object({ pageSize: Type.Optional(Type.Integer({ minimum: 5, maximum: 100 })), lastKey: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })) }, { additionalProperties: false }),
    ),
    sorting: Type.Optional(
      Type.Object(
        { key: Type.Union([Type.Literal('familyName'), Type.Literal('dateOfUpdate')]), direction: Type.Optional(Type.Union([Type.Literal('ascending'), Type.Literal('descending')])) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
export type ProviderQueryBody = Static<typeof ProviderQueryBody>

export const ProviderQueryResult = Type.Object({
  query: Type.Object({ providerId: opt(S), jurisdiction: opt(S), givenName: opt(S), familyName: opt(S) }),
  sorting: Type.Object({ key: S, direction: S }),
  providers: Type.Array(ProviderSummaryView),
  pagination: Type.Object({ pageSize: Type.Integer(), prevLastKey: Type.Union([S, Type.Null()]), lastKey: Type.Union([S, Type.Null()]) }),
})
export type ProviderQueryResult = Static<typeof ProviderQueryResult>

export const SsnView = Type.Object({ ssn: S })

export const PrivilegeEvent = Type.Object({
  type: Type.Literal('privilegeUpdate'),
  updateType: S,
  dateOfUpdate: S,
  effectiveDate: S,
  createDate: S,
  note: opt(S),
  npdbCategories: opt(Type.Array(S)),
})

export const PrivilegeHistoryView = Type.Object({ providerId: S, compact: S, jurisdiction: S, licenseType: S, privilegeId: S, events: Type.Array(PrivilegeEvent) })
export type PrivilegeHistoryView = Static<typeof PrivilegeHistoryView>
