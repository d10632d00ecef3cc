import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { sendId, typed, errorResponses, ADMIN_ERRORS, noContent, security, params } from '../../http/route-kit.ts'
import { CreatedId, Group, GroupCreation, GroupEdits } from '../../http/schemas.ts'
import type { Services } from '../../container.ts'
import { requires } from '../../permissions.ts'
import { auditContextOf } from '../../auth/access.ts'

export function groupRoutes(app: FastifyInstance, { groups: groupService }: Services) {
  const r = typed(app)
  r.get(
    '/admin/groups',
    {
      schema: { operationId: 'listGroups', summary: 'All groups', tags: ['groups'], security, response: { 200: Type.Array(Group), ...errorResponses(...ADMIN_ERRORS) } },
      config: { permission: requires.listGroups },
    },
    () => groupService.list(),
  )
  r.post(
    '/admin/groups',
    {
      schema: { operationId: 'createGroup', summary: 'Create a group (National)', tags: ['groups'], security, body: GroupCreation, response: { 200: CreatedId, ...errorResponses(...ADMIN_ERRORS) } },
      config: { permission: requires.manageGroups },
    },
    (request, reply) => sendId(reply, groupService.create(auditContextOf(request), request.body)),
  )
  r.patch(
    '/admin/groups/:groupId',
    {
      schema: {
        operationId: 'editGroup',
        summary: 'Rename a group (National)',
        tags: ['groups'],
        security,
        params: params('groupId'),
        body: GroupEdits,
        response: { 204: noContent, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.manageGroups },
    },
    async (request, reply) => {
      await groupService.edit(auditContextOf(request), request.params.groupId, request.body)
      return reply.status(204).send(null)
    },
  )
}
