import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { errors, HearthError } from '@hearth/kernel'
import type { FakeStripe } from '@hearth/kernel/testing/stripe-api'
import { typed, errorResponses, params } from '../../http/route-kit.ts'
import { LIMITS } from '../../http/schemas.ts'

/**
 * Development only (no STRIPE_SECRET_KEY): what the donor's browser would do with Stripe.js. Confirms
 * a PaymentIntent on the in-process fake Stripe, which then delivers the signed webhook back.
 */
export function fakeStripeRoutes(app: FastifyInstance, fake: FakeStripe) {
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
