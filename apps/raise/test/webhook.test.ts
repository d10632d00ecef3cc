import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { signStripePayload } from '@hearth/kernel/payments'
import { startRaise, donationRequest, eventually, WEBHOOK_SECRET, type RaiseTestContext } from './helpers.ts'
import { DEMO_FUNDRAISER_ID } from '../seeds/demo.ts'

let ctx: RaiseTestContext
before(async () => {
  ctx = await startRaise({ seed: true })
})
after(() => ctx.close())

async function newFundraiser(fields: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const response = await ctx.request('POST', '/admin/fundraisers', {
    body: { activeFrom: now - 60, recurringDonationsTo: now + 2.5 * 7 * 86400, matchFundingRate: 100, publicName: 'Test Fundraiser', ...fields },
  })
  assert.equal(response.status, 200, JSON.stringify(response.body))
  return response.body
}

async function donate(fundraiserId: string, body: Record<string, unknown> = {}) {
  const response = await ctx.request('POST', `/public/fundraisers/${fundraiserId}/donation`, { token: null, body: donationRequest(body) })
  assert.equal(response.status, 200, JSON.stringify(response.body))
  const intentId = response.body.stripeClientSecret.split('_secret_')[0] as string
  return { ...response.body, intentId, intent: ctx.stripe.paymentIntents.get(intentId)! }
}

const state = async (fundraiserId: string) => {
  const fundraiser = (await ctx.request('GET', '/admin/fundraisers')).body.find((candidate: { id: string }) => candidate.id === fundraiserId)
  const donations = (await ctx.request('GET', `/admin/fundraisers/${fundraiserId}/donations`)).body
  return { fundraiser, donations }
}

