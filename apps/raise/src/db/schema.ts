// Raise's tables. Amounts are integer minor units (pence/cents) except donations.donation_amount,
// which the original types as a number; times are Unix seconds, as on the wire.
import { sql } from 'drizzle-orm'
import { bigint, boolean, doublePrecision, index, pgTable, text } from 'drizzle-orm/pg-core'

const money = (name: string) => bigint(name, { mode: 'number' })
const seconds = (name: string) => bigint(name, { mode: 'number' })

export const fundraisers = pgTable('fundraisers', {
  id: text('id').primaryKey(),
  internalName: text('internal_name').notNull(),
  publicName: text('public_name').notNull(),
  activeFrom: seconds('active_from').notNull(),
  activeTo: seconds('active_to').notNull(),
  recurringDonationsTo: seconds('recurring_donations_to').notNull(),
  paused: boolean('paused').notNull(),
  currency: text('currency').notNull(),
  goal: money('goal').notNull(),
  totalRaised: money('total_raised').notNull(),
  donationsCount: bigint('donations_count', { mode: 'number' }).notNull(),
  matchFundingRate: bigint('match_funding_rate', { mode: 'number' }).notNull(),
  matchFundingPerDonationLimit: money('match_funding_per_donation_limit'),
  matchFundingRemaining: money('match_funding_remaining'),
  minimumDonationAmount: money('minimum_donation_amount'),
  suggestedDonationAmountOneOff: money('suggested_donation_amount_one_off').notNull(),
  suggestedDonationAmountWeekly: money('suggested_donation_amount_weekly').notNull(),
  suggestedContributionAmount: money('suggested_contribution_amount'),
  eventLink: text('event_link'),
  moreInvolvedLink: text('more_involved_link'),
  archived: boolean('archived').notNull(),
  groupsWithAccess: text('groups_with_access').array().notNull(),
})

export const donations = pgTable(
  'donations',
  {
    id: text('id').primaryKey(),
    fundraiserId: text('fundraiser_id').notNull(),
    donorName: text('donor_name').notNull(),
    donorEmail: text('donor_email').notNull(),
    emailConsentInformational: boolean('email_consent_informational').notNull(),
    emailConsentMarketing: boolean('email_consent_marketing').notNull(),
    createdAt: seconds('created_at').notNull(),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    addressLine3: text('address_line3'),
    addressPostcode: text('address_postcode'),
    addressCountry: text('address_country'),
    giftAid: boolean('gift_aid').notNull(),
    comment: text('comment'),
    donationAmount: doublePrecision('donation_amount').notNull(),
    matchFundingAmount: money('match_funding_amount').notNull(),
    contributionAmount: money('contribution_amount').notNull(),
    recurringAmount: money('recurring_amount'),
    recurrenceFrequency: text('recurrence_frequency'),
    stripeCustomerId: text('stripe_customer_id'),
    stripePaymentMethodId: text('stripe_payment_method_id'),
    charity: text('charity').notNull(),
    overallPublic: boolean('overall_public').notNull(),
    namePublic: boolean('name_public').notNull(),
    donationAmountPublic: boolean('donation_amount_public').notNull(),
    donationCounted: boolean('donation_counted').notNull(),
  },
  (table) => [
    index('donations_fundraiser_idx').on(table.fundraiserId, table.id),
    // The public view (§2.4): a fundraiser's public, counted donations, newest first.
    index('donations_public_idx')
      .on(table.fundraiserId, table.id)
      .where(sql`${table.overallPublic} and ${table.donationCounted}`),
  ],
)

export const payments = pgTable(
  'payments',
  {
    id: text('id').primaryKey(),
    donationId: text('donation_id').notNull(),
    fundraiserId: text('fundraiser_id').notNull(),
    at: seconds('at').notNull(),
    donationAmount: money('donation_amount').notNull(),
    contributionAmount: money('contribution_amount').notNull(),
    matchFundingAmount: money('match_funding_amount'),
    method: text('method').notNull(),
    reference: text('reference'),
    status: text('status').notNull(),
  },
  (table) => [index('payments_donation_idx').on(table.donationId, table.id), index('payments_due_idx').on(table.status, table.method, table.at)],
)

export const groups = pgTable('groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
})

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    groups: text('groups').array().notNull(),
    securityTrainingCompletedAt: seconds('security_training_completed_at').notNull(),
    sendAccountCreationEmail: boolean('send_account_creation_email'),
  },
  (table) => [index('users_email_idx').on(table.email, table.id)],
)

export type FundraiserRow = typeof fundraisers.$inferSelect
export type DonationRow = typeof donations.$inferSelect
export type PaymentRow = typeof payments.$inferSelect
export type GroupRow = typeof groups.$inferSelect
export type UserRow = typeof users.$inferSelect
