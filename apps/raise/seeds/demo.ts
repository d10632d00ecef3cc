// The original's local data (spec §7): one fundraiser, three groups, three users, three donations and
// nine paid card payments. The fundraiser total ties out: 1800 + 30000 + (18000 + 2250) = 52050.
import type { Db } from '@hearth/kernel'
import { NATIONAL, NATIONAL_TECH } from '../src/groups.ts'
import { Factories } from './factories.ts'

export const DEMO_FUNDRAISER_ID = '01FGNSHH6X6X878ZNBZKY44JQA'
export const DEMO_GROUP_ID = '01GPYGDJ19Z43X6S7YMK8AVSAH'
export const NATIONAL_ADMIN_EMAIL = 'raisenational@gmail.com'
export const DEMO_ADMIN_EMAIL = 'raisedemo@gmail.com'
export const EXPIRED_TRAINING_EMAIL = 'raiseexpiredsecuritytraining@gmail.com'

const IN_2020 = 1577836800
const CREATED = 1633046400 // 2021-10-01
const DAY = 86400
const WEEK = 7 * DAY

export const demoDonationIds = { namey: '01FGNSHH6X6X878ZNBZKY44JQB', john: '01FGNSHH6X6X878ZNBZKY44JQC', jane: '01FGNSHH6X6X878ZNBZKY44JQD' }

export async function seedDemo(db: Db): Promise<void> {
  // Demo donations are public card donations to AMF, counted, made on 2021-10-01 unless said otherwise.
  const create = new Factories(db, { charity: 'AMF', overallPublic: true, namePublic: true, donationAmountPublic: true, donationCounted: true, createdAt: CREATED })
  await create.group({ id: NATIONAL, name: 'National' })
  await create.group({ id: NATIONAL_TECH, name: 'NationalTech' })
  await create.group({ id: DEMO_GROUP_ID, name: 'Demo' })
  await create.user({ id: '01GPYGDJ19Z43X6S7YMK8AVS01', name: 'Raise National', email: NATIONAL_ADMIN_EMAIL, groups: [NATIONAL, NATIONAL_TECH] })
  await create.user({ id: '01GPYGDJ19Z43X6S7YMK8AVS02', name: 'Raise Demo', email: DEMO_ADMIN_EMAIL, groups: [DEMO_GROUP_ID] })
  await create.user({ id: '01GPYGDJ19Z43X6S7YMK8AVS03', name: 'Raise Expired Security Training', email: EXPIRED_TRAINING_EMAIL, groups: [NATIONAL], securityTrainingCompletedAt: IN_2020 })

  const fundraiser = await create.fundraiser({
    id: DEMO_FUNDRAISER_ID,
    internalName: 'Raise Demo 2022',
    publicName: 'Raise Demo',
    activeFrom: 1630454400, // 2021-09-01
    activeTo: 1830297600, // 2028-01-01
    recurringDonationsTo: 1830297600,
    goal: 100000,
    totalRaised: 52050,
    donationsCount: 3,
    matchFundingRate: 100,
    matchFundingPerDonationLimit: 15000,
    suggestedDonationAmountWeekly: 450,
    suggestedContributionAmount: 550,
    eventLink: 'https://example.com/event',
    moreInvolvedLink: 'https://example.com/get-involved',
    groupsWithAccess: [DEMO_GROUP_ID],
  })
  const namey = await create.donation(fundraiser.id, {
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
  })
  const john = await create.donation(fundraiser.id, {
    id: demoDonationIds.john,
    donorName: 'John Doe',
    donorEmail: 'johndoe@example.com',
    comment: 'Good luck!',
    donationAmount: 15000,
    matchFundingAmount: 15000,
    donationAmountPublic: false,
    createdAt: CREATED + 3600,
  })
  const jane = await create.donation(fundraiser.id, {
    id: demoDonationIds.jane,
    donorName: 'Jane Doe',
    donorEmail: 'janedoe@example.com',
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
  })
  // Paid card payments: [id suffix, at, donation amount, contribution, match funding, Stripe reference].
  const paid = (id: string, at: number, donationAmount: number, contributionAmount: number, matchFundingAmount: number, reference: string | null = null) => ({
    id: `01FGNSHH6X6X878ZNBZKY44J${id}`,
    at,
    donationAmount,
    contributionAmount,
    matchFundingAmount,
    method: 'card',
    reference,
    status: 'paid',
  })
  await create.payments(namey, [paid('01', CREATED, 900, 1000, 900, 'pi_demoNamey1'), ...[1, 2, 3, 4].map((n) => paid(`0${n + 1}`, CREATED + n * WEEK, 900, 0, 0))])
  await create.payments(john, [paid('10', CREATED + 3600, 15000, 0, 15000, 'pi_demoJohn1')])
  await create.payments(jane, [
    paid('11', CREATED + 7200, 3000, 1000, 3000, 'pi_demoJane1'),
    paid('12', CREATED + 7200 + 30 * DAY, 3000, 0, 3000),
    paid('13', CREATED + 7200 + 61 * DAY, 3000, 0, 3000),
  ])
}
