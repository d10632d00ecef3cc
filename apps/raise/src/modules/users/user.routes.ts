import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { sendId, typed, errorResponses, ADMIN_ERRORS, noContent, security, params } from '../../http/route-kit.ts'
import { CreatedId, User, UserCreation, UserEdits } from '../../http/schemas.ts'
import type { Services } from '../../container.ts'
import { requires } from '../../permissions.ts'
import { auditContextOf, callerOf } from '../../auth/access.ts'

export function userRoutes(app: FastifyInstance, { users: userService }: Services) {
  const r = typed(app)
  r.get(
    '/admin/users',
    {
      schema: { operationId: 'listUsers', summary: 'All users (National)', tags: ['users'], security, response: { 200: Type.Array(User), ...errorResponses(...ADMIN_ERRORS) } },
      config: { permission: requires.manageUsers },
    },
    () => userService.list(),
  )
  r.post(
    '/admin/users',
    {
      schema: {
        operationId: 'createUser',
        summary: 'Create a user (National); optionally emails them',
        tags: ['users'],
        security,
        body: UserCreation,
        response: { 200: CreatedId, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.manageUsers },
    },
    (request, reply) => sendId(reply, userService.create(auditContextOf(request), callerOf(request).subject, request.body)),
  )
  r.patch(
    '/admin/users/:userId',
    {
      schema: {
        operationId: 'editUser',
        summary: 'Edit a user (National)',
        tags: ['users'],
        security,
        params: params('userId'),
        body: UserEdits,
        response: { 204: noContent, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.manageUsers },
    },
    async (request, reply) => {
      await userService.edit(auditContextOf(request), request.params.userId, request.body)
      return reply.status(204).send(null)
    },
  )
}