function signedEvent(intent: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  const event = {
    id: `evt_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    api_version: '2026-01-28.clover',
    type: 'payment_intent.succeeded',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        ...intent,
        status: 'succeeded',
        amount_received: intent.amount,
        payment_method: intent.payment_method ?? 'pm_test_123',
        ...overrides,
      },
    },
  }
  const payload = JSON.stringify(event)
  return { payload, signature: signStripePayload(payload, WEBHOOK_SECRET) }
}

const post = (payload: string, signature?: string) =>
  ctx.app.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) }, payload })

describe('public donation creation', () => {
  test('creates a PaymentIntent for donation + contribution and pending payments for the schedule', async () => {
    const fundraiserId = await newFundraiser()
    const result = await donate(fundraiserId, { donationAmount: 900, contributionAmount: 1000, recurrenceFrequency: 'WEEKLY' })
    assert.equal(result.amount, 1900)
    assert.equal(result.currency, 'gbp')
    assert.equal(result.futurePayments.length, 2)
    assert.deepEqual(
      result.futurePayments.map((payment: { amount: number }) => payment.amount),
      [900, 900],
    )
    assert.equal(result.totalDonationAmount, 2700)
    assert.equal(result.intent.amount, 1900)
    assert.equal(result.intent.setup_future_usage, 'off_session')
    assert.deepEqual(result.intent.automatic_payment_methods, { enabled: true, allow_redirects: 'always' })
    assert.equal(result.intent.status, 'requires_payment_method', 'the fake never confirms by itself')
    const { donations } = await state(fundraiserId)
    assert.equal(donations.length, 1)
    assert.equal(donations[0].donationCounted, false)
    assert.equal(donations[0].recurringAmount, 900)
    assert.equal(donations[0].charity, 'AMF')
    assert.equal(donations[0].addressLine1, null)
    const payments = (await ctx.request('GET', `/admin/fundraisers/${fundraiserId}/donations/${donations[0].id}/payments`)).body
    assert.equal(payments.length, 3)
    assert.ok(payments.every((payment: { status: string; method: string }) => payment.status === 'pending' && payment.method === 'card'))
    const first = payments.find((payment: { reference: string | null }) => payment.reference === result.intentId)
    assert.deepEqual([first.donationAmount, first.contributionAmount, first.matchFundingAmount], [900, 1000, null])
    assert.deepEqual(result.intent.metadata, { fundraiserId, donationId: donations[0].id, paymentId: first.id })
  })

  test('refuses, in order: unknown fundraiser, not started, paused, archived, Gift Aid without address, under £1, future under £1, under the minimum', async () => {
    const now = Math.floor(Date.now() / 1000)
    const expect = async (fundraiserId: string, body: Record<string, unknown>, status: number, message: RegExp) => {
      const response = await ctx.request('POST', `/public/fundraisers/${fundraiserId}/donation`, { token: null, body: donationRequest(body) })
      assert.equal(response.status, status, JSON.stringify(response.body))
      assert.match(response.body.message, message)
    }
    await expect('01H0000000000000000000000Z', {}, 404, /^fundraiser not found$/)
    await expect(await newFundraiser({ activeFrom: now + 3600, paused: true }), {}, 400, /has not started/)
    await expect(await newFundraiser({ paused: true, archived: true }), {}, 400, /temporarily paused taking donations/)
    await expect(await newFundraiser({ archived: true }), {}, 400, /has been archived/)
    const open = await newFundraiser({ minimumDonationAmount: 5000 })
    await expect(open, { giftAid: true, addressLine1: '1 Road', addressPostcode: '', addressCountry: 'UK', donationAmount: 50 }, 400, /^Gift-aided donation must provide address postcode$/)
    await expect(open, { donationAmount: 50, contributionAmount: 49 }, 400, /^Payment amount must be greater than £1 to avoid excessive card transaction fees$/)
    await expect(open, { donationAmount: 50, contributionAmount: 100, recurrenceFrequency: 'WEEKLY' }, 400, /^Future payments must be greater than £1/)
    await expect(open, { donationAmount: 1000, recurrenceFrequency: 'WEEKLY' }, 400, /^Donation amount must be greater than £50$/)
    await expect(await newFundraiser({ currency: 'usd' }), { donationAmount: 99 }, 400, /than \$1 to avoid/)
    const malformed = await ctx.request('POST', `/public/fundraisers/${open}/donation`, { token: null, body: donationRequest({ donorEmail: 'not an email' }) })
    assert.equal(malformed.status, 400)
    assert.equal(malformed.body.message, 'Event object failed validation')
  })

  test('the public view hides internal fields and redacts donations by their flags', async () => {
    const response = await ctx.request('GET', `/public/fundraisers/${DEMO_FUNDRAISER_ID}`, { token: null })
    assert.equal(response.status, 200)
    assert.equal(response.body.internalName, undefined)
    assert.equal(response.body.groupsWithAccess, undefined)
    const john = response.body.donations.find((donation: { donorName?: string }) => donation.donorName === 'John Doe')
    assert.deepEqual(Object.keys(john).sort(), ['comment', 'createdAt', 'donorName', 'id'])
    const jane = response.body.donations.find((donation: { donorName?: string }) => donation.donorName === 'Jane Doe')
    assert.equal(jane.donationAmount, 9000)
    assert.equal(jane.giftAid, true)
    assert.equal((await ctx.request('GET', '/public/fundraisers/01H0000000000000000000000Z', { token: null })).status, 404)
  })
})

describe('Stripe webhook', () => {
  test('a one-off donation confirmed through Stripe is credited with match funding and Gift Aid, counted, and confirmed by email', async () => {
    const fundraiserId = await newFundraiser({ matchFundingRemaining: 100000, matchFundingPerDonationLimit: 15000 })
    const result = await donate(fundraiserId, {
      donationAmount: 10000,
      contributionAmount: 500,
      giftAid: true,
      addressLine1: '1 Road',
      addressPostcode: 'AB1 2CD',
      addressCountry: 'UK',
      donorEmail: 'oneoff@example.com',
    })
    assert.equal((await ctx.stripe.confirm(result.intentId)).status, 200)
    assert.deepEqual(
      ctx.stripe.deliveries.filter((delivery) => delivery.paymentIntentId === result.intentId).map((delivery) => delivery.status),
      [204],
    )
    const { fundraiser, donations } = await state(fundraiserId)
    assert.equal(fundraiser.totalRaised, 10000 + 10000 + 2500)
    assert.equal(fundraiser.donationsCount, 1)
    assert.equal(fundraiser.matchFundingRemaining, 90000)
    assert.deepEqual([donations[0].donationAmount, donations[0].matchFundingAmount, donations[0].contributionAmount, donations[0].donationCounted], [10000, 10000, 500, true])
    const audit = (await ctx.request('GET', `/admin/audit-logs/by-object/${fundraiserId}`)).body
    const credit = audit.find((entry: { subject: string; action: string }) => entry.subject === 'stripe' && entry.action === 'plus')
    assert.deepEqual(credit.metadata, { tableName: 'fundraiser', data: { totalRaised: 22500, donationsCount: 1, matchFundingRemaining: -10000 } })
    assert.equal(credit.routeRaw, 'POST /stripe/webhook')
    const mail = await ctx.smtp.waitFor((candidate) => candidate.to.includes('oneoff@example.com'))
    assert.equal(mail.subject, "We've received your donation")
    assert.match(mail.fromHeader, /Test Fundraiser/)
    assert.match(mail.text, /Your donation to AMF: £100\n/)
    assert.match(mail.text, /Total paid: £105/)
    assert.match(mail.text, /Gift Aid added: £25/)
    assert.match(mail.text, /protect 269 people/) // floor(0.0119988 × (10000 × 1.25 + 10000))
  })

  test('a recurring donation saves the card, reserves match funding for the instalments, and the pot never goes below zero', async () => {
    const fundraiserId = await newFundraiser({ matchFundingRemaining: 2000, matchFundingPerDonationLimit: null })
    const result = await donate(fundraiserId, { donationAmount: 900, contributionAmount: 0, recurrenceFrequency: 'WEEKLY', donorEmail: 'weekly@example.com' })
    await ctx.stripe.confirm(result.intentId)
    const { fundraiser, donations } = await state(fundraiserId)
    assert.equal(fundraiser.matchFundingRemaining, 0, '900 now, 900 + 200 reserved')
    assert.match(donations[0].stripeCustomerId, /^cus_/)
    assert.match(donations[0].stripePaymentMethodId, /^pm_/)
    const payments = (await ctx.request('GET', `/admin/fundraisers/${fundraiserId}/donations/${donations[0].id}/payments`)).body.sort((a: { at: number }, b: { at: number }) => a.at - b.at)
    assert.deepEqual(
      payments.map((payment: { status: string; matchFundingAmount: number }) => [payment.status, payment.matchFundingAmount]),
      [
        ['paid', 900],
        ['scheduled', 900],
        ['scheduled', 200],
      ],
    )
    assert.equal(fundraiser.totalRaised, 900 + 900, 'only the paid instalment counts')
    const mail = await ctx.smtp.waitFor((candidate) => candidate.to.includes('weekly@example.com'))
    assert.match(mail.text, /You also set up future donations:/)
    assert.match(mail.text, /Total future donations: £18/)
  })

  test('checks the signature first: missing header, wrong secret, tampered body', async () => {
    const fundraiserId = await newFundraiser()
    const { intent } = await donate(fundraiserId)
    const { payload, signature } = signedEvent(intent)
    const missing = await post(payload)
    assert.equal(missing.statusCode, 401)
    assert.equal(missing.json().message, 'Missing Stripe-Signature header')
    const wrongSecret = await post(payload, signStripePayload(payload, 'whsec_other'))
    assert.equal(wrongSecret.json().message, 'Failed to validate webhook signature')
    const tampered = await post(payload.replace('"object":"event"', '"object": "event"'), signature)
    assert.equal(tampered.statusCode, 401)
    const malformed = await post(JSON.stringify({ hello: 'world' }), signature)
    assert.equal(malformed.statusCode, 400, 'the schema is checked before the signature')
    const security = (await ctx.request('GET', '/admin/audit-logs/by-subject/public')).body.filter((entry: { action: string }) => entry.action === 'security')
    assert.ok(security.some((entry: { metadata: { message: string } }) => entry.metadata.message === 'Missing Stripe-Signature header'))
  })

  test('then each check in order, with the original messages', async () => {
    const fundraiserId = await newFundraiser()
    const { intent } = await donate(fundraiserId, { donationAmount: 1000, contributionAmount: 200 })
    const expect = async (overrides: Record<string, unknown>, status: number, message: string) => {
      const { payload, signature } = signedEvent(intent, overrides)
      const response = await post(payload, signature)
      assert.equal(response.statusCode, status, response.body)
      assert.equal(response.json().message, message)
    }
    await expect({ amount_received: 1100 }, 400, 'amount does not match amount_received')
    await expect({ metadata: { ...intent.metadata, fundraiserId: '01H0000000000000000000000Z' } }, 404, 'fundraiser not found')
    await expect({ metadata: { ...intent.metadata, donationId: '01H0000000000000000000000Z' } }, 404, 'donation not found')
    await expect({ metadata: { ...intent.metadata, paymentId: '01H0000000000000000000000Z' } }, 404, 'payment not found')
    await expect({ amount: 1100, amount_received: 1100 }, 400, 'payment intent amount does not match sum of donationAmount and contributionAmount on payment')
    await expect({ id: 'pi_someoneElse' }, 400, 'payment intent id does not match reference on payment')
    // A cancelled payment cannot be confirmed.
    const payments = (await ctx.request('GET', `/admin/fundraisers/${fundraiserId}/donations/${intent.metadata.donationId}/payments`)).body
    assert.equal((await ctx.request('PATCH', `/admin/fundraisers/${fundraiserId}/donations/${intent.metadata.donationId}/payments/${payments[0].id}`, { body: { status: 'cancelled' } })).status, 204)
    await expect({}, 400, "payment in invalid state 'cancelled' to be confirmed")
    // A manual (cash) payment cannot be confirmed by Stripe.
    const cash = await ctx.request('POST', `/admin/fundraisers/${fundraiserId}/donations/${intent.metadata.donationId}/payments`, { body: { donationAmount: 1000, contributionAmount: 200 } })
    await expect({ metadata: { ...intent.metadata, paymentId: cash.body } }, 400, "payment method is 'cash', not card")
  })

  test('a retried delivery changes nothing and sends no second email', async () => {
    const fundraiserId = await newFundraiser()
    const result = await donate(fundraiserId, { donorEmail: 'retried@example.com' })
    await ctx.stripe.confirm(result.intentId)
    const before = await state(fundraiserId)
    const event = ctx.stripe.events.find((candidate) => candidate.data.object.id === result.intentId)!
    for (let i = 0; i < 3; i++) assert.equal((await ctx.stripe.redeliver(event.id)).status, 204)
    assert.deepEqual(await state(fundraiserId), before)
    await ctx.smtp.waitFor((candidate) => candidate.to.includes('retried@example.com'))
    await eventually(async () => (await ctx.app.hearth.database.query(`SELECT count(*)::int AS n FROM jobs WHERE status = 'queued' OR status = 'running'`))[0]!.n === 0)
    assert.equal(ctx.smtp.messages.filter((candidate) => candidate.to.includes('retried@example.com')).length, 1)
  })

  test('the confirmation is queued by the time the delivery is answered; a redelivery that finds it missing queues it once', async () => {
    const fundraiserId = await newFundraiser()
    const result = await donate(fundraiserId, { donorEmail: 'outbox@example.com' })
    const confirmations = async () =>
      (await ctx.app.hearth.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE name = 'mail.send' AND payload::text LIKE $1`, [`%outbox@example.com%`]))[0]!.n
    const event = signedEvent(result.intent)
    assert.equal((await post(event.payload, event.signature)).statusCode, 204)
    assert.equal(await confirmations(), 1, 'there when the delivery is answered')
    // As if the process had died between its commit and an enqueue made after it: the job is gone, the payment paid.
    await ctx.smtp.waitFor((candidate) => candidate.to.includes('outbox@example.com'))
    await ctx.app.hearth.database.query(`DELETE FROM jobs WHERE name = 'mail.send' AND payload::text LIKE $1`, [`%outbox@example.com%`])
    const before = await state(fundraiserId)
    for (let i = 0; i < 2; i++) assert.equal((await post(event.payload, event.signature)).statusCode, 204)
    assert.equal(await confirmations(), 1)
    assert.deepEqual(await state(fundraiserId), before, 'nothing credited again')
  })

  test('concurrent duplicate deliveries wait for each other: every one answers 204 and one credits', async () => {
    const fundraiserId = await newFundraiser({ matchFundingRemaining: 50000 })
    const result = await donate(fundraiserId, { donationAmount: 2000, recurrenceFrequency: 'WEEKLY' })
    const { payload, signature } = signedEvent(result.intent, { payment_method: 'pm_card_visa', setup_future_usage: 'off_session' })
    const responses = await Promise.all(Array.from({ length: 6 }, () => post(payload, signature)))
    assert.deepEqual(
      responses.map((response) => response.statusCode),
      Array(6).fill(204),
    )
    const { fundraiser, donations } = await state(fundraiserId)
    assert.equal(donations[0].donationAmount, 2000)
    assert.equal(fundraiser.totalRaised, 4000)
    assert.equal(fundraiser.donationsCount, 1)
    assert.equal(fundraiser.matchFundingRemaining, 50000 - 2000 * 3)
  })

  test('deliveries for many donors to one fundraiser are serialised on its row: all 204, the pot drawn exactly', async () => {
    const pot = 5000
    const fundraiserId = await newFundraiser({ matchFundingRemaining: pot })
    const donors = await Promise.all(Array.from({ length: 12 }, (_, i) => donate(fundraiserId, { donationAmount: 400 + i * 10, donorEmail: `donor${i}@example.com` })))
    const events = donors.map((donor) => signedEvent(donor.intent, { payment_method: 'pm_card_visa' }))
    const responses = await Promise.all(events.map(({ payload, signature }) => post(payload, signature)))
    assert.deepEqual(
      responses.map((response) => response.statusCode),
      Array(12).fill(204),
    )
    const { fundraiser, donations } = await state(fundraiserId)
    const matched = donations.reduce((sum: number, donation: { matchFundingAmount: number }) => sum + donation.matchFundingAmount, 0)
    const donated = donations.reduce((sum: number, donation: { donationAmount: number }) => sum + donation.donationAmount, 0)
    assert.equal(fundraiser.donationsCount, 12)
    assert.ok(fundraiser.matchFundingRemaining >= 0, 'the pot never goes negative')
    assert.equal(fundraiser.matchFundingRemaining, pot - matched, 'what the donations hold came out of the pot, once')
    assert.equal(matched, pot, 'a pot smaller than the demand is used up exactly')
    assert.equal(fundraiser.totalRaised, donated + matched)
  })
})
