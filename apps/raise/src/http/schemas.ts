// The wire contract (spec §1–2), one TypeBox source for validation, types and OpenAPI.
import { Type, type Static, type TSchema } from 'typebox'

export const Ulid = Type.String({ pattern: '^[0123456789ABCDEFGHJKMNPQRSTVWXYZ]{26}$', description: 'ULID' })
export const Email = Type.String({
  pattern: "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$",
})
const Int = (options: Record<string, unknown> = {}) => Type.Integer(options)
const NonNegative = Int({ minimum: 0 })
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const strict = { additionalProperties: false } as const

export const Currency = Type.Union([Type.Literal('gbp'), Type.Literal('usd')])
export const Frequency = Nullable(Type.Union([Type.Literal('WEEKLY'), Type.Literal('MONTHLY')]))
export const PaymentMethod = Type.Union([Type.Literal('card'), Type.Literal('cash'), Type.Literal('direct_to_charity')])
export const PaymentStatus = Type.Union([Type.Literal('paid'), Type.Literal('pending'), Type.Literal('scheduled'), Type.Literal('cancelled')])

const fundraiserFields = {
  internalName: Type.String({ minLength: 1, maxLength: 128 }),
  publicName: Type.String({ minLength: 1, maxLength: 128 }),
  activeFrom: Int(),
  activeTo: Int(),
  recurringDonationsTo: Int(),
  paused: Type.Boolean(),
  currency: Currency,
  goal: Int({ exclusiveMinimum: 0 }),
  totalRaised: NonNegative,
  donationsCount: NonNegative,
  matchFundingRate: NonNegative,
  matchFundingPerDonationLimit: Nullable(Int({ exclusiveMinimum: 0 })),
  matchFundingRemaining: Nullable(NonNegative),
  minimumDonationAmount: Nullable(Int({ exclusiveMinimum: 0 })),
  suggestedDonationAmountOneOff: NonNegative,
  suggestedDonationAmountWeekly: NonNegative,
  suggestedContributionAmount: Nullable(NonNegative),
  eventLink: Nullable(Type.String()),
  moreInvolvedLink: Nullable(Type.String()),
  archived: Type.Boolean(),
  groupsWithAccess: Type.Array(Type.String()),
}
export const Fundraiser = Type.Object({ id: Ulid, ...fundraiserFields }, { ...strict, $id: 'Fundraiser' })
export const FundraiserCreation = Type.Partial(Type.Object(fundraiserFields, strict), strict)
export const FundraiserEdits = Type.Partial(
  Type.Object({ ...fundraiserFields, previous: Type.Partial(Type.Object({ totalRaised: NonNegative, donationsCount: NonNegative }, strict), strict) }, strict),
  { ...strict, minProperties: 1 },
)

const address = {
  addressLine1: Nullable(Type.String()),
  addressLine2: Nullable(Type.String()),
  addressLine3: Nullable(Type.String()),
  addressPostcode: Nullable(Type.String()),
  addressCountry: Nullable(Type.String()),
}
const donationFields = {
  donorName: Type.String(),
  donorEmail: Email,
  emailConsentInformational: Type.Boolean(),
  emailConsentMarketing: Type.Boolean(),
  createdAt: Int(),
  ...address,
  giftAid: Type.Boolean(),
  comment: Nullable(Type.String()),
  recurringAmount: Nullable(NonNegative),
  recurrenceFrequency: Frequency,
  stripeCustomerId: Nullable(Type.String()),
  stripePaymentMethodId: Nullable(Type.String()),
  charity: Type.String(),
  overallPublic: Type.Boolean(),
  namePublic: Type.Boolean(),
  donationAmountPublic: Type.Boolean(),
  donationCounted: Type.Boolean(),
}
const donationTotals = {
  donationAmount: Type.Number({ minimum: 0 }),
  matchFundingAmount: NonNegative,
  contributionAmount: NonNegative,
}
export const Donation = Type.Object({ id: Ulid, fundraiserId: Ulid, ...donationFields, ...donationTotals }, { ...strict, $id: 'Donation' })
export const DonationCreation = Type.Partial(Type.Object(donationFields, strict), strict)
export const DonationEdits = Type.Partial(
  Type.Object({ ...donationFields, ...donationTotals, previous: Type.Partial(Type.Object(donationTotals, strict), strict) }, strict),
  { ...strict, minProperties: 1 },
)

export const Payment = Type.Object(
  {
    id: Ulid,
    donationId: Ulid,
    fundraiserId: Ulid,
    at: Int(),
    donationAmount: Int(),
    contributionAmount: Int(),
    matchFundingAmount: Nullable(Int()),
    method: PaymentMethod,
    reference: Nullable(Type.String()),
    status: PaymentStatus,
  },
  { ...strict, $id: 'Payment' },
)
export const PaymentCreation = Type.Partial(
  Type.Object({ at: Int(), donationAmount: Int(), contributionAmount: Int(), matchFundingAmount: Nullable(Int()), method: PaymentMethod, reference: Nullable(Type.String()) }, strict),
  strict,
)
export const PaymentPropertyEdits = Type.Union([
  Type.Object({ donationAmount: Int() }, strict),
  Type.Object({ contributionAmount: Int() }, strict),
  Type.Object({ matchFundingAmount: Nullable(Int()) }, strict),
  Type.Object({ reference: Nullable(Type.String()) }, strict),
  Type.Object({ status: PaymentStatus }, strict),
])

