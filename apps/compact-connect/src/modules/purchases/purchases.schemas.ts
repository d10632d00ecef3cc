import { Type, type Static } from 'typebox'
import { JurisprudenceView, PaymentProcessorPublicFields, PrivilegeFeeView } from '../configuration/configuration.schemas.ts'

export const CompactOption = Type.Object({
  type: Type.Literal('compact'),
  compactAbbr: Type.String(),
  compactName: Type.String(),
  compactCommissionFee: Type.Object({ feeType: Type.String(), feeAmount: Type.Union([Type.Number(), Type.Null()]) }),
  transactionFeeConfiguration: Type.Optional(
    Type.Object({ licenseeCharges: Type.Object({ active: Type.Boolean(), chargeType: Type.String(), chargeAmount: Type.Union([Type.Number(), Type.Null()]) }) }),
  ),
  paymentProcessorPublicFields: Type.Optional(PaymentProcessorPublicFields),
  isSandbox: Type.Boolean(),
})
export const JurisdictionOption = Type.Object({
  type: Type.Literal('jurisdiction'),
  jurisdictionName: Type.String(),
  postalAbbreviation: Type.String(),
  compact: Type.String(),
  privilegeFees: Type.Array(PrivilegeFeeView),
  jurisprudenceRequirements: JurisprudenceView,
})
export const PurchaseOptionsView = Type.Object({
  items: Type.Array(Type.Union([CompactOption, JurisdictionOption])),
  pagination: Type.Object({ pageSize: Type.Integer(), prevLastKey: Type.Null(), lastKey: Type.Null() }),
})
export type PurchaseOptionsView = Static<typeof PurchaseOptionsView>
export type JurisdictionOption = Static<typeof JurisdictionOption>

export const PurchaseBody = Type.Object(
  {
    licenseType: Type.String({ minLength: 1, maxLength: 100 }),
    selectedJurisdictions: Type.Array(Type.String({ minLength: 2, maxLength: 2 }), { minItems: 1, maxItems: 20 }),
    orderInformation: Type.Object(
      {
        opaqueData: Type.Object({ dataDescriptor: Type.String({ minLength: 1, maxLength: 100 }), dataValue: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
      },
      { additionalProperties: false },
    ),
    attestations: Type.Array(
      Type.Object({ attestationId: Type.String({ minLength: 1, maxLength: 100 }), version: Type.String({ pattern: '^\\d+$', maxLength: 10 }) }, { additionalProperties: false }),
      { maxItems: 20 },
    ),
  },
  { additionalProperties: false },
)
export type PurchaseBody = Static<typeof PurchaseBody>

export const LineItemView = Type.Object({
  itemId: Type.String(),
  name: Type.String(),
  description: Type.String(),
  /** A decimal string, as sent to Authorize.Net. */
  quantity: Type.String(),
  /** USD. */
  unitPrice: Type.Number(),
})
export const PurchaseResultView = Type.Object({ transactionId: Type.String(), message: Type.String(), lineItems: Type.Array(LineItemView) })
export type PurchaseResultView = Static<typeof PurchaseResultView>
