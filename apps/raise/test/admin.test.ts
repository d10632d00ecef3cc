import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startRaise, type RaiseTestContext, NATIONAL, NATIONAL_TECH, LOCAL_GROUP } from './helpers.ts'
import { DEMO_FUNDRAISER_ID, DEMO_GROUP_ID, demoDonationIds } from '../seeds/demo.ts'

let ctx: RaiseTestContext
let national: string, tech: string, nationalTech: string, team: string, outsider: string
before(async () => {
  ctx = await startRaise({ seed: true })
  national = await ctx.token([NATIONAL])
  tech = await ctx.token([NATIONAL_TECH])
  nationalTech = await ctx.token([NATIONAL, NATIONAL_TECH])
  team = await ctx.token([DEMO_GROUP_ID], 'team@example.com')
  outsider = await ctx.token([LOCAL_GROUP], 'outsider@example.com')
})
after(() => ctx.close())

const fundraiser = async (id = DEMO_FUNDRAISER_ID) => (await ctx.request('GET', '/admin/fundraisers', { token: national })).body.find((row: { id: string }) => row.id === id)
const donation = async (donationId: string, fundraiserId = DEMO_FUNDRAISER_ID) =>
  (await ctx.request('GET', `/admin/fundraisers/${fundraiserId}/donations`, { token: national })).body.find((row: { id: string }) => row.id === donationId)
const refused = (response: { status: number; body: { message: string } }, pattern: RegExp = /^To (do this|edit \w+) you need to be in one of the groups/) => {
  assert.equal(response.status, 403, JSON.stringify(response.body))
  assert.match(response.body.message, pattern)
}

