// The wire contract (spec §1–2), one TypeBox source for validation, types and OpenAPI.
import { Type, type Static, type TSchema } from 'typebox'

/**
 * What a request may carry. Every number fits its column and the arithmetic done with it; every
 * string and list has a cap, so hostile input is a 400 and never a database error. The bigint columns
 * are read as JavaScript numbers, so nothing may leave the safe-integer range. Responses carry the
 * same types without these limits (`withoutLimits`): a stored value never fails its own read.
 */
export const LIMITS = {
  /**
   * Amounts in minor units (10^12 = £10 billion). Small enough that every sum and every match
   * funding product (amount × rate / 100) stays a safe integer.
   */
  amount: 1_000_000_000_000,
  /** Match funding rate in percent (10,000 = £100 matched per £1). */
  matchFundingRate: 10_000,
  /** Counts (`donationsCount`): a bigint column read as a JavaScript number. */
  count: Number.MAX_SAFE_INTEGER,
  /** Unix seconds from 1970 to 9999-12-31T23:59:59Z (the seed's "never expires"); later times cannot be formatted as dates. */
  unixSeconds: 253_402_300_799,
  ulidLength: 26,
  /** RFC 5321's limit for an address in a mail path. */
  emailLength: 254,
  /** Fundraiser names (spec §1.1). */
  nameLength: 128,
  /** Other short text: people's and groups' names, address lines, charity, ids from Stripe. */
  shortTextLength: 1_000,
  /** Links in the confirmation email. */
  urlLength: 2_048,
  /** Google ID tokens and Raise's own tokens (JWTs). */
  tokenLength: 8_192,
  /** Free text (a donation's public comment). */
  freeTextLength: 10_000,
  /** Group lists (a fundraiser's `groupsWithAccess`, a user's `groups`). */
  groups: 100,
} as const

export const Ulid = Type.String({ pattern: '^[0123456789ABCDEFGHJKMNPQRSTVWXYZ]{26}$', minLength: LIMITS.ulidLength, maxLength: LIMITS.ulidLength, description: 'ULID' })
export const Email = Type.String({
  pattern: "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$",
  maxLength: LIMITS.emailLength,
})
const Int = (options: Record<string, unknown> = {}) => Type.Integer(options)
/** An amount ≥ 0 (or > 0 with `exclusiveMinimum`), in minor units. */
const Amount = (options: Record<string, unknown> = { minimum: 0 }) => Int({ ...options, maximum: LIMITS.amount })
/** Refunds are negative payments (spec §1.3). */
const SignedAmount = Int({ minimum: -LIMITS.amount, maximum: LIMITS.amount })
const NonNegative = Amount()
const UnixSeconds = Int({ minimum: 0, maximum: LIMITS.unixSeconds })
const Count = Int({ minimum: 0, maximum: LIMITS.count })
const ShortText = (options: Record<string, unknown> = {}) => Type.String({ ...options, maxLength: LIMITS.shortTextLength })
const Token = Type.String({ maxLength: LIMITS.tokenLength })
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const strict = { additionalProperties: false } as const

const limitKeywords = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'minProperties'])
/**
 * The response form of a request schema: the same types, required keys and nullability, without
 * the request limits. Keeps TypeBox's own (non-enumerable) markers.
 */
function withoutLimits<T extends TSchema>(schema: T): T {
  const copy = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(copy)
    if (typeof node !== 'object' || node === null) return node
    const result: Record<PropertyKey, unknown> = {}
    for (const key of Reflect.ownKeys(node)) {
      if (typeof key === 'string' && limitKeywords.has(key)) continue
      const descriptor = Object.getOwnPropertyDescriptor(node, key)!
      Object.defineProperty(result, key, { ...descriptor, value: key === 'enum' || key === 'const' ? descriptor.value : copy(descriptor.value) })
    }
    return result
  }
  return copy(schema) as T
}

export const Currency = Type.Union([Type.Literal('gbp'), Type.Literal('usd')])
export const Frequency = Nullable(Type.Union([Type.Literal('WEEKLY'), Type.Literal('MONTHLY')]))
export const PaymentMethod = Type.Union([Type.Literal('card'), Type.Literal('cash'), Type.Literal('direct_to_charity')])
export const PaymentStatus = Type.Union([Type.Literal('paid'), Type.Literal('pending'), Type.Literal('scheduled'), Type.Literal('cancelled')])

