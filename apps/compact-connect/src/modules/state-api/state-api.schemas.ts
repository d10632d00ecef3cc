import { Type, type Static } from 'typebox'
import { ProviderSummaryView } from '../providers/providers.schemas.ts'

const S = Type.String()
const opt = <T extends Parameters<typeof Type.Optional>[0]>(schema: T) => Type.Optional(schema)

export const StateProviderQueryBody = Type.Object(
  {
    query: Type.Object({ startDateTime: Type.String({ format: 'date-time', maxLength: 40 }), endDateTime: Type.String({ format: 'date-time', maxLength: 40 }) }, { additionalProperties: false }),
    // The original's pagination and sorting schemas are forgiving: other keys (a `sorting.key` from a state's
    // client) are ignored, not refused.
    pagination: Type.Optional(Type.Object({ pageSize: Type.Optional(Type.Integer({ minimum: 5, maximum: 100 })), lastKey: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })) })),
    sorting: Type.Optional(Type.Object({ direction: Type.Optional(Type.Union([Type.Literal('ascending'), Type.Literal('descending')])) })),
  },
  { additionalProperties: false },
)
export type StateProviderQueryBody = Static<typeof StateProviderQueryBody>

export const StateProviderQueryResult = Type.Object({
  query: Type.Object({ startDateTime: S, endDateTime: S }),
  sorting: Type.Object({ direction: S }),
  providers: Type.Array(ProviderSummaryView),
  pagination: Type.Object({ pageSize: Type.Integer(), prevLastKey: Type.Union([S, Type.Null()]), lastKey: Type.Union([S, Type.Null()]) }),
})
export type StateProviderQueryResult = Static<typeof StateProviderQueryResult>

/** One privilege in the state's jurisdiction flattened with its home license (§2.7). */
export const StatePrivilegeView = Type.Object({
  type: Type.Literal('statePrivilege'),
  providerId: S,
  compact: S,
  jurisdiction: S,
  licenseJurisdiction: S,
  licenseType: S,
  privilegeId: S,
  status: S,
  administratorSetStatus: S,
  dateOfIssuance: S,
  dateOfRenewal: S,
  dateOfExpiration: S,
  dateOfUpdate: S,
  compactTransactionId: opt(S),
  givenName: S,
  middleName: opt(S),
  familyName: S,
  suffix: opt(S),
  licenseNumber: opt(S),
  npi: opt(S),
  licenseStatusName: opt(S),
  licenseStatus: S,
  jurisdictionUploadedLicenseStatus: S,
  compactEligibility: S,
  jurisdictionUploadedCompactEligibility: S,
  ssnLastFour: opt(S),
  dateOfBirth: opt(S),
  homeAddressStreet1: opt(S),
  homeAddressStreet2: opt(S),
  homeAddressCity: opt(S),
  homeAddressState: opt(S),
  homeAddressPostalCode: opt(S),
  emailAddress: opt(S),
  phoneNumber: opt(S),
  compactConnectRegisteredEmailAddress: opt(S),
})
export type StatePrivilegeView = Static<typeof StatePrivilegeView>

export const StateProviderView = Type.Object({ privileges: Type.Array(StatePrivilegeView), providerUIUrl: S })
export type StateProviderView = Static<typeof StateProviderView>