export const AuditLog = Type.Object(
  {
    id: Ulid,
    object: Type.String(),
    subject: Type.String(),
    action: Type.Union(['create', 'edit', 'login', 'plus', 'security', 'run'].map((action) => Type.Literal(action))),
    at: Int(),
    sourceIp: Type.String(),
    userAgent: Type.String(),
    routeRaw: Type.String(),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    ttl: Nullable(Type.Number()),
  },
  { ...strict, $id: 'AuditLog' },
)

export const Group = Type.Object({ id: Ulid, name: Type.String() }, { ...strict, $id: 'Group' })
export const GroupCreation = Type.Object({ name: Type.String() }, strict)
export const GroupEdits = Type.Partial(Type.Object({ name: Type.String() }, strict), { ...strict, minProperties: 1 })

const userFields = {
  name: Type.String(),
  email: Type.String(),
  groups: Type.Array(Ulid),
  securityTrainingCompletedAt: Int(),
  sendAccountCreationEmail: Type.Boolean(),
}
export const User = Type.Object({ id: Ulid, ...userFields, sendAccountCreationEmail: Type.Optional(Type.Boolean()) }, { ...strict, $id: 'User' })
export const UserCreation = Type.Object(userFields, strict)
export const UserEdits = Type.Partial(Type.Object(userFields, strict), { ...strict, minProperties: 1 })

export const Task = Type.Object({ id: Ulid, name: Type.String(), groups: Type.Array(Type.String()) }, strict)
export const Status = Type.Object({ message: Type.String() }, strict)
export const Profile = Type.Object({ email: Type.String(), groups: Type.Array(Type.String()), issuedAt: Int(), expiresAt: Int(), sourceIp: Type.String() }, strict)
const TokenValue = Type.Object({ value: Type.String(), expiresAt: Int() }, strict)
export const LoginResponse = Type.Object({ accessToken: TokenValue, refreshToken: TokenValue, groups: Type.Array(Type.String()) }, strict)

export const PublicDonationRequest = Type.Object(
  {
    donationAmount: Type.Number({ minimum: 0 }),
    recurrenceFrequency: Frequency,
    contributionAmount: NonNegative,
    giftAid: Type.Boolean(),
    donorName: Type.String(),
    donorEmail: Email,
    emailConsentInformational: Type.Boolean(),
    emailConsentMarketing: Type.Boolean(),
    ...address,
    overallPublic: Type.Boolean(),
    namePublic: Type.Boolean(),
    donationAmountPublic: Type.Boolean(),
    comment: Nullable(Type.String()),
    charity: Type.Optional(Type.String()),
  },
  strict,
)
export const PublicPaymentIntentResponse = Type.Object(
  {
    stripeClientSecret: Type.String(),
    currency: Currency,
    amount: Int({ exclusiveMinimum: 0 }),
    totalDonationAmount: NonNegative,
    futurePayments: Type.Array(Type.Object({ amount: Int({ exclusiveMinimum: 0 }), at: Int() }, strict)),
  },
  strict,
)
const { internalName: _internal, groupsWithAccess: _groups, ...publicFundraiserFields } = fundraiserFields
export const PublicFundraiser = Type.Object(
  {
    id: Type.String(),
    ...publicFundraiserFields,
    donations: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          createdAt: Int(),
          comment: Nullable(Type.String()),
          donorName: Type.Optional(Type.String()),
          giftAid: Type.Optional(Type.Boolean()),
          donationAmount: Type.Optional(Type.Number({ minimum: 0 })),
          matchFundingAmount: Type.Optional(NonNegative),
          recurringAmount: Type.Optional(Nullable(NonNegative)),
          recurrenceFrequency: Type.Optional(Frequency),
        },
        strict,
      ),
    ),
  },
  strict,
)

const MetadataId = Ulid
export const StripeWebhookRequest = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('event'),
    api_version: Type.String(),
    type: Type.Literal('payment_intent.succeeded'),
    created: Int(),
    data: Type.Object(
      {
        object: Type.Object(
          {
            id: Type.String(),
            object: Type.Literal('payment_intent'),
            amount: Int({ exclusiveMinimum: 0 }),
            amount_received: Int({ exclusiveMinimum: 0 }),
            currency: Currency,
            metadata: Type.Object({ fundraiserId: MetadataId, donationId: MetadataId, paymentId: MetadataId }, strict),
            status: Type.Literal('succeeded'),
            payment_method: Type.String(),
            setup_future_usage: Nullable(Type.Literal('off_session')),
            created: Int(),
          },
          { additionalProperties: true },
        ),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
)

/** Error bodies: `{message, details?}`. */
export const ErrorBody = Type.Object({ message: Type.String(), details: Type.Optional(Type.Unknown()) }, { $id: 'ErrorBody' })
export const CreatedId = Ulid

export type FundraiserT = Static<typeof Fundraiser>
export type FundraiserCreationT = Static<typeof FundraiserCreation>
export type FundraiserEditsT = Static<typeof FundraiserEdits>
export type DonationT = Static<typeof Donation>
export type DonationCreationT = Static<typeof DonationCreation>
export type DonationEditsT = Static<typeof DonationEdits>
export type PaymentT = Static<typeof Payment>
export type PaymentCreationT = Static<typeof PaymentCreation>
export type PaymentPropertyEditsT = Static<typeof PaymentPropertyEdits>
export type AuditLogT = Static<typeof AuditLog>
export type GroupT = Static<typeof Group>
export type UserT = Static<typeof User>
export type UserCreationT = Static<typeof UserCreation>
export type UserEditsT = Static<typeof UserEdits>
export type PublicDonationRequestT = Static<typeof PublicDonationRequest>
export type PublicFundraiserT = Static<typeof PublicFundraiser>
export type StripeWebhookRequestT = Static<typeof StripeWebhookRequest>
