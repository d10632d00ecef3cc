import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  assertMayAccessFundraiser,
  assertMaySetFields,
  DONATION_CREATE_FIELDS,
  DONATION_EDIT_FIELDS,
  fieldRefused,
  FUNDRAISER_EDIT_FIELDS,
  mayAccessFundraiser,
  mayRecordCardPayment,
  mayRunTask,
  NATIONAL,
  NATIONAL_TECH,
} from '../src/policies.ts'
import type { Caller } from '../src/auth/tokens.ts'

const LOCAL = '01GPYGNDBDHY9685YHRKWT6VE7'
const OTHER = '01GPYGDJ19Z43X6S7YMK8AVSAH'
const caller = (...groups: string[]): Caller => ({ subject: 'someone@example.com', groups, iat: 0, exp: 0 })
const fundraiser = { groupsWithAccess: [LOCAL] }

describe('who may see and touch a fundraiser (its donations and payments)', () => {
  test('its local team and National may; anyone else may not', () => {
    assert.equal(mayAccessFundraiser(caller(LOCAL), fundraiser), true)
    assert.equal(mayAccessFundraiser(caller(NATIONAL), fundraiser), true)
    assert.equal(mayAccessFundraiser(caller(OTHER), fundraiser), false)
    assert.equal(mayAccessFundraiser(caller(NATIONAL_TECH), fundraiser), false)
    assert.equal(mayAccessFundraiser(caller(), { groupsWithAccess: [] }), false)
  })

  test('a refusal names the team, then National, and the caller’s groups', () => {
    assert.throws(
      () => assertMayAccessFundraiser(caller(OTHER), fundraiser),
      (error: Error) => error.message === `To do this you need to be in one of the groups [${LOCAL}, National (${NATIONAL})], but you are in [${OTHER}]`,
    )
  })
})

describe('who may change which field', () => {
  test('a fundraiser’s currency, pot and groups need National; its totals need NationalTech', () => {
    assert.deepEqual(fieldRefused(caller(LOCAL), FUNDRAISER_EDIT_FIELDS, { publicName: 'x', goal: 1 }), undefined)
    assert.deepEqual(fieldRefused(caller(LOCAL), FUNDRAISER_EDIT_FIELDS, { matchFundingRemaining: null }), { field: 'matchFundingRemaining', group: NATIONAL })
    assert.deepEqual(fieldRefused(caller(NATIONAL), FUNDRAISER_EDIT_FIELDS, { currency: 'usd', totalRaised: 5 }), { field: 'totalRaised', group: NATIONAL_TECH })
    assert.deepEqual(fieldRefused(caller(NATIONAL_TECH), FUNDRAISER_EDIT_FIELDS, { donationsCount: 5 }), undefined)
    // National's fields are checked first, as the original did.
    assert.deepEqual(fieldRefused(caller(LOCAL), FUNDRAISER_EDIT_FIELDS, { totalRaised: 5, groupsWithAccess: [] }), { field: 'groupsWithAccess', group: NATIONAL })
  })

  test('a donation’s Stripe ids (and, when editing, its totals) need NationalTech', () => {
    assert.deepEqual(fieldRefused(caller(NATIONAL), DONATION_CREATE_FIELDS, { stripeCustomerId: 'cus_1' }), { field: 'stripeCustomerId', group: NATIONAL_TECH })
    assert.deepEqual(fieldRefused(caller(NATIONAL), DONATION_CREATE_FIELDS, { donorName: 'x' }), undefined)
    assert.deepEqual(fieldRefused(caller(NATIONAL), DONATION_EDIT_FIELDS, { contributionAmount: 0 }), { field: 'contributionAmount', group: NATIONAL_TECH })
    assert.deepEqual(fieldRefused(caller(NATIONAL_TECH), DONATION_EDIT_FIELDS, { donationAmount: 1, stripePaymentMethodId: 'pm_1' }), undefined)
  })

  test('a refusal names the first refused field and the group it needs', () => {
    assert.throws(
      () => assertMaySetFields(caller(LOCAL), FUNDRAISER_EDIT_FIELDS, { currency: 'usd' }),
      (error: Error) => error.message === `To edit currency you need to be in one of the groups [National (${NATIONAL})], but you are in [${LOCAL}]`,
    )
  })
})

describe('other rules', () => {
  test('card payments are recorded by hand only by National', () => {
    assert.equal(mayRecordCardPayment(caller(NATIONAL)), true)
    assert.equal(mayRecordCardPayment(caller(LOCAL, NATIONAL_TECH)), false)
  })

  test('a task is for the groups it names', () => {
    assert.equal(mayRunTask(caller(NATIONAL), { groups: [NATIONAL] }), true)
    assert.equal(mayRunTask(caller(LOCAL), { groups: [NATIONAL] }), false)
  })
})
