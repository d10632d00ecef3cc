import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from '@hearth/kernel'
import type { Stripe } from '@hearth/kernel/payments'
import { CollectionService } from '../src/modules/scheduler/collection.service.ts'
import { startRaise, donationRequest, eventually, type RaiseTestContext, NATIONAL, NATIONAL_TECH } from './helpers.ts'

let ctx: RaiseTestContext
before(async () => {
  ctx = await startRaise({ seed: true, env: { SCHEDULES_ENABLED: 'true', JOBS_ENABLED: 'false' } })
})
after(() => ctx.close())

async function recurringDonation(paymentMethod: string) {
  const now = Math.floor(Date.now() / 1000)
  const fundraiserId = (await ctx.request('POST', '/admin/fundraisers', { body: { activeFrom: now - 60, recurringDonationsTo: now + 2.5 * 7 * 86400, matchFundingRate: 100 } })).body
  const response = await ctx.request('POST', `/public/fundraisers/${fundraiserId}/donation`, { token: null, body: donationRequest({ donationAmount: 900, recurrenceFrequency: 'WEEKLY' }) })
  const intentId = response.body.stripeClientSecret.split('_secret_')[0]
  assert.equal((await ctx.stripe.confirm(intentId, 'pm_card_visa')).status, 200)
  const donationId = ctx.stripe.paymentIntents.get(intentId)!.metadata.donationId as string
  // The saved card decides how the off-session charges go.
  if (paymentMethod !== 'pm_card_visa') {
    assert.equal(
      (await ctx.request('PATCH', `/admin/fundraisers/${fundraiserId}/donations/${donationId}`, { token: await ctx.token([NATIONAL, NATIONAL_TECH]), body: { stripePaymentMethodId: paymentMethod } }))
        .status,
      204,
    )
  }
  // Time passes: the first instalment falls due.
  const [due] = await ctx.database.query<{ id: string }>(
    `UPDATE payments SET at = $2 WHERE id = (SELECT id FROM payments WHERE donation_id = $1 AND status = 'scheduled' ORDER BY at LIMIT 1) RETURNING id`,
    [donationId, now - 10],
  )
  return { fundraiserId, donationId, dueId: due!.id }
}

const paymentsOf = async (fundraiserId: string, donationId: string) =>
  (await ctx.request('GET', `/admin/fundraisers/${fundraiserId}/donations/${donationId}/payments`)).body as { id: string; status: string; reference: string | null }[]

