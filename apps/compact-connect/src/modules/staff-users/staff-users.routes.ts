import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { staffCallerOf } from '../../auth/index.ts'
import { requires } from '../../permissions.ts'
import { errorResponses } from '../configuration/configuration.schemas.ts'
import type { StaffUsersService } from './staff-users.service.ts'
import { CreateStaffUserBody, ListQuery, Message, PatchMeBody, PatchStaffUserBody, StaffUserList, StaffUserView } from './staff-users.schemas.ts'

const CompactPath = Type.Object({ compact: Type.String({ minLength: 1, maxLength: 20 }) })
const UserPath = Type.Object({ compact: Type.String({ minLength: 1, maxLength: 20 }), userId: Type.String({ minLength: 1, maxLength: 100 }) })
const security = [{ bearer: [] }]

/** §2.4: the staff user's own account and the compact admins' user management. */
export function staffUserRoutes(app: FastifyInstance, service: StaffUsersService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()

  routes.get(
    '/v1/staff-users/me',
    {
      config: { permission: requires.profile },
      schema: {
        tags: ['staff-users'],
        operationId: 'getMyStaffUser',
        summary: "The caller's user, merged across its compacts",
        security,
        response: { 200: StaffUserView, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => service.me(staffCallerOf(request)),
  )

  routes.patch(
    '/v1/staff-users/me',
    {
      config: { permission: requires.profile },
      schema: {
        tags: ['staff-users'],
        operationId: 'patchMyStaffUser',
        summary: "Change the caller's given or family name (every compact record)",
        security,
        body: PatchMeBody,
        response: { 200: StaffUserView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => service.patchMe(staffCallerOf(request), request.body),
  )

  routes.get(
    '/v1/compacts/:compact/staff-users',
    {
      config: { permission: requires.admin },
      schema: {
        tags: ['staff-users'],
        operationId: 'listStaffUsers',
        summary: "The compact's staff users by family name; jurisdiction admins see users of their jurisdictions",
        security,
        params: CompactPath,
        querystring: ListQuery,
        response: { 200: StaffUserList, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => service.list(staffCallerOf(request), request.params.compact, request.query),
  )

  routes.post(
    '/v1/compacts/:compact/staff-users',
    {
      config: { permission: requires.admin },
      schema: {
        tags: ['staff-users'],
        operationId: 'createStaffUser',
        summary: 'Create a staff user (or merge permissions into an existing one with that e-mail)',
        security,
        params: CompactPath,
        body: CreateStaffUserBody,
        response: { 200: StaffUserView, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => service.create(staffCallerOf(request), request.params.compact, request.body),
  )

  routes.get(
    '/v1/compacts/:compact/staff-users/:userId',
    {
      config: { permission: requires.admin },
      schema: { tags: ['staff-users'], operationId: 'getStaffUser', summary: 'One staff user', security, params: UserPath, response: { 200: StaffUserView, ...errorResponses(401, 403, 404) } },
    },
    async (request) => service.get(staffCallerOf(request), request.params.compact, request.params.userId),
  )

  routes.patch(
    '/v1/compacts/:compact/staff-users/:userId',
    {
      config: { permission: requires.admin },
      schema: {
        tags: ['staff-users'],
        operationId: 'patchStaffUser',
        summary: "Add (true) or remove (false) a staff user's permissions",
        security,
        params: UserPath,
        body: PatchStaffUserBody,
        response: { 200: StaffUserView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => service.patch(staffCallerOf(request), request.params.compact, request.params.userId, request.body.permissions),
  )

  routes.delete(
    '/v1/compacts/:compact/staff-users/:userId',
    {
      config: { permission: requires.admin },
      schema: {
        tags: ['staff-users'],
        operationId: 'deleteStaffUser',
        summary: "Remove the user's record in this compact and disable its login",
        security,
        params: UserPath,
        response: { 200: Message, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => service.delete(staffCallerOf(request), request.params.compact, request.params.userId),
  )

  routes.post(
    '/v1/compacts/:compact/staff-users/:userId/reinvite',
    {
      config: { permission: requires.admin },
      schema: {
        tags: ['staff-users'],
        operationId: 'reinviteStaffUser',
        summary: "Reset the user's password and invite again",
        security,
        params: UserPath,
        response: { 200: Message, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => service.reinvite(staffCallerOf(request), request.params.compact, request.params.userId),
  )
}
