// Rows → wire views, typed by the response schemas (`Static<typeof …>` in http/schemas.ts), so route
// handlers return exactly what the schema describes. Text columns holding a closed set of values
// (currency, frequency, method, status) are narrowed here, once.
import { errors } from '@hearth/kernel'
import type { AuditRecord } from '@hearth/kernel/audit'
import type { DonationRow, FundraiserRow, GroupRow, PaymentRow, UserRow } from './db/schema.ts'
import type { PublicDonationRow } from './modules/donations/donation.repository.ts'
import type { AuditLogT, DonationT, FundraiserT, GroupT, PaymentT, ProfileT, PublicFundraiserT, UserT } from './http/schemas.ts'
import type { Caller } from './auth/tokens.ts'

function oneOf<const T extends string>(allowed: readonly T[], value: string, column: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw errors.internal(`Unexpected ${column} in the database: ${value}`)
}
const nullableOneOf = <const T extends string>(allowed: readonly T[], value: string | null, column: string): T | null => (value === null ? null : oneOf(allowed, value, column))

const CURRENCIES = ['gbp', 'usd'] as const
const FREQUENCIES = ['WEEKLY', 'MONTHLY'] as const
const METHODS = ['card', 'cash', 'direct_to_charity'] as const
const STATUSES = ['paid', 'pending', 'scheduled', 'cancelled'] as const

export const toCurrency = (value: string) => oneOf(CURRENCIES, value, 'currency')

export const toFundraiserView = (row: FundraiserRow): FundraiserT => ({ ...row, currency: toCurrency(row.currency) })

export const toDonationView = (row: DonationRow): DonationT => ({ ...row, recurrenceFrequency: nullableOneOf(FREQUENCIES, row.recurrenceFrequency, 'recurrenceFrequency') })

export const toPaymentView = (row: PaymentRow): PaymentT => ({ ...row, method: oneOf(METHODS, row.method, 'method'), status: oneOf(STATUSES, row.status, 'status') })

export const toGroupView = (row: GroupRow): GroupT => ({ id: row.id, name: row.name })

/** `sendAccountCreationEmail` only when it was saved. */
export function toUserView(row: UserRow): UserT {
  const { sendAccountCreationEmail, ...rest } = row
  return sendAccountCreationEmail === null ? rest : { ...rest, sendAccountCreationEmail }
}

/** The kernel's audit record in the original's shape (Unix seconds, `routeRaw`, `ttl: null`). */
export function toAuditLogView(record: AuditRecord): AuditLogT {
  return {
    id: record.id,
    object: record.object,
    subject: record.subject,
    // Raise writes only its six actions into its audit table.
    action: record.action as AuditLogT['action'],
    at: Math.floor(record.at.getTime() / 1000),
    sourceIp: record.sourceIp ?? '',
    userAgent: record.userAgent ?? '',
    routeRaw: record.route ?? '',
    metadata: record.metadata,
    ttl: null,
  }
}

type PublicDonationView = PublicFundraiserT['donations'][number]

/** One public donation (§2.4): id, time and comment always; the name and the amounts only as their flags allow. Hidden keys are left out, never sent as null. */
export function toPublicDonationView(row: PublicDonationRow): PublicDonationView {
  const donation: PublicDonationView = { id: row.id, createdAt: row.createdAt, comment: row.comment }
  if (row.namePublic) donation.donorName = row.donorName
  if (row.donationAmountPublic) {
    donation.giftAid = row.giftAid
    donation.donationAmount = row.donationAmount
    donation.matchFundingAmount = row.matchFundingAmount
    donation.recurringAmount = row.recurringAmount
    donation.recurrenceFrequency = nullableOneOf(FREQUENCIES, row.recurrenceFrequency, 'recurrenceFrequency')
  }
  return donation
}

/** The fundraiser without its internal fields, with its public donations. */
export function toPublicFundraiserView(row: FundraiserRow, donations: readonly PublicDonationRow[]): PublicFundraiserT {
  const { internalName: _internal, groupsWithAccess: _groups, ...fundraiser } = row
  const views: PublicDonationView[] = new Array(donations.length)
  for (let index = 0; index < donations.length; index++) views[index] = toPublicDonationView(donations[index]!)
  return { ...fundraiser, currency: toCurrency(fundraiser.currency), donations: views }
}

/** `GET /admin/login`: who the access token belongs to, and where the request came from. */
export const toProfileView = (caller: Caller, sourceIp: string): ProfileT => ({ email: caller.subject, groups: caller.groups, issuedAt: caller.iat, expiresAt: caller.exp, sourceIp })