const fundraiserFields = {
  internalName: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }),
  publicName: Type.String({ minLength: 1, maxLength: LIMITS.nameLength }),
  activeFrom: UnixSeconds,
  activeTo: UnixSeconds,
  recurringDonationsTo: UnixSeconds,
  paused: Type.Boolean(),
  currency: Currency,
  goal: Amount({ exclusiveMinimum: 0 }),
  totalRaised: NonNegative,
  donationsCount: Count,
  matchFundingRate: Int({ minimum: 0, maximum: LIMITS.matchFundingRate }),
  matchFundingPerDonationLimit: Nullable(Amount({ exclusiveMinimum: 0 })),
  matchFundingRemaining: Nullable(NonNegative),
  minimumDonationAmount: Nullable(Amount({ exclusiveMinimum: 0 })),
  suggestedDonationAmountOneOff: NonNegative,
  suggestedDonationAmountWeekly: NonNegative,
  suggestedContributionAmount: Nullable(NonNegative),
  eventLink: Nullable(Type.String({ maxLength: LIMITS.urlLength })),
  moreInvolvedLink: Nullable(Type.String({ maxLength: LIMITS.urlLength })),
  archived: Type.Boolean(),
  // Group ids: the original never checked they were ULIDs, so any bounded string is accepted.
  groupsWithAccess: Type.Array(ShortText(), { maxItems: LIMITS.groups }),
}
export const Fundraiser = withoutLimits(Type.Object({ id: Ulid, ...fundraiserFields }, { ...strict, $id: 'Fundraiser' }))
export const FundraiserCreation = Type.Partial(Type.Object(fundraiserFields, strict), strict)
export const FundraiserEdits = Type.Partial(Type.Object({ ...fundraiserFields, previous: Type.Partial(Type.Object({ totalRaised: NonNegative, donationsCount: Count }, strict), strict) }, strict), {
  ...strict,
  minProperties: 1,
})

const address = {
  addressLine1: Nullable(ShortText()),
  addressLine2: Nullable(ShortText()),
  addressLine3: Nullable(ShortText()),
  addressPostcode: Nullable(ShortText()),
  addressCountry: Nullable(ShortText()),
}
const donationFields = {
  donorName: ShortText(),
  donorEmail: Email,
  emailConsentInformational: Type.Boolean(),
  emailConsentMarketing: Type.Boolean(),
  createdAt: UnixSeconds,
  ...address,
  giftAid: Type.Boolean(),
  comment: Nullable(Type.String({ maxLength: LIMITS.freeTextLength })),
  recurringAmount: Nullable(NonNegative),
  recurrenceFrequency: Frequency,
  stripeCustomerId: Nullable(ShortText()),
  stripePaymentMethodId: Nullable(ShortText()),
  charity: ShortText(),
  overallPublic: Type.Boolean(),
  namePublic: Type.Boolean(),
  donationAmountPublic: Type.Boolean(),
  donationCounted: Type.Boolean(),
}
const donationTotals = {
  // A number, not an integer, as in the original (spec §1.2, quirk 3); a double precision column.
  donationAmount: Type.Number({ minimum: 0, maximum: LIMITS.amount }),
  matchFundingAmount: NonNegative,
  contributionAmount: NonNegative,
}
export const Donation = withoutLimits(Type.Object({ id: Ulid, fundraiserId: Ulid, ...donationFields, ...donationTotals }, { ...strict, $id: 'Donation' }))
export const DonationCreation = Type.Partial(Type.Object(donationFields, strict), strict)
export const DonationEdits = Type.Partial(Type.Object({ ...donationFields, ...donationTotals, previous: Type.Partial(Type.Object(donationTotals, strict), strict) }, strict), {
  ...strict,
  minProperties: 1,
})

const paymentFields = {
  at: UnixSeconds,
  donationAmount: SignedAmount,
  contributionAmount: SignedAmount,
  matchFundingAmount: Nullable(SignedAmount),
  method: PaymentMethod,
  reference: Nullable(ShortText()),
}
export const Payment = withoutLimits(Type.Object({ id: Ulid, donationId: Ulid, fundraiserId: Ulid, ...paymentFields, status: PaymentStatus }, { ...strict, $id: 'Payment' }))
export const PaymentCreation = Type.Partial(Type.Object(paymentFields, strict), strict)
export const PaymentPropertyEdits = Type.Union([
  Type.Object({ donationAmount: paymentFields.donationAmount }, strict),
  Type.Object({ contributionAmount: paymentFields.contributionAmount }, strict),
  Type.Object({ matchFundingAmount: paymentFields.matchFundingAmount }, strict),
  Type.Object({ reference: paymentFields.reference }, strict),
  Type.Object({ status: PaymentStatus }, strict),
])

export const AuditLog = withoutLimits(
  Type.Object(
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
  ),
)

const groupFields = { name: ShortText() }
export const Group = withoutLimits(Type.Object({ id: Ulid, ...groupFields }, { ...strict, $id: 'Group' }))
export const GroupCreation = Type.Object(groupFields, strict)
export const GroupEdits = Type.Partial(Type.Object(groupFields, strict), { ...strict, minProperties: 1 })

