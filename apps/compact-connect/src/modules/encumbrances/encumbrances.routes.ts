import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { staffCallerOf } from '../../auth/index.ts'
import type { RecordKind } from '../../domain/enforcement.ts'
import { requires } from '../../permissions.ts'
import { errorResponses } from '../configuration/configuration.schemas.ts'
import type { EncumbrancesService } from './encumbrances.service.ts'
import { CloseInvestigationBody, EncumbranceBody, EncumbrancePath, InvestigationPath, LiftBody, OkMessage, OpenInvestigationBody, RecordPath } from './encumbrances.schemas.ts'

const security = [{ bearer: [] }]
const base = (kind: RecordKind) => `/v1/compacts/:compact/providers/:providerId/${kind === 'license' ? 'licenses' : 'privileges'}/jurisdiction/:jurisdiction/licenseType/:licenseType`
const Kind = (kind: RecordKind) => (kind === 'license' ? 'License' : 'Privilege')

/** §2.6 encumbrance and investigation routes on licenses and privileges: a state admin of the path jurisdiction (§3.1). */
export function encumbranceRoutes(app: FastifyInstance, service: EncumbrancesService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  for (const kind of ['privilege', 'license'] as const) {
    routes.post(
      `${base(kind)}/encumbrance`,
      {
        config: { permission: requires.admin },
        schema: {
          tags: ['encumbrances'],
          operationId: `post${Kind(kind)}Encumbrance`,
          summary: `Encumber a ${kind} (state admin of the jurisdiction; the date may not be in the future)`,
          security,
          params: RecordPath,
          body: EncumbranceBody,
          response: { 200: OkMessage, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        await service.encumber(staffCallerOf(request), kind, request.params, request.body)
        return { message: 'OK' }
      },
    )

    routes.patch(
      `${base(kind)}/encumbrance/:encumbranceId`,
      {
        config: { permission: requires.admin },
        schema: {
          tags: ['encumbrances'],
          operationId: `lift${Kind(kind)}Encumbrance`,
          summary: `Lift one encumbrance of a ${kind} (state admin of the jurisdiction)`,
          security,
          params: EncumbrancePath,
          body: LiftBody,
          response: { 200: OkMessage, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { encumbranceId, ...path } = request.params
        await service.lift(staffCallerOf(request), kind, path, encumbranceId, request.body.effectiveLiftDate)
        return { message: 'OK' }
      },
    )

    routes.post(
      `${base(kind)}/investigation`,
      {
        config: { permission: requires.admin },
        schema: {
          tags: ['investigations'],
          operationId: `post${Kind(kind)}Investigation`,
          summary: `Open an investigation on a ${kind} (state admin of the jurisdiction)`,
          security,
          params: RecordPath,
          body: OpenInvestigationBody,
          response: { 200: OkMessage, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        await service.openInvestigation(staffCallerOf(request), kind, request.params)
        return { message: 'OK' }
      },
    )

    routes.patch(
      `${base(kind)}/investigation/:investigationId`,
      {
        config: { permission: requires.admin },
        schema: {
          tags: ['investigations'],
          operationId: `close${Kind(kind)}Investigation`,
          summary: `Close an investigation on a ${kind}, optionally encumbering it first (state admin of the jurisdiction)`,
          security,
          params: InvestigationPath,
          body: CloseInvestigationBody,
          response: { 200: OkMessage, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { investigationId, ...path } = request.params
        await service.closeInvestigation(staffCallerOf(request), kind, path, investigationId, request.body)
        return { message: 'OK' }
      },
    )
  }
}
