import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { sendId, typed, errorResponses, ADMIN_ERRORS, noContent, security, params } from '../../http/route-kit.ts'
import { CreatedId, Payment, PaymentCreation, PaymentPropertyEdits } from '../../http/schemas.ts'
import type { Services } from '../../container.ts'
import { requires } from '../../permissions.ts'
import { auditContextOf, callerOf } from '../../auth/access.ts'

export function paymentRoutes(app: FastifyInstance, { payments: paymentService }: Services) {
  const r = typed(app)
  const base = '/admin/fundraisers/:fundraiserId/donations/:donationId/payments'
  r.get(
    base,
    {
      schema: {
        operationId: 'listPayments',
        summary: "A donation's payments, newest first",
        tags: ['payments'],
        security,
        params: params('fundraiserId', 'donationId'),
        response: { 200: Type.Array(Payment), ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.accessFundraiser },
    },
    (request) => paymentService.list(callerOf(request), request.params.fundraiserId, request.params.donationId),
  )

  r.post(
    base,
    {
      schema: {
        operationId: 'createPayment',
        summary: 'A manual payment or refund (card payments need National)',
        tags: ['payments'],
        security,
        params: params('fundraiserId', 'donationId'),
        body: PaymentCreation,
        response: { 200: CreatedId, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.accessFundraiser },
    },
    (request, reply) => sendId(reply, paymentService.create(auditContextOf(request), callerOf(request), request.params.fundraiserId, request.params.donationId, request.body)),
  )

  r.patch(
    `${base}/:paymentId`,
    {
      schema: {
        operationId: 'editPayment',
        summary: 'Edit one property of a payment, or cancel it (National)',
        tags: ['payments'],
        security,
        params: params('fundraiserId', 'donationId', 'paymentId'),
        body: PaymentPropertyEdits,
        response: { 204: noContent, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.editPayment },
    },
    async (request, reply) => {
      await paymentService.edit(auditContextOf(request), callerOf(request), request.params.fundraiserId, request.params.donationId, request.params.paymentId, request.body)
      return reply.status(204).send(null)
    },
  )
}