describe('fundraisers', () => {
  test('any admin lists all fundraisers', async () => {
    const response = await ctx.request('GET', '/admin/fundraisers', { token: outsider })
    assert.equal(response.status, 200)
    assert.equal(response.body[0].internalName, 'Raise Demo 2022')
    assert.equal(response.body[0].totalRaised, 52050)
  })

  test("only National creates; defaults apply and groupsWithAccess is the caller's groups", async () => {
    refused(await ctx.request('POST', '/admin/fundraisers', { token: team, body: {} }))
    const created = await ctx.request('POST', '/admin/fundraisers', { token: await ctx.token([NATIONAL, LOCAL_GROUP]), body: { publicName: 'Made' } })
    assert.equal(created.status, 200)
    assert.match(created.body, /^[0-9A-HJKMNP-TV-Z]{26}$/)
    const row = await fundraiser(created.body)
    assert.deepEqual(
      { ...row, id: undefined, activeFrom: undefined, activeTo: undefined, recurringDonationsTo: undefined },
      {
        id: undefined,
        activeFrom: undefined,
        activeTo: undefined,
        recurringDonationsTo: undefined,
        internalName: 'New Fundraiser',
        publicName: 'Made',
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
        groupsWithAccess: [NATIONAL, LOCAL_GROUP],
      },
    )
    const audit = (await ctx.request('GET', `/admin/audit-logs/by-object/${created.body}`, { token: national })).body
    assert.equal(audit[0].action, 'create')
    assert.equal(audit[0].metadata.tableName, 'fundraiser')
  })

  test('its team edits it; outsiders are refused; National-only and NationalTech-only fields are guarded', async () => {
    const url = `/admin/fundraisers/${DEMO_FUNDRAISER_ID}`
    assert.equal((await ctx.request('PATCH', url, { token: team, body: { publicName: 'Raise Demo!', matchFundingRate: 150 } })).status, 204)
    assert.equal((await fundraiser()).matchFundingRate, 150)
    refused(await ctx.request('PATCH', url, { token: outsider, body: { publicName: 'x' } }))
    refused(await ctx.request('PATCH', url, { token: team, body: { matchFundingRemaining: null } }), /^To edit matchFundingRemaining you need to be in one of the groups \[National/)
    refused(await ctx.request('PATCH', url, { token: team, body: { groupsWithAccess: [] } }), /^To edit groupsWithAccess/)
    refused(await ctx.request('PATCH', url, { token: national, body: { totalRaised: 1 } }), /^To edit totalRaised you need to be in one of the groups \[NationalTech/)
    const currency = await ctx.request('PATCH', url, { token: national, body: { currency: 'usd' } })
    assert.deepEqual([currency.status, currency.body.message], [400, 'Cannot edit currency on fundraiser with donations'])
    assert.equal((await ctx.request('PATCH', url, { token: national, body: { matchFundingRemaining: 100000 } })).status, 204)
    assert.equal((await ctx.request('PATCH', url, { token: national, body: {} })).status, 400, 'at least one property')
    assert.equal((await ctx.request('PATCH', '/admin/fundraisers/01H0000000000000000000000Z', { token: national, body: { goal: 5 } })).status, 404)
  })

  test('`previous` guards concurrent edits, falsy new values included', async () => {
    const url = `/admin/fundraisers/${DEMO_FUNDRAISER_ID}`
    const current = await fundraiser()
    const auditBefore = (await ctx.request('GET', `/admin/audit-logs/by-object/${DEMO_FUNDRAISER_ID}`, { token: national })).body.length
    const stale = await ctx.request('PATCH', url, { token: nationalTech, body: { totalRaised: 60000, previous: { totalRaised: current.totalRaised - 1 } } })
    assert.equal(stale.status, 409)
    const auditAfter = (await ctx.request('GET', `/admin/audit-logs/by-object/${DEMO_FUNDRAISER_ID}`, { token: national })).body.length
    assert.equal(auditAfter, auditBefore, 'a change that did not happen leaves no audit entry (same transaction)')
    assert.match(stale.body.message, /^Failed to make edits due to failed conditional expression on fundraiser/)
    assert.equal((await ctx.request('PATCH', url, { token: nationalTech, body: { donationsCount: 0, previous: { donationsCount: 99 } } })).status, 409)
    assert.equal((await ctx.request('PATCH', url, { token: nationalTech, body: { totalRaised: current.totalRaised, previous: { totalRaised: current.totalRaised } } })).status, 204)
  })
})

describe('donations', () => {
  test('its team and National list them newest first; outsiders are refused', async () => {
    const list = await ctx.request('GET', `/admin/fundraisers/${DEMO_FUNDRAISER_ID}/donations`, { token: team })
    assert.equal(list.status, 200)
    assert.deepEqual(
      list.body.map((row: { id: string }) => row.id),
      [demoDonationIds.jane, demoDonationIds.john, demoDonationIds.namey],
    )
    refused(await ctx.request('GET', `/admin/fundraisers/${DEMO_FUNDRAISER_ID}/donations`, { token: outsider }))
    assert.equal((await ctx.request('GET', '/admin/fundraisers/01H0000000000000000000000Z/donations', { token: national })).status, 404)
  })

  test('creating one counts it, checks the Gift Aid address, and guards Stripe ids', async () => {
    const url = `/admin/fundraisers/${DEMO_FUNDRAISER_ID}/donations`
    const before = (await fundraiser()).donationsCount
    const created = await ctx.request('POST', url, { token: team, body: { donorName: 'Cash Donor', donorEmail: 'cash@example.com' } })
    assert.equal(created.status, 200)
    assert.equal((await fundraiser()).donationsCount, before + 1)
    const row = await donation(created.body)
    assert.deepEqual([row.donationAmount, row.charity, row.donationCounted, row.recurrenceFrequency], [0, 'Unknown', true, null])
    const uncounted = await ctx.request('POST', url, { token: team, body: { donationCounted: false } })
    assert.equal(uncounted.status, 200)
    assert.equal((await fundraiser()).donationsCount, before + 1)
    const noAddress = await ctx.request('POST', url, { token: team, body: { giftAid: true, addressLine1: '1 Road', addressPostcode: 'X' } })
    assert.deepEqual([noAddress.status, noAddress.body.message], [400, 'Gift-aided donation must provide address country'])
    refused(await ctx.request('POST', url, { token: team, body: { stripeCustomerId: null } }), /^To edit stripeCustomerId you need to be in one of the groups \[NationalTech/)
    refused(await ctx.request('POST', url, { token: outsider, body: {} }))
  })

  test('editing Gift Aid moves the total; editing donationCounted moves the count; amount totals need NationalTech', async () => {
    const url = `/admin/fundraisers/${DEMO_FUNDRAISER_ID}/donations/${demoDonationIds.john}`
    const before = await fundraiser()
    const missing = await ctx.request('PATCH', url, { token: team, body: { giftAid: true } })
    assert.deepEqual([missing.status, missing.body.message], [400, 'Gift-aided donation must have an address line 1, postcode and country'])
    assert.equal((await ctx.request('PATCH', url, { token: team, body: { giftAid: true, addressLine1: '1 Road', addressPostcode: 'AB1', addressCountry: 'UK' } })).status, 204)
    assert.equal((await fundraiser()).totalRaised, before.totalRaised + 3750)
    assert.equal((await ctx.request('PATCH', url, { token: team, body: { donationCounted: false } })).status, 204)
    assert.equal((await fundraiser()).donationsCount, before.donationsCount - 1)
    assert.equal((await ctx.request('PATCH', url, { token: team, body: { donationCounted: true, giftAid: false } })).status, 204)
    const after = await fundraiser()
    assert.deepEqual([after.totalRaised, after.donationsCount], [before.totalRaised, before.donationsCount])
    refused(await ctx.request('PATCH', url, { token: national, body: { donationAmount: 1 } }), /^To edit donationAmount you need to be in one of the groups \[NationalTech/)
    assert.equal((await ctx.request('PATCH', url, { token: tech, body: { matchFundingAmount: 14000 } })).status, 403, 'fundraiser access is still needed')
    assert.equal((await ctx.request('PATCH', url, { token: nationalTech, body: { matchFundingAmount: 0, previous: { matchFundingAmount: 1 } } })).status, 409)
    assert.equal((await ctx.request('PATCH', url, { token: nationalTech, body: { comment: 'ok', previous: { matchFundingAmount: 1 } } })).status, 204, 'previous applies only to edited fields')
    assert.equal((await ctx.request('PATCH', `/admin/fundraisers/${DEMO_FUNDRAISER_ID}/donations/01H0000000000000000000000Z`, { token: team, body: { comment: 'x' } })).status, 404)
  })
})

describe('payments', () => {
  const base = (donationId: string, fundraiserId = DEMO_FUNDRAISER_ID) => `/admin/fundraisers/${fundraiserId}/donations/${donationId}/payments`

  test('listing checks the donation belongs to the fundraiser', async () => {
    const list = await ctx.request('GET', base(demoDonationIds.jane), { token: team })
    assert.equal(list.status, 200)
    assert.equal(list.body.length, 3)
    const other = (await ctx.request('POST', '/admin/fundraisers', { token: national, body: {} })).body
    assert.equal((await ctx.request('GET', base(demoDonationIds.jane, other), { token: national })).status, 404)
    refused(await ctx.request('GET', base(demoDonationIds.jane), { token: outsider }))
  })

  test('a manual payment adds match funding (limited by the per-donation cap) and Gift Aid; a refund to zero uncounts the donation', async () => {
    const fundraiserId = (await ctx.request('POST', '/admin/fundraisers', { token: national, body: { matchFundingRate: 100, matchFundingPerDonationLimit: 1500, matchFundingRemaining: 5000 } })).body
    const donationId = (
      await ctx.request('POST', `/admin/fundraisers/${fundraiserId}/donations`, { token: national, body: { giftAid: true, addressLine1: 'a', addressPostcode: 'b', addressCountry: 'c' } })
    ).body
    assert.equal((await ctx.request('POST', base(donationId, fundraiserId), { token: national, body: { donationAmount: 1001, contributionAmount: 300 } })).status, 200)
    let row = await fundraiser(fundraiserId)
    assert.deepEqual([row.totalRaised, row.matchFundingRemaining, row.donationsCount], [1001 + 1001 + 250, 3999, 1])
    assert.equal((await ctx.request('POST', base(donationId, fundraiserId), { token: national, body: { donationAmount: 1000 } })).status, 200)
    row = await fundraiser(fundraiserId)
    assert.deepEqual([row.totalRaised, row.matchFundingRemaining], [2252 + 1000 + 499 + (500 - 250), 3500])
    const tooMuch = await ctx.request('POST', base(donationId, fundraiserId), { token: national, body: { donationAmount: 10, matchFundingAmount: 9999 } })
    assert.equal(tooMuch.status, 409, 'the pot cannot go negative')
    const negative = await ctx.request('POST', base(donationId, fundraiserId), { token: national, body: { donationAmount: -5000 } })
    assert.deepEqual([negative.status, negative.body.message], [400, 'This payment would cause the donation to have a negative donation amount'])
    const refund = await ctx.request('POST', base(donationId, fundraiserId), { token: national, body: { donationAmount: -2001, contributionAmount: -300, matchFundingAmount: -1500 } })
    assert.equal(refund.status, 200)
    row = await fundraiser(fundraiserId)
    assert.deepEqual([row.totalRaised, row.matchFundingRemaining, row.donationsCount], [0, 5000, 0])
    const payments = (await ctx.request('GET', base(donationId, fundraiserId), { token: national })).body
    assert.ok(payments.every((payment: { status: string; method: string }) => payment.status === 'paid' && payment.method === 'cash'))
    assert.equal((await donation(donationId, fundraiserId)).donationCounted, false)
  })

  test('card payments need National; the local team records cash', async () => {
    refused(await ctx.request('POST', base(demoDonationIds.john), { token: team, body: { donationAmount: 100, method: 'card' } }))
    assert.equal((await ctx.request('POST', base(demoDonationIds.john), { token: team, body: { donationAmount: 100, method: 'direct_to_charity', matchFundingAmount: 0 } })).status, 200)
    refused(await ctx.request('POST', base(demoDonationIds.john), { token: outsider, body: {} }))
  })

  test('PATCH needs National first, then matching ids, then one property by the original rules', async () => {
    const fundraiserId = (await ctx.request('POST', '/admin/fundraisers', { token: nationalTech, body: { matchFundingRate: 100, matchFundingRemaining: 10000 } })).body
    const donationId = (await ctx.request('POST', `/admin/fundraisers/${fundraiserId}/donations`, { token: national, body: {} })).body
    const cashId = (await ctx.request('POST', base(donationId, fundraiserId), { token: national, body: { donationAmount: 1000 } })).body
    const url = `${base(donationId, fundraiserId)}/${cashId}`
    refused(await ctx.request('PATCH', url, { token: team, body: { reference: 'x' } }), /^To do this you need to be in one of the groups \[National/)
    const mismatch = await ctx.request('PATCH', `${base(donationId, DEMO_FUNDRAISER_ID)}/${cashId}`, { token: national, body: { reference: 'x' } })
    assert.deepEqual([mismatch.status, mismatch.body.message], [403, `Donation ${donationId} does not match fundraiser ${DEMO_FUNDRAISER_ID}`])
    assert.equal((await ctx.request('PATCH', url, { token: national, body: { reference: 'receipt 12' } })).status, 204)
    assert.equal((await ctx.request('PATCH', url, { token: national, body: { donationAmount: 1200 } })).status, 204)
    let row = await fundraiser(fundraiserId)
    assert.deepEqual([row.totalRaised, row.matchFundingRemaining], [1200 + 1000, 9000], 'match funding is not recalculated')
    assert.equal((await ctx.request('PATCH', url, { token: national, body: { matchFundingAmount: 1200 } })).status, 204)
    row = await fundraiser(fundraiserId)
    assert.deepEqual([row.totalRaised, row.matchFundingRemaining], [2400, 8800])
    assert.equal((await ctx.request('PATCH', url, { token: national, body: { contributionAmount: 50 } })).status, 204)
    assert.equal((await donation(donationId, fundraiserId)).contributionAmount, 50)
    const cancelCash = await ctx.request('PATCH', url, { token: national, body: { status: 'cancelled' } })
    assert.deepEqual([cancelCash.status, cancelCash.body.message], [400, 'Invalid state transition: paid to cancelled (you may only cancel pending or scheduled payments)'])
    const two = await ctx.request('PATCH', url, { token: national, body: { reference: 'a', status: 'paid' } })
    assert.equal(two.status, 400, 'exactly one property')
    const card = (await ctx.request('POST', base(donationId, fundraiserId), { token: national, body: { donationAmount: 500, method: 'card', reference: 'pi_manual' } })).body
    const cardUrl = `${base(donationId, fundraiserId)}/${card}`
    assert.equal((await ctx.request('PATCH', cardUrl, { token: national, body: { reference: 'x' } })).body.message, 'You cannot change the reference on a card payment')
    assert.equal((await ctx.request('PATCH', cardUrl, { token: national, body: { donationAmount: 1 } })).body.message, 'You cannot change the donationAmount on a card payment')
    assert.equal(
      (await ctx.request('PATCH', cardUrl, { token: national, body: { contributionAmount: 1 } })).body.message,
      'You can only edit matchFundingAmount, status, donationAmount, contributionAmount and reference on a payment',
    )
    const unknown = await ctx.request('PATCH', `${base(donationId, fundraiserId)}/01H0000000000000000000000Z`, { token: national, body: { reference: 'x' } })
    assert.equal(unknown.status, 404)
  })
})