describe('scheduled collection', () => {
  test('only the scheduler token may call it', async () => {
    const response = await ctx.request('POST', '/scheduler/collect-payments')
    assert.deepEqual([response.status, response.body.message], [403, 'Only scheduler can call /scheduler endpoints'])
    assert.equal((await ctx.request('POST', '/scheduler/collect-payments', { token: null })).status, 401)
  })

  test('charges due instalments off-session; the webhook then marks them paid', async () => {
    const { fundraiserId, donationId, dueId } = await recurringDonation('pm_card_visa')
    const response = await ctx.request('POST', '/scheduler/collect-payments', { token: await ctx.token([], 'scheduler') })
    assert.equal(response.status, 204)
    await ctx.stripe.settled()
    const due = (await paymentsOf(fundraiserId, donationId)).find((payment) => payment.id === dueId)!
    assert.equal(due.status, 'paid')
    assert.match(due.reference!, /^pi_/)
    const intent = ctx.stripe.paymentIntents.get(due.reference!)!
    assert.equal(intent.customer !== null, true)
    const donation = (await ctx.request('GET', `/admin/fundraisers/${fundraiserId}/donations`)).body[0]
    assert.equal(donation.donationAmount, 1800)
    assert.equal(donation.matchFundingAmount, 1800)
    const audit = (await ctx.request('GET', `/admin/audit-logs/by-object/${dueId}`)).body
    assert.ok(audit.some((entry: { subject: string; metadata: { data: { reference?: string } } }) => entry.subject === 'scheduler' && entry.metadata.data.reference === due.reference))
  })

  test('a declined charge stays scheduled and is tried again on the next run', async () => {
    const { fundraiserId, donationId, dueId } = await recurringDonation('pm_card_chargeDeclined')
    const scheduler = await ctx.token([], 'scheduler')
    const result = await ctx.app.raise.services.collection.collect({ subject: 'scheduler' })
    assert.deepEqual(result, { attempted: 1, succeeded: 0, failed: 1 })
    let due = (await paymentsOf(fundraiserId, donationId)).find((payment) => payment.id === dueId)!
    assert.deepEqual([due.status, due.reference], ['scheduled', null])
    // Next day: the idempotency window has passed and the donor's card now works.
    ctx.stripe.forgetIdempotencyKeys()
    await ctx.request('PATCH', `/admin/fundraisers/${fundraiserId}/donations/${donationId}`, { token: await ctx.token([NATIONAL, NATIONAL_TECH]), body: { stripePaymentMethodId: 'pm_card_visa' } })
    assert.equal((await ctx.request('POST', '/scheduler/collect-payments', { token: scheduler })).status, 204)
    await ctx.stripe.settled()
    due = (await paymentsOf(fundraiserId, donationId)).find((payment) => payment.id === dueId)!
    assert.equal(due.status, 'paid')
  })

  test('two runs racing for one payment create one PaymentIntent (idempotency key = payment id)', async () => {
    const { fundraiserId, donationId, dueId } = await recurringDonation('pm_card_visa')
    const before = ctx.stripe.paymentIntents.size
    await Promise.all([ctx.app.raise.services.collection.collect({ subject: 'scheduler' }), ctx.app.raise.services.collection.collect({ subject: 'scheduler' })])
    await ctx.stripe.settled()
    assert.equal(ctx.stripe.paymentIntents.size, before + 1)
    const due = (await paymentsOf(fundraiserId, donationId)).find((payment) => payment.id === dueId)!
    assert.equal(due.status, 'paid')
    const donation = (await ctx.request('GET', `/admin/fundraisers/${fundraiserId}/donations`)).body[0]
    assert.equal(donation.donationAmount, 1800, 'credited once')
  })

  test('a charged payment whose webhook has not arrived is not charged again, even after the idempotency window', async () => {
    const { fundraiserId, donationId, dueId } = await recurringDonation('pm_card_visa')
    const deliver = async (payload: string, signature: string) =>
      (await ctx.app.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, payload })).statusCode
    ctx.stripe.setWebhook({ deliver: async () => 503 })
    try {
      await ctx.app.raise.services.collection.collect({ subject: 'scheduler' })
      await ctx.stripe.settled()
      const charged = (await paymentsOf(fundraiserId, donationId)).find((payment) => payment.id === dueId)!
      assert.deepEqual([charged.status, charged.reference?.startsWith('pi_')], ['scheduled', true])
      const intents = ctx.stripe.paymentIntents.size
      ctx.stripe.forgetIdempotencyKeys()
      await ctx.app.raise.services.collection.collect({ subject: 'scheduler' })
      assert.equal(ctx.stripe.paymentIntents.size, intents, 'no second charge')
    } finally {
      ctx.stripe.setWebhook({ deliver })
    }
    const event = ctx.stripe.events.findLast((candidate) => candidate.data.object.metadata.paymentId === dueId)!
    assert.equal((await ctx.stripe.redeliver(event.id)).status, 204)
    assert.equal((await paymentsOf(fundraiserId, donationId)).find((payment) => payment.id === dueId)!.status, 'paid')
  })

  test('the daily schedule enqueues one collection per day however many processes tick', async () => {
    const { fundraiserId, donationId, dueId } = await recurringDonation('pm_card_visa')
    const slot = new Date()
    slot.setUTCHours(8, 0, 30, 0)
    const jobs = ctx.app.raise.jobs
    const claims = await Promise.all([jobs.tickSchedules(slot), jobs.tickSchedules(slot), jobs.tickSchedules(new Date(slot.getTime() + 60_000))])
    assert.deepEqual(claims.flat(), ['raise.daily-collection'])
    await jobs.drain()
    await ctx.stripe.settled()
    await eventually(async () => (await paymentsOf(fundraiserId, donationId)).find((payment) => payment.id === dueId)!.status === 'paid')
  })

  test('the bulk task cancels scheduled card payments and returns their match funding to a limited pot', async () => {
    const now = Math.floor(Date.now() / 1000)
    const fundraiserId = (
      await ctx.request('POST', '/admin/fundraisers', { body: { activeFrom: now - 60, recurringDonationsTo: now + 2.5 * 7 * 86400, matchFundingRate: 100, matchFundingRemaining: 10000 } })
    ).body
    const response = await ctx.request('POST', `/public/fundraisers/${fundraiserId}/donation`, { token: null, body: donationRequest({ donationAmount: 1000, recurrenceFrequency: 'WEEKLY' }) })
    await ctx.stripe.confirm(response.body.stripeClientSecret.split('_secret_')[0])
    const pot = async () => (await ctx.request('GET', '/admin/fundraisers')).body.find((row: { id: string }) => row.id === fundraiserId).matchFundingRemaining
    assert.equal(await pot(), 7000)
    assert.equal((await ctx.request('POST', '/admin/tasks/01H8VB3KZRCGP3HYKS97MH11G2')).status, 204)
    assert.equal(await pot(), 9000)
    const left = await ctx.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE status = 'scheduled'`)
    assert.equal(left[0]!.n, 0)
  })

  test('no transaction or row lock is held while Stripe answers; a cancellation meanwhile is refused, not queued', async () => {
    const { fundraiserId, donationId, dueId } = await recurringDonation('pm_card_visa')
    const { stripe, lookup, repositories, slack } = ctx.app.raise
    // A Stripe that holds its answer until the test lets it go.
    let answer!: () => void
    const held = new Promise<void>((resolve) => (answer = resolve))
    let calling!: () => void
    const called = new Promise<void>((resolve) => (calling = resolve))
    const slowStripe = {
      paymentIntents: {
        create: async (...args: Parameters<Stripe['paymentIntents']['create']>) => {
          calling()
          await held
          return stripe.paymentIntents.create(...args)
        },
      },
    } as unknown as Stripe
    const collection = new CollectionService(ctx.database, slowStripe, lookup, repositories.payments, slack, { delayMs: 0, log: { info() {}, error() {} } })
    const run = collection.collect({ subject: 'scheduler', sourceIp: '127.0.0.1', userAgent: 'test', route: 'test' })
    await called
    // The row is not locked: a NOWAIT lock succeeds at once.
    await ctx.database.transaction(async (tx) => {
      await tx.execute(sql`SELECT id FROM payments WHERE id = ${dueId} FOR UPDATE NOWAIT`)
    })
    // The payment is claimed, so a cancellation is refused at once (money may be on its way).
    const cancel = await ctx.request('PATCH', `/admin/fundraisers/${fundraiserId}/donations/${donationId}/payments/${dueId}`, { token: await ctx.token([NATIONAL]), body: { status: 'cancelled' } })
    assert.equal(cancel.status, 409)
    answer()
    assert.deepEqual(await run, { attempted: 1, succeeded: 1, failed: 0 })
    await ctx.stripe.settled()
    const due = (await paymentsOf(fundraiserId, donationId)).find((payment) => payment.id === dueId)!
    assert.equal(due.status, 'paid')
    assert.match(due.reference!, /^pi_/)
  })
})
