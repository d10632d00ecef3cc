import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { providerCallerOf } from '../../auth/index.ts'
import { requires } from '../../permissions.ts'
import { errorResponses } from '../configuration/configuration.schemas.ts'
import { OkMessage } from '../encumbrances/encumbrances.schemas.ts'
import type { HomeJurisdictionService } from './home-jurisdiction.service.ts'

const HomeJurisdictionBody = Type.Object({ jurisdiction: Type.String({ minLength: 1, maxLength: 20, description: 'a known jurisdiction code, or other' }) }, { additionalProperties: false })

/** §2.2 `PUT /v1/provider-users/me/home-jurisdiction` (§4.10). */
export function homeJurisdictionRoutes(app: FastifyInstance, service: HomeJurisdictionService): void {
  app.withTypeProvider<TypeBoxTypeProvider>().put(
    '/v1/provider-users/me/home-jurisdiction',
    {
      config: { permission: requires.provider },
      schema: {
        tags: ['provider-users'],
        operationId: 'putProviderHomeJurisdiction',
        summary: "Change the practitioner's home jurisdiction (privileges are moved or deactivated as §4.10 says)",
        security: [{ bearer: [] }],
        body: HomeJurisdictionBody,
        response: { 200: OkMessage, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      await service.change(providerCallerOf(request), request.body.jurisdiction)
      return { message: 'ok' }
    },
  )
}
