// The original's local data (spec §7): one fundraiser, three groups, three users, three donations and
// nine paid card payments. The fundraiser total ties out: 1800 + 30000 + (18000 + 2250) = 52050.
import type { Db } from '@hearth/kernel'
import { donations, fundraisers, groups, payments, users, type DonationRow, type PaymentRow } from '../src/db/schema.ts'
import { NATIONAL, NATIONAL_TECH } from '../src/groups.ts'

export const DEMO_FUNDRAISER_ID = '01FGNSHH6X6X878ZNBZKY44JQA'
export const DEMO_GROUP_ID = '01GPYGDJ19Z43X6S7YMK8AVSAH'
export const NATIONAL_ADMIN_EMAIL = 'raisenational@gmail.com'
export const DEMO_ADMIN_EMAIL = 'raisedemo@gmail.com'
export const EXPIRED_TRAINING_EMAIL = 'raiseexpiredsecuritytraining@gmail.com'

const YEAR_9999 = 253402300799
const IN_2020 = 1577836800
const CREATED = 1633046400 // 2021-10-01

export const demoDonationIds = { namey: '01FGNSHH6X6X878ZNBZKY44JQB', john: '01FGNSHH6X6X878ZNBZKY44JQC', jane: '01FGNSHH6X6X878ZNBZKY44JQD' }

export async function seedDemo(db: Db): Promise<void> {
  await db.insert(groups).values([
    { id: NATIONAL, name: 'National' },
    { id: NATIONAL_TECH, name: 'NationalTech' },
    { id: DEMO_GROUP_ID, name: 'Demo' },
  ])
  await db.insert(users).values([
    {
      id: '01GPYGDJ19Z43X6S7YMK8AVS01',
      name: 'Raise National',
      email: NATIONAL_ADMIN_EMAIL,
      groups: [NATIONAL, NATIONAL_TECH],
      securityTrainingCompletedAt: YEAR_9999,
      sendAccountCreationEmail: null,
    },
    { id: '01GPYGDJ19Z43X6S7YMK8AVS02', name: 'Raise Demo', email: DEMO_ADMIN_EMAIL, groups: [DEMO_GROUP_ID], securityTrainingCompletedAt: YEAR_9999, sendAccountCreationEmail: null },
    {
      id: '01GPYGDJ19Z43X6S7YMK8AVS03',
      name: 'Raise Expired Security Training',
      email: EXPIRED_TRAINING_EMAIL,
      groups: [NATIONAL],
      securityTrainingCompletedAt: IN_2020,
      sendAccountCreationEmail: null,
    },
  ])
  await db.insert(fundraisers).values({
    id: DEMO_FUNDRAISER_ID,
    internalName: 'Raise Demo 2022',
    publicName: 'Raise Demo',
    activeFrom: 1630454400, // 2021-09-01
    activeTo: 1830297600, // 2028-01-01
    recurringDonationsTo: 1830297600,
    paused: false,
    currency: 'gbp',
    goal: 100000,
    totalRaised: 52050,
    donationsCount: 3,
    matchFundingRate: 100,
    matchFundingPerDonationLimit: 15000,
    matchFundingRemaining: null,
    minimumDonationAmount: null,
    suggestedDonationAmountOneOff: 15000,
    suggestedDonationAmountWeekly: 450,
    suggestedContributionAmount: 550,
    eventLink: 'https://example.com/event',
    moreInvolvedLink: 'https://example.com/get-involved',
    archived: false,
    groupsWithAccess: [DEMO_GROUP_ID],
  })
  const donation = (row: Partial<DonationRow> & Pick<DonationRow, 'id' | 'donorName' | 'donorEmail'>): DonationRow => ({
    fundraiserId: DEMO_FUNDRAISER_ID,
    emailConsentInformational: false,
    emailConsentMarketing: false,
    createdAt: CREATED,
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
    charity: 'AMF',
    overallPublic: true,
    namePublic: true,
    donationAmountPublic: true,
    donationCounted: true,
    ...row,
  })
  await db.insert(donations).values([
    donation({
      id: demoDonationIds.namey,
      donorName: 'Namey McNameface',
      donorEmail: 'namey@example.com',
      comment: 'Keep up the good work!',
      recurringAmount: 900,
      recurrenceFrequency: 'WEEKLY',
      donationAmount: 900,
      matchFundingAmount: 900,
      contributionAmount: 1000,
      stripeCustomerId: 'cus_demoNamey',
      stripePaymentMethodId: 'pm_demoNamey',
      emailConsentInformational: true,
    }),
    donation({
      id: demoDonationIds.john,
      donorName: 'John Doe',
      donorEmail: 'johndoe@example.com',
      comment: 'Good luck!',
      donationAmount: 15000,
      matchFundingAmount: 15000,
      donationAmountPublic: false,
      createdAt: CREATED + 3600,
    }),
    donation({
      id: demoDonationIds.jane,
      donorName: 'Jane Doe',
      donorEmail: 'janedoe@example.com',
      comment: null,
      recurringAmount: 3000,
      recurrenceFrequency: 'MONTHLY',
      donationAmount: 9000,
      matchFundingAmount: 9000,
      contributionAmount: 1000,
      giftAid: true,
      addressLine1: '10 Downing Street',
      addressLine2: 'Westminster',
      addressLine3: 'London',
      addressPostcode: 'SW1A 2AA',
      addressCountry: 'United Kingdom',
      createdAt: CREATED + 7200,
    }),
  ])
  const payment = (id: string, donationId: string, at: number, donationAmount: number, contributionAmount: number, matchFundingAmount: number, reference: string | null): PaymentRow => ({
    id,
    donationId,
    fundraiserId: DEMO_FUNDRAISER_ID,
    at,
    donationAmount,
    contributionAmount,
    matchFundingAmount,
    method: 'card',
    reference,
    status: 'paid',
  })
  const week = 7 * 86400
  await db
    .insert(payments)
    .values([
      payment('01FGNSHH6X6X878ZNBZKY44J01', demoDonationIds.namey, CREATED, 900, 1000, 900, 'pi_demoNamey1'),
      ...[1, 2, 3, 4].map((n) => payment(`01FGNSHH6X6X878ZNBZKY44J0${n + 1}`, demoDonationIds.namey, CREATED + n * week, 900, 0, 0, null)),
      payment('01FGNSHH6X6X878ZNBZKY44J10', demoDonationIds.john, CREATED + 3600, 15000, 0, 15000, 'pi_demoJohn1'),
      payment('01FGNSHH6X6X878ZNBZKY44J11', demoDonationIds.jane, CREATED + 7200, 3000, 1000, 3000, 'pi_demoJane1'),
      payment('01FGNSHH6X6X878ZNBZKY44J12', demoDonationIds.jane, CREATED + 7200 + 30 * 86400, 3000, 0, 3000, null),
      payment('01FGNSHH6X6X878ZNBZKY44J13', demoDonationIds.jane, CREATED + 7200 + 61 * 86400, 3000, 0, 3000, null),
    ])
}
