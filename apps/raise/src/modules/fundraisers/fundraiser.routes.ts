import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { sendId, typed, errorResponses, ADMIN_ERRORS, noContent, security, params } from '../../http/route-kit.ts'
import { CreatedId, Fundraiser, FundraiserCreation, FundraiserEdits } from '../../http/schemas.ts'
import type { Services } from '../../container.ts'
import { requires } from '../../permissions.ts'
import { auditContextOf, callerOf } from '../../auth/access.ts'

export function fundraiserRoutes(app: FastifyInstance, { fundraisers: fundraiserService }: Services) {
  const r = typed(app)
  r.get(
    '/admin/fundraisers',
    {
      schema: { operationId: 'listFundraisers', summary: 'All fundraisers', tags: ['fundraisers'], security, response: { 200: Type.Array(Fundraiser), ...errorResponses(...ADMIN_ERRORS) } },
      config: { permission: requires.listFundraisers },
    },
    () => fundraiserService.list(),
  )

  r.post(
    '/admin/fundraisers',
    {
      schema: {
        operationId: 'createFundraiser',
        summary: 'Create a fundraiser (National)',
        tags: ['fundraisers'],
        security,
        body: FundraiserCreation,
        response: { 200: CreatedId, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.createFundraiser },
    },
    (request, reply) => sendId(reply, fundraiserService.create(auditContextOf(request), callerOf(request), request.body)),
  )

  r.patch(
    '/admin/fundraisers/:fundraiserId',
    {
      schema: {
        operationId: 'editFundraiser',
        summary: 'Edit a fundraiser (its team or National; currency, pot and groups need National; totals need NationalTech)',
        tags: ['fundraisers'],
        security,
        params: params('fundraiserId'),
        body: FundraiserEdits,
        response: { 204: noContent, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.accessFundraiser },
    },
    async (request, reply) => {
      await fundraiserService.edit(auditContextOf(request), callerOf(request), request.params.fundraiserId, request.body)
      return reply.status(204).send(null)
    },
  )
}
