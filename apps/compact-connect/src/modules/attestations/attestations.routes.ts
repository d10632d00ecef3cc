import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requires } from '../../permissions.ts'
import { errorResponses } from '../configuration/configuration.schemas.ts'
import { AttestationView } from './attestations.schemas.ts'
import type { AttestationsService } from './attestations.service.ts'

/** §2.2: the latest version of an attestation, for practitioners (provider pool token). */
export function attestationsRoutes(app: FastifyInstance, service: AttestationsService): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/compacts/:compact/attestations/:attestationId',
    {
      config: { permission: requires.provider },
      schema: {
        tags: ['attestations'],
        operationId: 'getAttestation',
        summary: 'The latest version of an attestation in a locale (default en)',
        params: Type.Object({ compact: Type.String({ minLength: 1, maxLength: 20 }), attestationId: Type.String({ minLength: 1, maxLength: 100 }) }),
        querystring: Type.Object({ locale: Type.Optional(Type.String({ minLength: 2, maxLength: 10 })) }),
        response: { 200: AttestationView, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => service.latest(request.params.compact, request.params.attestationId, request.query.locale),
  )
}