const userFields = {
  name: ShortText(),
  // A plain string, not pattern-checked (spec §1.6).
  email: Type.String({ maxLength: LIMITS.emailLength }),
  groups: Type.Array(Ulid, { maxItems: LIMITS.groups }),
  securityTrainingCompletedAt: UnixSeconds,
  sendAccountCreationEmail: Type.Boolean(),
}
export const User = withoutLimits(Type.Object({ id: Ulid, ...userFields, sendAccountCreationEmail: Type.Optional(Type.Boolean()) }, { ...strict, $id: 'User' }))
export const UserCreation = Type.Object(userFields, strict)
export const UserEdits = Type.Partial(Type.Object(userFields, strict), { ...strict, minProperties: 1 })

export const Task = withoutLimits(Type.Object({ id: Ulid, name: Type.String(), groups: Type.Array(Type.String()) }, strict))
export const Status = Type.Object({ message: Type.String() }, strict)
export const Profile = Type.Object({ email: Type.String(), groups: Type.Array(Type.String()), issuedAt: Int(), expiresAt: Int(), sourceIp: Type.String() }, strict)
const TokenValue = Type.Object({ value: Type.String(), expiresAt: Int() }, strict)
export const LoginResponse = Type.Object({ accessToken: TokenValue, refreshToken: TokenValue, groups: Type.Array(Type.String()) }, strict)
export const GoogleLoginRequest = Type.Object({ idToken: Token }, strict)
export const ImpersonationLoginRequest = Type.Object({ email: Email }, strict)
export const RefreshRequest = Type.Object({ refreshToken: Token }, strict)

export const PublicDonationRequest = Type.Object(
  {
    donationAmount: donationTotals.donationAmount,
    recurrenceFrequency: Frequency,
    contributionAmount: NonNegative,
    giftAid: Type.Boolean(),
    donorName: donationFields.donorName,
    donorEmail: Email,
    emailConsentInformational: Type.Boolean(),
    emailConsentMarketing: Type.Boolean(),
    ...address,
    overallPublic: Type.Boolean(),
    namePublic: Type.Boolean(),
    donationAmountPublic: Type.Boolean(),
    comment: donationFields.comment,
    charity: Type.Optional(donationFields.charity),
  },
  strict,
)
export const PublicPaymentIntentResponse = Type.Object(
  {
    stripeClientSecret: Type.String(),
    currency: Currency,
    amount: Int({ exclusiveMinimum: 0 }),
    totalDonationAmount: Int({ minimum: 0 }),
    futurePayments: Type.Array(Type.Object({ amount: Int({ exclusiveMinimum: 0 }), at: Int() }, strict)),
  },
  strict,
)
const { internalName: _internal, groupsWithAccess: _groups, ...publicFundraiserFields } = fundraiserFields
/**
 * Spec §2.4. Every nullable column stays nullable here: a null is answered as `null`, never as 0
 * (a non-nullable integer would make the serialiser write 0).
 */
export const PublicFundraiser = withoutLimits(
  Type.Object(
    {
      id: Type.String(),
      ...publicFundraiserFields,
      donations: Type.Array(
        Type.Object(
          {
            id: Type.String(),
            createdAt: donationFields.createdAt,
            comment: donationFields.comment,
            donorName: Type.Optional(donationFields.donorName),
            giftAid: Type.Optional(Type.Boolean()),
            donationAmount: Type.Optional(donationTotals.donationAmount),
            matchFundingAmount: Type.Optional(donationTotals.matchFundingAmount),
            recurringAmount: Type.Optional(donationFields.recurringAmount),
            recurrenceFrequency: Type.Optional(Frequency),
          },
          strict,
        ),
      ),
    },
    strict,
  ),
)

const MetadataId = Ulid
const StripeId = ShortText()
export const StripeWebhookRequest = Type.Object(
  {
    id: StripeId,
    object: Type.Literal('event'),
    api_version: ShortText(),
    type: Type.Literal('payment_intent.succeeded'),
    created: UnixSeconds,
    data: Type.Object(
      {
        object: Type.Object(
          {
            id: StripeId,
            object: Type.Literal('payment_intent'),
            amount: Amount({ exclusiveMinimum: 0 }),
            amount_received: Amount({ exclusiveMinimum: 0 }),
            currency: Currency,
            metadata: Type.Object({ fundraiserId: MetadataId, donationId: MetadataId, paymentId: MetadataId }, strict),
            status: Type.Literal('succeeded'),
            payment_method: StripeId,
            setup_future_usage: Nullable(Type.Literal('off_session')),
            created: UnixSeconds,
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
export const CreatedId = withoutLimits(Ulid)

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
export type PublicPaymentIntentResponseT = Static<typeof PublicPaymentIntentResponse>
export type TaskT = Static<typeof Task>
export type ProfileT = Static<typeof Profile>
export type LoginResponseT = Static<typeof LoginResponse>
