import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses } from '../configuration/configuration.schemas.ts'
import { ProviderQueryBody } from '../providers/providers.schemas.ts'
import type { PublicLookupService } from './public.service.ts'
import { PublicProviderQueryResult, PublicProviderView } from './public.schemas.ts'

const Segment = Type.String({ minLength: 1, maxLength: 100 })

/** §2.1 public provider lookup: no token (an `Authorization` header, such as the logged-out app's `null null`, is ignored). */
export function publicLookupRoutes(app: FastifyInstance, service: PublicLookupService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()

  routes.post(
    '/v1/public/compacts/:compact/providers/query',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        operationId: 'queryPublicProviders',
        summary: 'Look up providers holding privileges by id, live jurisdiction or name (public fields, paginated)',
        security: [],
        params: Type.Object({ compact: Segment }),
        body: ProviderQueryBody,
        response: { 200: PublicProviderQueryResult, ...errorResponses(400) },
      },
    },
    async (request) => service.query(request.params.compact, request.body),
  )

  routes.get(
    '/v1/public/compacts/:compact/providers/:providerId',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        operationId: 'getPublicProvider',
        summary: 'A provider with its privileges (public fields; at least 1 s)',
        security: [],
        params: Type.Object({ compact: Segment, providerId: Segment }),
        response: { 200: PublicProviderView, ...errorResponses(400, 404) },
      },
    },
    async (request) => service.get(request.params.compact, request.params.providerId),
  )
}
