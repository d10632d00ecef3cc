import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { signStripePayload } from '@hearth/kernel/payments'
import { LIMITS } from '../src/http/schemas.ts'
import { startRaise, donationRequest, WEBHOOK_SECRET, type RaiseTestContext } from './helpers.ts'

// Issue "The kernel's request contract": JSON bodies are never coerced ("2500", true and null stay
// what they are), a null is stored and answered as null (never 0), and input the storage cannot hold
// is a 400, never a 500. Everything goes through HTTP, as a client would.

let ctx: RaiseTestContext
before(async () => {
  ctx = await startRaise()
})
after(() => ctx.close())

const VALIDATION_FAILED = 'Event object failed validation'

async function newFundraiser(fields: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const response = await ctx.request('POST', '/admin/fundraisers', { body: { activeFrom: now - 60, recurringDonationsTo: now + 2.5 * 7 * 86400, publicName: 'Contract', ...fields } })
  assert.equal(response.status, 200, JSON.stringify(response.body))
  return response.body
}

const fundraiserById = async (fundraiserId: string) => (await ctx.request('GET', '/admin/fundraisers')).body.find((candidate: { id: string }) => candidate.id === fundraiserId)
const donationsOf = async (fundraiserId: string) => (await ctx.request('GET', `/admin/fundraisers/${fundraiserId}/donations`)).body
const paymentsOf = async (fundraiserId: string, donationId: string) => (await ctx.request('GET', `/admin/fundraisers/${fundraiserId}/donations/${donationId}/payments`)).body

/** A public donation, then the signed `payment_intent.succeeded` Stripe would send once the donor pays. */
async function donateAndPay(fundraiserId: string, body: Record<string, unknown> = {}) {
  const created = await ctx.request('POST', `/public/fundraisers/${fundraiserId}/donation`, { token: null, body: donationRequest(body) })
  assert.equal(created.status, 200, JSON.stringify(created.body))
  const intentId = (created.body.stripeClientSecret as string).split('_secret_')[0]!
  const intent = ctx.stripe.paymentIntents.get(intentId)!
  const event = {
    id: `evt_${intentId}`,
    object: 'event',
    api_version: '2026-01-28.clover',
    type: 'payment_intent.succeeded',
    created: Math.floor(Date.now() / 1000),
    data: { object: { ...intent, status: 'succeeded', amount_received: intent.amount, payment_method: 'pm_card_visa' } },
  }
  const payload = JSON.stringify(event)
  const delivered = await ctx.app.inject({
    method: 'POST',
    url: '/stripe/webhook',
    headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, WEBHOOK_SECRET) },
    payload,
  })
  assert.equal(delivered.statusCode, 204, delivered.body)
  return created.body
}

