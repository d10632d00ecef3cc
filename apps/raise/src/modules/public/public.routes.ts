import type { FastifyInstance, FastifyReply } from 'fastify'
import { sendEncodedJson } from '@hearth/kernel/http'
import { typed, errorResponses, params } from '../../http/route-kit.ts'
import { PublicDonationRequest, PublicFundraiser, PublicPaymentIntentResponse, Status } from '../../http/schemas.ts'
import type { Services } from '../../container.ts'
import type { PublicViewsCache } from '../../cache/public-views.ts'
import { auditContextOf } from '../../auth/access.ts'

export function publicRoutes(app: FastifyInstance, { public: publicService }: Services, views: PublicViewsCache) {
  const r = typed(app)
  r.get(
    '/public/status',
    {
      config: { public: true },
      schema: { operationId: 'status', summary: 'Whether the service is online', tags: ['public'], response: { 200: Status, ...errorResponses(400, 401, 500) } },
    },
    async () => ({ message: 'Service online' }),
  )

  r.get(
    '/public/fundraisers/:fundraiserId',
    {
      config: { public: true },
      schema: {
        operationId: 'getPublicFundraiser',
        summary: 'A fundraiser and its public donations',
        tags: ['public'],
        params: params('fundraiserId'),
        response: { 200: PublicFundraiser, ...errorResponses(400, 401, 404, 500) },
      },
    },
    // Answered from the per-process cache of the written JSON (src/cache/public-views.ts), compressed
    // when the client accepts it (a 5,000-donation view is about 0.75 MB as it is).
    async (request, reply) => {
      const { fundraiserId } = request.params
      const view = await views.json(fundraiserId, async () => reply.serialize(await publicService.getFundraiser(fundraiserId)) as string)
      return sendEncodedJson(request, reply as FastifyReply, view)
    },
  )

  r.post(
    '/public/fundraisers/:fundraiserId/donation',
    {
      config: { public: true, keepsFundraiserSettings: true },
      schema: {
        operationId: 'createPublicDonation',
        summary: 'Start a donation: a Stripe PaymentIntent for the first payment and the schedule of the rest',
        tags: ['public'],
        params: params('fundraiserId'),
        body: PublicDonationRequest,
        response: { 200: PublicPaymentIntentResponse, ...errorResponses(400, 401, 404, 415, 422, 500) },
      },
    },
    (request) => publicService.createDonation(auditContextOf(request), request.params.fundraiserId, request.body),
  )
}
