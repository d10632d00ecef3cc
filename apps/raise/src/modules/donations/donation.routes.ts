import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { sendId, typed, errorResponses, ADMIN_ERRORS, noContent, security, params } from '../../http/route-kit.ts'
import { CreatedId, Donation, DonationCreation, DonationEdits } from '../../http/schemas.ts'
import type { Services } from '../../container.ts'
import { requires } from '../../permissions.ts'
import { auditContextOf, callerOf } from '../../auth/access.ts'

export function donationRoutes(app: FastifyInstance, { donations: donationService }: Services) {
  const r = typed(app)
  r.get(
    '/admin/fundraisers/:fundraiserId/donations',
    {
      schema: {
        operationId: 'listDonations',
        summary: "A fundraiser's donations, newest first",
        tags: ['donations'],
        security,
        params: params('fundraiserId'),
        response: { 200: Type.Array(Donation), ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.accessFundraiser },
    },
    (request) => donationService.list(callerOf(request), request.params.fundraiserId),
  )

  r.post(
    '/admin/fundraisers/:fundraiserId/donations',
    {
      schema: {
        operationId: 'createDonation',
        summary: 'Record a donation (Stripe ids need NationalTech)',
        tags: ['donations'],
        security,
        params: params('fundraiserId'),
        body: DonationCreation,
        response: { 200: CreatedId, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.accessFundraiser },
    },
    (request, reply) => sendId(reply, donationService.create(auditContextOf(request), callerOf(request), request.params.fundraiserId, request.body)),
  )

  r.patch(
    '/admin/fundraisers/:fundraiserId/donations/:donationId',
    {
      schema: {
        operationId: 'editDonation',
        summary: 'Edit a donation (amount totals and Stripe ids need NationalTech)',
        tags: ['donations'],
        security,
        params: params('fundraiserId', 'donationId'),
        body: DonationEdits,
        response: { 204: noContent, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.accessFundraiser },
    },
    async (request, reply) => {
      await donationService.edit(auditContextOf(request), callerOf(request), request.params.fundraiserId, request.params.donationId, request.body)
      return reply.status(204).send(null)
    },
  )
}
