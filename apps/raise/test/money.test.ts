import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { calcMatchFunding, calcPaymentSchedule, giftAidAdded, giftAidOn, peopleProtected } from '../src/domain/money.ts'

const fundraiser = { matchFundingRate: 100, matchFundingRemaining: null, matchFundingPerDonationLimit: null }

describe('calcMatchFunding', () => {
  test('matches at the rate, floored, in the original float order (rate 29, 100 → 28)', () => {
    assert.equal(calcMatchFunding({ ...fundraiser, donationAmount: 100, matchFundingRate: 29 }), 28)
    assert.equal(calcMatchFunding({ ...fundraiser, donationAmount: 10000 }), 10000)
    assert.equal(calcMatchFunding({ ...fundraiser, donationAmount: 10000, matchFundingRate: 200 }), 20000)
    assert.equal(calcMatchFunding({ ...fundraiser, donationAmount: 999, matchFundingRate: 50 }), 499)
  })
  test('is limited by the pot, and by the per-donation limit minus what is already matched', () => {
    assert.equal(calcMatchFunding({ ...fundraiser, donationAmount: 10000, matchFundingRemaining: 2500 }), 2500)
    assert.equal(calcMatchFunding({ ...fundraiser, donationAmount: 10000, matchFundingPerDonationLimit: 15000, alreadyMatchFunded: 9000 }), 6000)
    assert.equal(calcMatchFunding({ ...fundraiser, donationAmount: 900, matchFundingPerDonationLimit: 15000, alreadyMatchFunded: 15000 }), 0)
    assert.equal(calcMatchFunding({ ...fundraiser, donationAmount: 900, matchFundingPerDonationLimit: 1000, alreadyMatchFunded: 1500 }), 0, 'never negative')
    assert.equal(calcMatchFunding({ ...fundraiser, donationAmount: 900, matchFundingRemaining: 0 }), 0)
    assert.equal(calcMatchFunding({ ...fundraiser, donationAmount: 900, matchFundingRate: 0 }), 0)
  })
})

describe('Gift Aid', () => {
  test('is a quarter of the total, floored, and grows by the difference of floors', () => {
    assert.equal(giftAidOn(9000, true), 2250)
    assert.equal(giftAidOn(9000, false), 0)
    assert.equal(giftAidOn(101, true), 25)
    assert.equal(giftAidAdded(101, 101, true), 50 - 25)
    assert.equal(giftAidAdded(1, 1, true) + giftAidAdded(2, 1, true) + giftAidAdded(3, 1, true), giftAidOn(4, true), 'no drift')
  })
  test('the seed fundraiser total ties out: 1800 + 30000 + (18000 + 2250) = 52050', () => {
    assert.equal(900 + 900 + 15000 + 15000 + 9000 + 9000 + giftAidOn(9000, true), 52050)
  })
})

describe('calcPaymentSchedule', () => {
  const now = Date.parse('2021-11-27T16:59:47Z')
  test('a one-off donation is one payment with the contribution', () => {
    assert.deepEqual(calcPaymentSchedule(1500, 500, null, now / 1000 + 1e6, now), { now: { donationAmount: 1500, contributionAmount: 500 }, future: [] })
  })
  test('weekly for 2.5 weeks gives instalments on 4 and 11 December at 00:00 UTC, without the contribution', () => {
    const end = now / 1000 + 2.5 * 7 * 24 * 3600
    const schedule = calcPaymentSchedule(900, 1000, 'WEEKLY', end, now)
    assert.deepEqual(schedule.now, { donationAmount: 900, contributionAmount: 1000 })
    assert.deepEqual(schedule.future, [
      { at: Date.parse('2021-12-04T00:00:00Z') / 1000, donationAmount: 900, contributionAmount: 0 },
      { at: Date.parse('2021-12-11T00:00:00Z') / 1000, donationAmount: 900, contributionAmount: 0 },
    ])
    const total = schedule.now.donationAmount + schedule.future.reduce((sum, payment) => sum + payment.donationAmount, 0)
    assert.equal(total, 3 * 900)
  })
  test('monthly schedules follow JavaScript month overflow (31 Jan → 3 Mar → 3 Apr)', () => {
    const start = Date.parse('2023-01-31T10:00:00Z')
    const schedule = calcPaymentSchedule(3000, 0, 'MONTHLY', Date.parse('2023-04-10T00:00:00Z') / 1000, start)
    assert.deepEqual(
      schedule.future.map((payment) => new Date(payment.at * 1000).toISOString().slice(0, 10)),
      ['2023-03-03', '2023-04-03'],
    )
  })
  test('an end before the first period gives no instalments', () => {
    assert.deepEqual(calcPaymentSchedule(900, 0, 'WEEKLY', now / 1000 + 3600, now).future, [])
  })
})

describe('people protected (confirmation email)', () => {
  test('£100 donation + £100 match funding protects 239 people (GBP)', () => {
    assert.equal(peopleProtected('gbp', false, [{ donationAmount: 10000, matchFundingAmount: 10000 }], fundraiser), 239)
  })
  test('£100 at rate 200 with match funding not yet allocated protects 359', () => {
    assert.equal(peopleProtected('gbp', false, [{ donationAmount: 10000, matchFundingAmount: null }], { ...fundraiser, matchFundingRate: 200 }), 359)
  })
  test('£9 weekly × 3 with £9 match funding each: 64 (GBP) or 48 (USD)', () => {
    const payments = [1, 2, 3].map(() => ({ donationAmount: 900, matchFundingAmount: 900 }))
    assert.equal(peopleProtected('gbp', false, payments, fundraiser), 64)
    assert.equal(peopleProtected('usd', false, payments, fundraiser), 48)
  })
  test('Gift Aid counts the donation at 125%', () => {
    assert.equal(peopleProtected('gbp', true, [{ donationAmount: 10000, matchFundingAmount: 0 }], fundraiser), Math.floor(0.0119988 * 12500))
  })
})
