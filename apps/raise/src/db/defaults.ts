// What a new row holds unless told otherwise: the one place a fundraiser's or a donation's 24 fields
// are written out. The admin endpoints, the public donation, the seeds and the test factories all
// start from these and override what they know.
import { ulid } from '@hearth/kernel/audit'
import type { DonationRow, FundraiserRow, PaymentRow } from './schema.ts'

/** A fundraiser as `POST /admin/fundraisers` creates it with an empty body (spec §2.2). */
export function newFundraiserRow(now: number, fields: Partial<FundraiserRow> = {}): FundraiserRow {
  return {
    id: ulid(),
    internalName: 'New Fundraiser',
    publicName: 'New Fundraiser',
    activeFrom: now,
    activeTo: now,
    recurringDonationsTo: now,
    paused: false,
    currency: 'gbp',
    goal: 100,
    totalRaised: 0,
    donationsCount: 0,
    matchFundingRate: 0,
    matchFundingPerDonationLimit: null,
    matchFundingRemaining: null,
    minimumDonationAmount: null,
    suggestedDonationAmountOneOff: 15000,
    suggestedDonationAmountWeekly: 900,
    suggestedContributionAmount: 1000,
    eventLink: null,
    moreInvolvedLink: null,
    archived: false,
    groupsWithAccess: [],
    ...fields,
  }
}

/** A donation as `POST /admin/fundraisers/{id}/donations` creates it with an empty body (spec §2.3). */
export function newDonationRow(fundraiserId: string, now: number, fields: Partial<DonationRow> = {}): DonationRow {
  return {
    id: ulid(),
    fundraiserId,
    donorName: 'Unknown',
    donorEmail: 'Unknown',
    emailConsentInformational: false,
    emailConsentMarketing: false,
    createdAt: now,
    addressLine1: null,
    addressLine2: null,
    addressLine3: null,
    addressPostcode: null,
    addressCountry: null,
    giftAid: false,
    comment: null,
    donationAmount: 0,
    matchFundingAmount: 0,
    contributionAmount: 0,
    recurringAmount: null,
    recurrenceFrequency: null,
    stripeCustomerId: null,
    stripePaymentMethodId: null,
    charity: 'Unknown',
    overallPublic: false,
    namePublic: false,
    donationAmountPublic: false,
    donationCounted: true,
    ...fields,
  }
}

/** A payment: a paid cash payment of nothing unless told otherwise. */
export function newPaymentRow(donation: Pick<DonationRow, 'id' | 'fundraiserId'>, now: number, fields: Partial<PaymentRow> = {}): PaymentRow {
  return {
    id: ulid(),
    donationId: donation.id,
    fundraiserId: donation.fundraiserId,
    at: now,
    donationAmount: 0,
    contributionAmount: 0,
    matchFundingAmount: null,
    method: 'cash',
    reference: null,
    status: 'paid',
    ...fields,
  }
}
