import { Type, type Static } from 'typebox'

/** Wire shapes of §1.10 / §2.5. Amounts are dollars with at most two decimals (checked by the service). */

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 100 })
export const EmailList = Type.Array(Email, { minItems: 1, maxItems: 10, description: '1–10 addresses' })
export const Amount = Type.Number({ minimum: 0, maximum: 100000, description: 'USD, at most two decimals' })
export const PostalAbbreviation = Type.String({ pattern: '^[a-z]{2}$', minLength: 2, maxLength: 2, description: 'lower-case USPS code' })
export const CompactParam = Type.String({ minLength: 1, maxLength: 20 })
export const JurisdictionParam = Type.String({ minLength: 1, maxLength: 20 })

export const Message = Type.Object({ message: Type.String() })

export const CompactCommissionFee = Type.Object({ feeType: Type.Literal('FLAT_RATE'), feeAmount: Amount }, { additionalProperties: false })
export const TransactionFeeConfiguration = Type.Object(
  {
    licenseeCharges: Type.Object({ active: Type.Boolean(), chargeType: Type.Literal('FLAT_FEE_PER_PRIVILEGE'), chargeAmount: Amount }, { additionalProperties: false }),
  },
  { additionalProperties: false },
)
export const ConfiguredState = Type.Object({ postalAbbreviation: PostalAbbreviation, isLive: Type.Boolean() }, { additionalProperties: false })

export const CompactConfigurationBody = Type.Object(
  {
    compactCommissionFee: CompactCommissionFee,
    transactionFeeConfiguration: Type.Optional(TransactionFeeConfiguration),
    compactOperationsTeamEmails: EmailList,
    compactAdverseActionsNotificationEmails: EmailList,
    compactSummaryReportNotificationEmails: EmailList,
    licenseeRegistrationEnabled: Type.Boolean(),
    configuredStates: Type.Optional(Type.Array(ConfiguredState, { maxItems: 60, description: 'omitted = unchanged' })),
  },
  { additionalProperties: false },
)
export type CompactConfigurationBody = Static<typeof CompactConfigurationBody>

export const PaymentProcessorPublicFields = Type.Object({ publicClientKey: Type.String(), apiLoginId: Type.String() })

export const CompactConfigurationView = Type.Object({
  compactAbbr: Type.String(),
  compactName: Type.String(),
  compactCommissionFee: Type.Object({ feeType: Type.String(), feeAmount: Type.Union([Type.Number(), Type.Null()]) }),
  transactionFeeConfiguration: Type.Optional(
    Type.Object({
      licenseeCharges: Type.Object({ active: Type.Boolean(), chargeType: Type.String(), chargeAmount: Type.Union([Type.Number(), Type.Null()]) }),
    }),
  ),
  compactOperationsTeamEmails: Type.Array(Type.String()),
  compactAdverseActionsNotificationEmails: Type.Array(Type.String()),
  compactSummaryReportNotificationEmails: Type.Array(Type.String()),
  licenseeRegistrationEnabled: Type.Boolean(),
  configuredStates: Type.Array(Type.Object({ postalAbbreviation: Type.String(), isLive: Type.Boolean() })),
  paymentProcessorPublicFields: Type.Optional(PaymentProcessorPublicFields),
})
export type CompactConfigurationView = Static<typeof CompactConfigurationView>

export const PrivilegeFeeInput = Type.Object(
  { licenseTypeAbbreviation: Type.String({ minLength: 1, maxLength: 20 }), amount: Amount, militaryRate: Type.Optional(Type.Union([Amount, Type.Null()])) },
  { additionalProperties: false },
)
export const JurisprudenceRequirements = Type.Object(
  { required: Type.Boolean(), linkToDocumentation: Type.Optional(Type.Union([Type.String({ format: 'uri', maxLength: 1000 }), Type.Literal(''), Type.Null()], { description: 'empty = none' })) },
  { additionalProperties: false },
)

export const JurisdictionConfigurationBody = Type.Object(
  {
    licenseeRegistrationEnabled: Type.Boolean(),
    privilegeFees: Type.Array(PrivilegeFeeInput, { minItems: 1, maxItems: 20 }),
    jurisprudenceRequirements: JurisprudenceRequirements,
    jurisdictionOperationsTeamEmails: EmailList,
    jurisdictionAdverseActionsNotificationEmails: EmailList,
    jurisdictionSummaryReportNotificationEmails: EmailList,
  },
  { additionalProperties: false },
)
export type JurisdictionConfigurationBody = Static<typeof JurisdictionConfigurationBody>

export const PrivilegeFeeView = Type.Object({
  licenseTypeAbbreviation: Type.String(),
  amount: Type.Union([Type.Number(), Type.Null()]),
  militaryRate: Type.Union([Type.Number(), Type.Null()]),
})
export const JurisprudenceView = Type.Object({ required: Type.Boolean(), linkToDocumentation: Type.Union([Type.String(), Type.Null()]) })

export const JurisdictionConfigurationView = Type.Object({
  compact: Type.String(),
  jurisdictionName: Type.String(),
  postalAbbreviation: Type.String(),
  privilegeFees: Type.Array(PrivilegeFeeView),
  jurisdictionOperationsTeamEmails: Type.Array(Type.String()),
  jurisdictionAdverseActionsNotificationEmails: Type.Array(Type.String()),
  jurisdictionSummaryReportNotificationEmails: Type.Array(Type.String()),
  licenseeRegistrationEnabled: Type.Boolean(),
  jurisprudenceRequirements: JurisprudenceView,
})
export type JurisdictionConfigurationView = Static<typeof JurisdictionConfigurationView>

export const MemberJurisdiction = Type.Object({ jurisdictionName: Type.String(), postalAbbreviation: Type.String(), compact: Type.String() })
export type MemberJurisdiction = Static<typeof MemberJurisdiction>

export const CredentialsBody = Type.Object(
  { processor: Type.Literal('authorize.net'), apiLoginId: Type.String({ minLength: 1, maxLength: 100 }), transactionKey: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
)
export type CredentialsBody = Static<typeof CredentialsBody>

export const LiveJurisdictionsView = Type.Record(Type.String(), Type.Array(Type.String()))

/** The error envelope (§2), documented per status on each route. */
export const ErrorBody = Type.Object({ message: Type.String(), errors: Type.Optional(Type.Record(Type.String(), Type.Unknown())) })
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 429 | 500)[]) {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody]))
}
