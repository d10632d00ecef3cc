import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { callerOf, tokenOf } from '../../auth.ts'
import { requires } from '../../permissions.ts'
import { pageNumber } from '../../rules/pagination.ts'
import { authErrors, errorResponses, IconColoursInput, Id, LIMITS, Page, PostView, Success, TextInput, UrlWord, UserView } from '../../schemas.ts'
import type { PostsService } from '../posts/posts.service.ts'
import type { UsersService } from './users.service.ts'

const UserUpdate = Type.Object(
  {
    displayName: Type.Optional(TextInput('1–60 characters')),
    loginCount: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.integerMax })),
    blocked: Type.Optional(Type.Boolean()),
    releaseDate: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.clientDate }), Type.Null()])),
    autoRefresh: Type.Optional(Type.Boolean()),
    refreshRate: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: LIMITS.integerMax }), Type.Null()])),
    pushEnabled: Type.Optional(Type.Boolean()),
    selectedIcon: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.selectedIcon })),
    iconColours: Type.Optional(IconColoursInput),
    emailVerified: Type.Optional(Type.Unknown({ description: "Any value: the flag is taken from the caller's token" })),
  },
  { description: 'Any subset; other keys of the user view (id, receivedH, role, …) are ignored' },
)

export function usersRoutes(app: FastifyInstance, users: UsersService, posts: PostsService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['users']

  routes.get(
    '/users/:type',
    {
      schema: {
        tags,
        operationId: 'listUsers',
        summary: 'Blocked users by soonest release, 5 per page, after lifting expired blocks (E8)',
        params: Type.Object({ type: UrlWord('Only `blocked` (any case)') }),
        querystring: Type.Object({ page: Page }),
        response: { 200: Type.Object({ success: Success, users: Type.Array(UserView), total_pages: Type.Integer() }), ...authErrors, ...errorResponses(400) },
      },
      config: { permission: requires.readAdminBoard },
    },
    async (request) => ({ success: true as const, ...(await users.list(request.params.type, pageNumber(request.query.page), callerOf(request).id)) }),
  )

  routes.get(
    '/users/all/:user_id',
    {
      schema: {
        tags,
        operationId: 'getUser',
        summary: 'A profile by Firebase UID or internal id; lifts an expired block (E9)',
        params: Type.Object({ user_id: Type.String({ minLength: 1, maxLength: LIMITS.firebaseUid, description: 'A Firebase UID, or an internal id' }) }),
        response: { 200: Type.Object({ success: Success, user: UserView }), ...authErrors, ...errorResponses(404) },
      },
      config: { permission: requires.readUser },
    },
    async (request) => ({ success: true as const, user: await users.get(request.params.user_id, callerOf(request).id) }),
  )

  routes.post(
    '/users',
    {
      schema: {
        tags,
        operationId: 'createUser',
        summary: "Create the caller's own account; needs only a valid token (E10)",
        body: Type.Object({ firebaseId: Type.String({ maxLength: LIMITS.firebaseId }), displayName: TextInput('1–60 characters') }),
        response: { 200: Type.Object({ success: Success, user: UserView }), ...errorResponses(400, 401, 409, 422) },
      },
      // Needs a valid token but no account yet, so no permission: the token is checked by `tokenOnly`.
      config: { public: true, tokenOnly: true },
    },
    async (request) => ({ success: true as const, user: await users.create(tokenOf(request), request.body) }),
  )

  routes.patch(
    '/users/all/:user_id',
    {
      schema: {
        tags,
        operationId: 'updateUser',
        summary: 'Rename, block or unblock, settings, icon, email verification (E11)',
        params: Type.Object({ user_id: Id }),
        body: UserUpdate,
        response: { 200: Type.Object({ success: Success, updated: UserView }), ...authErrors, ...errorResponses(400, 404, 422) },
      },
      config: { permission: requires.editUser },
    },
    async (request) => ({ success: true as const, updated: await users.update(callerOf(request), request.params.user_id, request.body) }),
  )

  routes.get(
    '/users/all/:user_id/posts',
    {
      schema: {
        tags,
        operationId: 'userPosts',
        summary: "A user's posts, oldest first, 5 per page, reported ones included (E12)",
        params: Type.Object({ user_id: Id }),
        querystring: Type.Object({ page: Page }),
        response: { 200: Type.Object({ success: Success, posts: Type.Array(PostView), page: Type.Integer(), total_pages: Type.Integer() }), ...authErrors, ...errorResponses(400) },
      },
      config: { permission: requires.readUser },
    },
    async (request) => ({ success: true as const, ...(await posts.byUser(request.params.user_id, pageNumber(request.query.page))) }),
  )

  routes.delete(
    '/users/all/:user_id/posts',
    {
      schema: {
        tags,
        operationId: 'deleteUserPosts',
        summary: "Delete all of a user's posts; holders of delete:my-post only their own (E13)",
        params: Type.Object({ user_id: Id }),
        response: { 200: Type.Object({ success: Success, userID: Type.Integer(), deleted: Type.Integer() }), ...authErrors, ...errorResponses(400, 404) },
      },
      config: { permission: requires.deletePost },
    },
    async (request) => ({ success: true as const, userID: request.params.user_id, deleted: await posts.removeAllOf(callerOf(request), request.params.user_id) }),
  )

  routes.post(
    '/users/all/:user_id/hugs',
    {
      schema: {
        tags,
        operationId: 'hugUser',
        summary: 'Send a hug straight to a user (E14)',
        params: Type.Object({ user_id: Id }),
        response: { 200: Type.Object({ success: Success, updated: Type.String() }), ...authErrors, ...errorResponses(400, 404) },
      },
      config: { permission: requires.readUser },
    },
    async (request) => ({ success: true as const, updated: await users.hug(callerOf(request), request.params.user_id) }),
  )
}
