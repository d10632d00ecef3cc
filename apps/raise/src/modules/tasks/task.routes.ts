import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { typed, errorResponses, ADMIN_ERRORS, noContent, security, params } from '../../http/route-kit.ts'
import { Task } from '../../http/schemas.ts'
import type { Services } from '../../container.ts'
import { requires } from '../../permissions.ts'
import { auditContextOf, callerOf } from '../../auth/access.ts'

export function taskRoutes(app: FastifyInstance, { tasks: taskService }: Services) {
  const r = typed(app)
  r.get(
    '/admin/tasks',
    {
      schema: {
        operationId: 'listTasks',
        summary: "The maintenance tasks the caller's groups may run",
        tags: ['tasks'],
        security,
        response: { 200: Type.Array(Task), ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.listTasks },
    },
    (request) => taskService.list(callerOf(request)),
  )
  r.post(
    '/admin/tasks/:taskId',
    {
      schema: {
        operationId: 'runTask',
        summary: 'Run a task (audited before the group check)',
        tags: ['tasks'],
        security,
        params: params('taskId'),
        response: { 204: noContent, ...errorResponses(...ADMIN_ERRORS) },
      },
      config: { permission: requires.runTask },
    },
    async (request, reply) => {
      await taskService.run(auditContextOf(request), callerOf(request), request.params.taskId)
      return reply.status(204).send(null)
    },
  )
}
