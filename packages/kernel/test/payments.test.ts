import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createStripeClient, formatAmountShort, formatAmount, Stripe, verifyStripeWebhook, WebhookSignatureError } from '../src/payments/index.ts'
import { startFakeStripe, parseStripeForm } from '../src/testing/stripe-api/index.ts'

const secret = 'whsec_test_secret'

describe('payments', () => {
  test('formats money in minor units', () => {
    assert.equal(formatAmountShort('gbp', 10000), '£100')
    assert.equal(formatAmountShort('gbp', 1234), '£12.34')
    assert.equal(formatAmountShort('usd', 105), '$1.05')
    assert.equal(formatAmount('gbp', 10000), '£100.00')
  })

  test('parses Stripe form encoding', () => {
    assert.deepEqual(parseStripeForm('amount=100&metadata[a]=b&automatic_payment_methods[enabled]=true'), {
      amount: '100',
      metadata: { a: 'b' },
      automatic_payment_methods: { enabled: 'true' },
    })
  })

  test('the real SDK creates, confirms and reads PaymentIntents on the fake, which then sends a signed webhook', async () => {
    const received: { body: string; signature: string }[] = []
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk) => chunks.push(chunk))
      request.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(request.headers['stripe-signature']) })
        response.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    const fake = await startFakeStripe({ webhookSecret: secret, webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` })
    try {
      const stripe = createStripeClient({ secretKey: 'sk_test_x', apiUrl: fake.url })
      const intent = await stripe.paymentIntents.create({ amount: 1500, currency: 'gbp', automatic_payment_methods: { enabled: true }, metadata: { orderId: '42' }, setup_future_usage: 'off_session' })
      assert.match(intent.id, /^pi_/)
      assert.match(intent.client_secret!, new RegExp(`^${intent.id}_secret_`))
      assert.equal(intent.status, 'requires_payment_method')
      assert.equal(received.length, 0, 'never confirms by itself')
      const confirmed = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' })
      assert.equal(confirmed.status, 'succeeded')
      assert.equal(confirmed.amount_received, 1500)
      await fake.settled()
      assert.equal(received.length, 1)
      const event = verifyStripeWebhook(received[0]!.body, received[0]!.signature, secret)
      assert.equal(event.type, 'payment_intent.succeeded')
      const object = event.data.object as Stripe.PaymentIntent
      assert.equal(object.id, intent.id)
      assert.deepEqual(object.metadata, { orderId: '42' })
      assert.match(String(object.payment_method), /^pm_/)
      assert.throws(() => verifyStripeWebhook(received[0]!.body, received[0]!.signature, 'whsec_other'), WebhookSignatureError)
      assert.throws(() => verifyStripeWebhook(received[0]!.body.replace('1500', '1501'), received[0]!.signature, secret), WebhookSignatureError)
      assert.equal((await stripe.paymentIntents.retrieve(intent.id)).status, 'succeeded')
    } finally {
      await fake.close()
      receiver.close()
    }
  })

  test('the browser confirms with the client secret alone, and an unanswered webhook is retried', async () => {
    let calls = 0
    const fake = await startFakeStripe({ webhookSecret: secret, retryDelaysMs: [1, 1], deliver: async () => (++calls < 3 ? 500 : 204) })
    try {
      const stripe = createStripeClient({ secretKey: 'sk_test_x', apiUrl: fake.url })
      const intent = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' })
      const response = await fetch(`${fake.url}/v1/payment_intents/${intent.id}/confirm`, {
        method: 'POST',
        headers: { authorization: 'Bearer pk_test_publishable', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_secret: intent.client_secret!, payment_method: 'pm_card_visa' }),
      })
      assert.equal(response.status, 200)
      const wrongSecret = await fetch(`${fake.url}/v1/payment_intents/${intent.id}`, { headers: { authorization: 'Bearer pk_test_publishable' } })
      assert.equal(wrongSecret.status, 401)
      await fake.settled()
      assert.equal(calls, 3)
      assert.deepEqual(
        fake.deliveries.map((delivery) => delivery.status),
        [500, 500, 204],
      )
    } finally {
      await fake.close()
    }
  })

  test("off-session charges: customers, saved payment methods, idempotency keys and declines in Stripe's error shape", async () => {
    const bodies: string[] = []
    const fake = await startFakeStripe({ webhookSecret: secret, deliver: async (payload) => (bodies.push(payload), 200) })
    try {
      const stripe = createStripeClient({ secretKey: 'sk_test_x', apiUrl: fake.url, maxNetworkRetries: 0 })
      const good = await stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2040, cvc: '123' } } as never)
      const customer = await stripe.customers.create({ name: 'Ann', email: 'ann@example.org', payment_method: good.id })
      assert.match(customer.id, /^cus_/)
      const params = { amount: 900, currency: 'gbp', customer: customer.id, payment_method: good.id, confirm: true, off_session: true, error_on_requires_action: true, metadata: { n: '1' } }
      const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'payment-1' })
      const again = await stripe.paymentIntents.create(params, { idempotencyKey: 'payment-1' })
      assert.equal(first.status, 'succeeded')
      assert.equal(again.id, first.id, 'same idempotency key, same PaymentIntent')
      await fake.settled()
      assert.equal(bodies.length, 1)

      const declining = await stripe.paymentMethods.create({ type: 'card', card: { number: '4000000000000002', exp_month: 1, exp_year: 2040, cvc: '123' } } as never)
      await assert.rejects(stripe.paymentIntents.create({ ...params, payment_method: declining.id }, { idempotencyKey: 'payment-2' }), (error: unknown) => {
        assert.ok(error instanceof Stripe.errors.StripeCardError)
        assert.equal(error.code, 'card_declined')
        assert.equal(error.decline_code, 'generic_decline')
        assert.equal(error.statusCode, 402)
        return true
      })
      await assert.rejects(
        stripe.paymentIntents.create({ ...params, payment_method: 'pm_card_authenticationRequired' }),
        (error: Stripe.errors.StripeError) => error.code === 'authentication_required',
      )
      await assert.rejects(
        createStripeClient({ secretKey: 'nope', apiUrl: fake.url }).paymentIntents.create({ amount: 100, currency: 'gbp' }),
        (error: Stripe.errors.StripeError) => error.statusCode === 401,
      )
      await fake.settled()
      assert.equal(bodies.length, 1, 'declines send no success webhook')
    } finally {
      await fake.close()
    }
  })
})
