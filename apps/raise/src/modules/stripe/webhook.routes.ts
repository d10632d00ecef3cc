import type { FastifyInstance } from 'fastify'
import { registerRawJsonBody } from '@hearth/kernel/payments'
import { typed, errorResponses, noContent } from '../../http/route-kit.ts'
import { StripeWebhookRequest } from '../../http/schemas.ts'
import type { Services } from '../../container.ts'
import { auditContextOf } from '../../auth/access.ts'

/** In its own encapsulated plugin: only this route keeps the raw body for the signature check. */
export async function webhookRoutes(app: FastifyInstance, { webhook: webhookService }: Services) {
  await app.register(async (scope) => {
    registerRawJsonBody(scope, ['application/json', /^application\/.+\+json$/])
    typed(scope).post(
      '/stripe/webhook',
      {
        // Stripe's signature is the credential (checked in the service). It credits totals, never settings.
        config: { public: true, keepsFundraiserSettings: true },
        schema: {
          operationId: 'stripeWebhook',
          summary: 'Stripe `payment_intent.succeeded` events (signed with STRIPE_WEBHOOK_SECRET)',
          tags: ['stripe'],
          body: StripeWebhookRequest,
          response: { 204: noContent, ...errorResponses(400, 401, 404, 409, 415, 422, 500) },
        },
      },
      async (request, reply) => {
        const signature = request.headers['stripe-signature']
        await webhookService.handle(auditContextOf(request), request.rawBody, typeof signature === 'string' ? signature : undefined, request.body)
        return reply.status(204).send(null)
      },
    )
  })
}
