import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { stateCallerOf } from '../../auth/index.ts'
import type { Container } from '../../container.ts'
import { requires } from '../../permissions.ts'
import { signedPartsOf } from '../ingest/ingest.routes.ts'
import { StateProviderQueryBody, StateProviderQueryResult, StateProviderView } from './state-api.schemas.ts'

const Segment = Type.String({ minLength: 1, maxLength: 20 })

/** The State API's reads (§2.7): state app clients only, every request signed. */
export async function stateApiRoutes(app: FastifyInstance, container: Container): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const service = container.services.stateApi
  const tags = ['state-api']

  routes.post(
    '/v1/compacts/:compact/jurisdictions/:jurisdiction/providers/query',
    {
      schema: {
        tags,
        operationId: 'stateQueryProviders',
        summary: 'Providers with a privilege in the jurisdiction updated within a window of at most 7 days (signed)',
        params: Type.Object({ compact: Segment, jurisdiction: Segment }),
        body: StateProviderQueryBody,
        response: { 200: StateProviderQueryResult },
      },
      config: { permission: requires.readGeneral },
    },
    async (request) => service.queryProviders(stateCallerOf(request), request.params.compact.toLowerCase(), request.params.jurisdiction.toLowerCase(), request.body, signedPartsOf(request)),
  )

  routes.get(
    '/v1/compacts/:compact/jurisdictions/:jurisdiction/providers/:providerId',
    {
      schema: {
        tags,
        operationId: 'stateGetProvider',
        summary: "A provider's privileges in the jurisdiction, each with its home license (signed)",
        params: Type.Object({ compact: Segment, jurisdiction: Segment, providerId: Type.String({ format: 'uuid', maxLength: 36 }) }),
        response: { 200: StateProviderView },
      },
      config: { permission: requires.readGeneral },
    },
    async (request) => service.provider(stateCallerOf(request), request.params.compact.toLowerCase(), request.params.jurisdiction.toLowerCase(), request.params.providerId, signedPartsOf(request)),
  )
}
