import { Type, type Static } from 'typebox'

/** Wire shapes of the public lookup (§2.1): names, npi, jurisdictions, statuses and privileges; nothing private. */

const S = Type.String()
const opt = <T extends Parameters<typeof Type.Optional>[0]>(schema: T) => Type.Optional(schema)
const Status = Type.Union([Type.Literal('active'), Type.Literal('inactive')])
const Eligibility = Type.Union([Type.Literal('eligible'), Type.Literal('ineligible')])

/** A public adverse action: no encumbrance type, categories or users. */
export const PublicAdverseActionView = Type.Object({
  type: Type.Literal('adverseAction'),
  compact: S,
  providerId: S,
  jurisdiction: S,
  licenseTypeAbbreviation: S,
  licenseType: S,
  actionAgainst: S,
  effectiveStartDate: S,
  creationDate: S,
  adverseActionId: S,
  effectiveLiftDate: opt(S),
  dateOfUpdate: S,
})

export const PublicPrivilegeView = Type.Object({
  type: Type.Literal('privilege'),
  providerId: S,
  compact: S,
  jurisdiction: S,
  licenseJurisdiction: S,
  licenseType: S,
  dateOfIssuance: S,
  dateOfRenewal: S,
  dateOfExpiration: S,
  dateOfUpdate: S,
  administratorSetStatus: S,
  privilegeId: S,
  status: Status,
  activeSince: opt(S),
  adverseActions: Type.Array(PublicAdverseActionView),
})

export const PublicProviderView = Type.Object({
  providerId: S,
  type: Type.Literal('provider'),
  dateOfUpdate: S,
  compact: S,
  licenseJurisdiction: S,
  currentHomeJurisdiction: S,
  licenseStatus: Status,
  compactEligibility: Eligibility,
  npi: opt(S),
  givenName: S,
  middleName: opt(S),
  familyName: S,
  suffix: opt(S),
  privilegeJurisdictions: Type.Array(S),
  /** On `GET …/providers/{id}` only. */
  privileges: opt(Type.Array(PublicPrivilegeView)),
})
export type PublicProviderView = Static<typeof PublicProviderView>

export const PublicProviderQueryResult = Type.Object({
  query: Type.Object({ providerId: opt(S), jurisdiction: opt(S), givenName: opt(S), familyName: opt(S) }),
  sorting: Type.Object({ key: S, direction: S }),
  providers: Type.Array(PublicProviderView),
  pagination: Type.Object({ pageSize: Type.Integer(), prevLastKey: Type.Union([S, Type.Null()]), lastKey: Type.Union([S, Type.Null()]) }),
})
export type PublicProviderQueryResult = Static<typeof PublicProviderQueryResult>
