import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { typed, errorResponses, ADMIN_ERRORS, security, params } from '../../http/route-kit.ts'
import { AuditLog } from '../../http/schemas.ts'
import type { Services } from '../../container.ts'
import { requires } from '../../permissions.ts'

export function auditLogRoutes(app: FastifyInstance, { auditLogs: auditLogService }: Services) {
  const r = typed(app)
  r.get(
    '/admin/audit-logs/by-object/:objectId',
    {
      schema: {
        operationId: 'auditLogsByObject',
        summary: 'Audit entries about one object, newest first (National)',
        tags: ['audit'],
        security,
        params: params('objectId'),
        response: { 200: Type.Array(AuditLog), ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.readAuditLogs },
    },
    (request) => auditLogService.byObject(request.params.objectId),
  )
  r.get(
    '/admin/audit-logs/by-subject/:subjectId',
    {
      schema: {
        operationId: 'auditLogsBySubject',
        summary: 'Audit entries by one subject, latest first (National)',
        tags: ['audit'],
        security,
        params: params('subjectId'),
        response: { 200: Type.Array(AuditLog), ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.readAuditLogs },
    },
    (request) => auditLogService.bySubject(request.params.subjectId),
  )
}