describe('nulls are kept, stored and answered as null', () => {
  test('match funding from an unlimited pot: created with a null pot, credited through the webhook, the pot stays null', async () => {
    const fundraiserId = await newFundraiser({ matchFundingRemaining: null, matchFundingRate: 100, matchFundingPerDonationLimit: null })
    const created = await fundraiserById(fundraiserId)
    assert.equal(created.matchFundingRemaining, null, 'an unlimited pot is null, not 0')
    assert.equal(created.matchFundingRate, 100)

    await donateAndPay(fundraiserId, { donationAmount: 900, recurrenceFrequency: 'WEEKLY' })

    const [donation] = await donationsOf(fundraiserId)
    assert.equal(donation.donationAmount, 900)
    assert.equal(donation.matchFundingAmount, 900, 'the first payment is matched 100% from the unlimited pot')
    assert.equal(donation.donationCounted, true)
    const payments = (await paymentsOf(fundraiserId, donation.id)).sort((a: { at: number }, b: { at: number }) => a.at - b.at)
    assert.equal(payments.length, 3)
    // The first payment, then the two weekly instalments with match funding reserved (spec §4.4 step 11).
    assert.deepEqual(
      payments.map((payment: { status: string; matchFundingAmount: number | null }) => [payment.status, payment.matchFundingAmount]),
      [
        ['paid', 900],
        ['scheduled', 900],
        ['scheduled', 900],
      ],
    )
    const after = await fundraiserById(fundraiserId)
    assert.equal(after.totalRaised, 1800)
    assert.equal(after.donationsCount, 1)
    assert.equal(after.matchFundingRemaining, null, 'the pot stays unlimited')
  })

  test('PATCH of a payment with matchFundingAmount null stores null, not 0', async () => {
    const fundraiserId = await newFundraiser()
    const donationId = (await ctx.request('POST', `/admin/fundraisers/${fundraiserId}/donations`, { body: { donorName: 'Cash Donor' } })).body as string
    const paymentId = (await ctx.request('POST', `/admin/fundraisers/${fundraiserId}/donations/${donationId}/payments`, { body: { donationAmount: 2000, matchFundingAmount: 500 } })).body as string
    assert.equal((await paymentsOf(fundraiserId, donationId))[0].matchFundingAmount, 500)
    assert.equal((await fundraiserById(fundraiserId)).totalRaised, 2500)

    const patched = await ctx.request('PATCH', `/admin/fundraisers/${fundraiserId}/donations/${donationId}/payments/${paymentId}`, { body: { matchFundingAmount: null } })
    assert.equal(patched.status, 204, JSON.stringify(patched.body))

    const [payment] = await paymentsOf(fundraiserId, donationId)
    assert.equal(payment.id, paymentId)
    assert.equal(payment.matchFundingAmount, null, 'read back as null, not 0')
    // Δ = (new ?? 0) − (old ?? 0) = −500 on a paid payment (spec §4.6).
    assert.equal((await donationsOf(fundraiserId))[0].matchFundingAmount, 0)
    assert.equal((await fundraiserById(fundraiserId)).totalRaised, 2000)
  })

  test('the public view answers null for null fields (a one-off donation has a null recurringAmount), never 0', async () => {
    const fundraiserId = await newFundraiser({ matchFundingRate: 50 })
    await donateAndPay(fundraiserId, { donationAmount: 1000, recurrenceFrequency: null, comment: null })

    const response = await ctx.app.inject({ method: 'GET', url: `/public/fundraisers/${fundraiserId}` })
    assert.equal(response.statusCode, 200)
    const view = JSON.parse(response.body)
    for (const field of ['matchFundingPerDonationLimit', 'matchFundingRemaining', 'minimumDonationAmount', 'eventLink', 'moreInvolvedLink']) {
      assert.equal(view[field], null, `${field} is null`)
    }
    assert.equal(view.donations.length, 1)
    const [donation] = view.donations
    assert.equal(donation.recurringAmount, null)
    assert.equal(donation.recurrenceFrequency, null)
    assert.equal(donation.comment, null)
    assert.equal(donation.donationAmount, 1000)
    assert.equal(donation.matchFundingAmount, 500)
    assert.match(response.body, /"comment":null,"donorName":"Ada Lovelace","giftAid":false,"donationAmount":1000,"matchFundingAmount":500,"recurringAmount":null,"recurrenceFrequency":null\}/)
  })
})

