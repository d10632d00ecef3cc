// Development and QA only, when no STRIPE_SECRET_KEY is configured: the local fake Stripe API (test
// code from `@hearth/kernel/testing`) in-process, and the route that confirms a PaymentIntent on it.
// container.ts loads this file with a dynamic `import()` only in that case, so a production install
// (which must configure a key, and may omit development dependencies) never loads it.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { errors, HearthError } from '@hearth/kernel'
import { createStripeClient, type Stripe } from '@hearth/kernel/payments'
import { startFakeStripe, type FakeStripe } from '@hearth/kernel/testing/stripe-api'
import type { RaiseConfig } from '../../config.ts'
import { typed, errorResponses, params } from '../../http/route-kit.ts'
import { LIMITS } from '../../http/schemas.ts'

export interface DevelopmentStripe {
  stripe: Stripe
  /** Registers `POST /dev/stripe/payment-intents/{id}/confirm`. */
  registerRoutes(app: FastifyInstance): void
  close(): Promise<void>
}

/** Starts the fake; it delivers its signed webhooks to this app's `/stripe/webhook` through `inject`. */
export async function startDevelopmentStripe(config: RaiseConfig, app: FastifyInstance): Promise<DevelopmentStripe> {
  if (config.env === 'production') throw new Error('The fake Stripe API is never used in production')
  const fake = await startFakeStripe({
    webhookSecret: config.stripe.webhookSecret,
    deliver: async (payload, signature) =>
      (await app.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, payload })).statusCode,
  })
  return {
    stripe: createStripeClient({ secretKey: 'sk_test_hearth_local_fake', apiUrl: fake.url, timeoutMs: config.stripe.timeoutMs }),
    registerRoutes: (scope) => fakeStripeRoutes(scope, fake),
    close: () => fake.close(),
  }
}

/** What the donor's browser would do with Stripe.js: confirm a PaymentIntent, after which the fake delivers the signed webhook. */
function fakeStripeRoutes(app: FastifyInstance, fake: FakeStripe) {
  typed(app).post(
    '/dev/stripe/payment-intents/:paymentIntentId/confirm',
    {
      config: { public: true },
      schema: {
        operationId: 'devConfirmPaymentIntent',
        summary: 'Development only: confirm a PaymentIntent on the local fake Stripe (pm_card_visa succeeds, pm_card_chargeDeclined declines)',
        tags: ['development'],
        params: params('paymentIntentId'),
        querystring: Type.Object({ paymentMethod: Type.Optional(Type.String({ maxLength: LIMITS.shortTextLength, description: 'default pm_card_visa' })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ id: Type.String(), status: Type.String(), amount: Type.Integer() }), ...errorResponses(400, 402, 404) },
      },
    },
    async (request) => {
      const result = await fake.confirm(request.params.paymentIntentId, request.query.paymentMethod ?? 'pm_card_visa')
      if (result.status === 404) throw errors.notFound('payment intent not found')
      if (result.status !== 200) throw new HearthError('PAYMENT_FAILED', result.body.error?.message ?? 'confirmation failed', result.status === 402 ? 402 : 400)
      return { id: result.body.id, status: result.body.status, amount: result.body.amount }
    },
  )
}
