import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { staffCallerOf } from '../../auth/index.ts'
import { requires } from '../../permissions.ts'
import { errorResponses } from '../configuration/configuration.schemas.ts'
import { OkMessage, RecordPath } from '../encumbrances/encumbrances.schemas.ts'
import type { PrivilegesService } from './privileges.service.ts'

const DeactivationBody = Type.Object({ deactivationNote: Type.String({ maxLength: 256 }) }, { additionalProperties: false })

/** §2.6 privilege deactivation by a compact admin (§4.7). */
export function privilegeRoutes(app: FastifyInstance, service: PrivilegesService): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/compacts/:compact/providers/:providerId/privileges/jurisdiction/:jurisdiction/licenseType/:licenseType/deactivate',
    {
      config: { permission: requires.admin },
      schema: {
        tags: ['privileges'],
        operationId: 'deactivatePrivilege',
        summary: 'Deactivate a privilege (compact admin); only a renewal makes it active again',
        security: [{ bearer: [] }],
        params: RecordPath,
        body: DeactivationBody,
        response: { 200: OkMessage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await service.deactivate(staffCallerOf(request), request.params, request.body.deactivationNote)
      return { message: 'OK' }
    },
  )
}