describe('JSON bodies are never coerced', () => {
  const refused = async (method: string, url: string, body: Record<string, unknown>, token?: string | null) => {
    const response = await ctx.request(method, url, { body, token })
    assert.equal(response.status, 400, `${method} ${url} ${JSON.stringify(body)} → ${response.status} ${JSON.stringify(response.body)}`)
    assert.equal(response.body.message, VALIDATION_FAILED, JSON.stringify(body))
    return response
  }

  test('a string or a boolean in an integer field, and null in a non-nullable field, is a 400 and changes nothing', async () => {
    const fundraiserId = await newFundraiser()
    const before = await fundraiserById(fundraiserId)
    const count = (await ctx.request('GET', '/admin/fundraisers')).body.length
    const intents = ctx.stripe.paymentIntents.size

    for (const goal of ['2500', true, null]) await refused('POST', '/admin/fundraisers', { goal })
    await refused('POST', '/admin/fundraisers', { matchFundingRate: '100' })
    await refused('POST', '/admin/fundraisers', { paused: null })
    await refused('POST', '/admin/fundraisers', { publicName: null })
    assert.equal((await ctx.request('GET', '/admin/fundraisers')).body.length, count, 'no fundraiser was created')

    for (const goal of ['2500', true, null]) await refused('PATCH', `/admin/fundraisers/${fundraiserId}`, { goal })
    await refused('PATCH', `/admin/fundraisers/${fundraiserId}`, { previous: { totalRaised: '0' }, totalRaised: 5 })
    assert.deepEqual(await fundraiserById(fundraiserId), before, 'the fundraiser is unchanged')

    const donation = `/public/fundraisers/${fundraiserId}/donation`
    for (const contributionAmount of ['2500', true, null]) await refused('POST', donation, donationRequest({ contributionAmount }), null)
    await refused('POST', donation, donationRequest({ donationAmount: '2500' }), null)
    await refused('POST', donation, donationRequest({ donationAmount: null }), null)
    await refused('POST', donation, donationRequest({ giftAid: null }), null)
    await refused('POST', donation, donationRequest({ giftAid: 'false' }), null)
    await refused('POST', donation, donationRequest({ donorName: null }), null)
    assert.deepEqual(await donationsOf(fundraiserId), [], 'no donation was created')
    assert.equal(ctx.stripe.paymentIntents.size, intents, 'Stripe was not called')

    const donationId = (await ctx.request('POST', `/admin/fundraisers/${fundraiserId}/donations`, { body: { donorName: 'Cash Donor' } })).body as string
    const payments = `/admin/fundraisers/${fundraiserId}/donations/${donationId}/payments`
    for (const donationAmount of ['2500', true, null]) await refused('POST', payments, { donationAmount })
    await refused('POST', payments, { at: '1700000000' })
    assert.deepEqual(await paymentsOf(fundraiserId, donationId), [], 'no payment was created')

    const paymentId = (await ctx.request('POST', payments, { body: { donationAmount: 1000 } })).body as string
    for (const donationAmount of ['2500', true, null]) await refused('PATCH', `${payments}/${paymentId}`, { donationAmount })
    await refused('PATCH', `${payments}/${paymentId}`, { matchFundingAmount: '100' })
    await refused('PATCH', `${payments}/${paymentId}`, { status: null })
    const [payment] = await paymentsOf(fundraiserId, donationId)
    assert.equal(payment.donationAmount, 1000)
    assert.equal(payment.matchFundingAmount, 0)
  })

  test('numbers and strings beyond what the storage holds are a 400, not a 500', async () => {
    const fundraiserId = await newFundraiser()
    for (const goal of [1e308, 2 ** 63, LIMITS.amount + 1, 1.5]) await refused('POST', '/admin/fundraisers', { goal })
    for (const activeFrom of [2 ** 63, -(2 ** 63), LIMITS.unixSeconds + 1]) await refused('PATCH', `/admin/fundraisers/${fundraiserId}`, { activeFrom })
    await refused('PATCH', `/admin/fundraisers/${fundraiserId}`, { matchFundingRate: LIMITS.matchFundingRate + 1 })
    await refused('PATCH', `/admin/fundraisers/${fundraiserId}`, { publicName: 'x'.repeat(LIMITS.nameLength + 1) })
    await refused('PATCH', `/admin/fundraisers/${fundraiserId}`, { eventLink: `https://example.com/${'x'.repeat(LIMITS.urlLength)}` })
    await refused('PATCH', `/admin/fundraisers/${fundraiserId}`, { groupsWithAccess: Array.from({ length: LIMITS.groups + 1 }, (_, index) => `group-${index}`) })
    const donation = `/public/fundraisers/${fundraiserId}/donation`
    await refused('POST', donation, donationRequest({ donationAmount: 1e308 }), null)
    await refused('POST', donation, donationRequest({ contributionAmount: 2 ** 63 }), null)
    await refused('POST', donation, donationRequest({ comment: 'x'.repeat(LIMITS.freeTextLength + 1) }), null)
    await refused('POST', donation, donationRequest({ donorName: 'x'.repeat(LIMITS.shortTextLength + 1) }), null)
    await refused('POST', donation, donationRequest({ donorEmail: `${'x'.repeat(LIMITS.emailLength)}@example.com` }), null)
    await refused('POST', '/admin/users', { name: 'N', email: 'n@example.com', groups: [], securityTrainingCompletedAt: 2 ** 63, sendAccountCreationEmail: false })

    // A path id longer than a ULID never reaches the database.
    const longId = await ctx.request('GET', `/admin/fundraisers/${fundraiserId}${'0'.repeat(100)}/donations`)
    assert.equal(longId.status, 400)
    assert.equal(longId.body.message, VALIDATION_FAILED)
    const longObject = await ctx.request('GET', `/admin/audit-logs/by-object/${'x'.repeat(LIMITS.emailLength + 1)}`)
    assert.equal(longObject.status, 400)

    // The largest values the limits allow are stored and read back exactly.
    const edited = await ctx.request('PATCH', `/admin/fundraisers/${fundraiserId}`, { body: { goal: LIMITS.amount, activeTo: LIMITS.unixSeconds, matchFundingRate: LIMITS.matchFundingRate } })
    assert.equal(edited.status, 204, JSON.stringify(edited.body))
    const stored = await fundraiserById(fundraiserId)
    assert.deepEqual([stored.goal, stored.activeTo, stored.matchFundingRate], [LIMITS.amount, LIMITS.unixSeconds, LIMITS.matchFundingRate])
  })
})
