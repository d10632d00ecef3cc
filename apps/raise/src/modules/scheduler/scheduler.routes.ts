import type { FastifyInstance } from 'fastify'
import { typed, errorResponses, ADMIN_ERRORS, noContent, security } from '../../http/route-kit.ts'
import type { Services } from '../../container.ts'
import { requires } from '../../permissions.ts'
import { auditContextOf } from '../../auth/access.ts'

export function schedulerRoutes(app: FastifyInstance, { collection: collectionService }: Services) {
  typed(app).post(
    '/scheduler/collect-payments',
    {
      schema: {
        operationId: 'collectPayments',
        summary: 'Charge every due scheduled card payment (scheduler token)',
        tags: ['scheduler'],
        security,
        response: { 204: noContent, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.collectPayments },
    },
    async (request, reply) => {
      await collectionService.collect(auditContextOf(request))
      return reply.status(204).send(null)
    },
  )
}
