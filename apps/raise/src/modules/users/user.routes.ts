import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { sendId, typed, errorResponses, ADMIN_ERRORS, noContent, security, params } from '../../http/route-kit.ts'
import { CreatedId, User, UserCreation, UserEdits } from '../../http/schemas.ts'
import type { Container } from '../../container.ts'
import { presentUser } from './user.service.ts'

export function userRoutes(app: FastifyInstance, { userService }: Container) {
  const r = typed(app)
  r.get(
    '/admin/users',
    {
      schema: { operationId: 'listUsers', summary: 'All users (National)', tags: ['users'], security, response: { 200: Type.Array(User), ...errorResponses(...ADMIN_ERRORS) } },
      config: { permission: 'user.manage' },
    },
    async () => (await userService.list()).map(presentUser),
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
      config: { permission: 'user.manage' },
    },
    (request, reply) => sendId(reply, userService.create(request.raiseAudit, request.raiseCaller!.subject, request.body)),
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
      config: { permission: 'user.manage' },
    },
    async (request, reply) => {
      await userService.edit(request.raiseAudit, request.params.userId, request.body)
      return reply.status(204).send(null)
    },
  )
}
