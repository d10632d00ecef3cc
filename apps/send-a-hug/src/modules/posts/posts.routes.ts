import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { callerOf } from '../../auth.ts'
import { requires } from '../../permissions.ts'
import { pageNumber } from '../../rules/pagination.ts'
import { authErrors, ClientDate, errorResponses, Id, Page, PostView, Success, TextInput, UrlWord, UserView } from '../../schemas.ts'
import type { PostsService } from './posts.service.ts'

export function postsRoutes(app: FastifyInstance, service: PostsService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()

  routes.get(
    '/',
    {
      config: { public: true },
      schema: {
        tags: ['home'],
        operationId: 'home',
        summary: 'Ten newest and ten least-hugged posts without an open report (E1)',
        security: [],
        response: { 200: Type.Object({ success: Success, recent: Type.Array(PostView), suggested: Type.Array(PostView) }) },
      },
    },
    async () => ({ success: true as const, ...(await service.home()) }),
  )

  routes.post(
    '/',
    {
      config: { public: true, readOnly: true },
      schema: {
        tags: ['home'],
        operationId: 'search',
        summary: 'Search users by display name (all) and posts by text (5 per page, newest first) (E2)',
        security: [],
        querystring: Type.Object({ page: Page }),
        body: Type.Object({ search: TextInput() }),
        response: {
          200: Type.Object({
            success: Success,
            users: Type.Array(UserView),
            posts: Type.Array(PostView),
            user_results: Type.Integer(),
            post_results: Type.Integer(),
            current_page: Type.Integer(),
            total_pages: Type.Integer(),
          }),
          ...errorResponses(400),
        },
      },
    },
    async (request) => ({ success: true as const, ...(await service.search(request.body.search, pageNumber(request.query.page), request.caller?.id)) }),
  )

  routes.post(
    '/posts',
    {
      schema: {
        tags: ['posts'],
        operationId: 'createPost',
        summary: 'Create a post as the caller; the word filter applies (E3)',
        body: Type.Object(
          { text: TextInput('1–480 characters (checked after the word filter)'), date: ClientDate },
          { description: 'Other fields the client sends (userId, givenHugs, user) are ignored' },
        ),
        response: { 200: Type.Object({ success: Success, posts: PostView }), ...authErrors, ...errorResponses(400) },
      },
      config: { permission: requires.postPost },
    },
    async (request) => ({ success: true as const, posts: await service.create(callerOf(request), request.body) }),
  )

  routes.patch(
    '/posts/:post_id',
    {
      schema: {
        tags: ['posts'],
        operationId: 'editPost',
        summary: "Change a post's text; holders of patch:my-post only their own (E4)",
        params: Type.Object({ post_id: Id }),
        body: Type.Object({ text: TextInput('1–480 characters (checked after the word filter)') }, { description: 'Other fields are ignored; hug counts cannot be edited here' }),
        response: { 200: Type.Object({ success: Success, updated: PostView }), ...authErrors, ...errorResponses(400, 404) },
      },
      config: { permission: requires.editPost },
    },
    async (request) => ({ success: true as const, updated: await service.edit(callerOf(request), request.params.post_id, request.body.text) }),
  )

  routes.post(
    '/posts/:post_id/hugs',
    {
      schema: {
        tags: ['posts'],
        operationId: 'hugPost',
        summary: 'Send a hug for a post, once per user, optionally with a message to its author (E5)',
        params: Type.Object({ post_id: Id }),
        body: Type.Object({ messageText: Type.Optional(Type.Union([TextInput(), Type.Null()])) }, { description: 'May be omitted; an empty or null messageText means a hug alone' }),
        response: { 200: Type.Object({ success: Success, updated: Type.String() }), ...authErrors, ...errorResponses(400, 404, 409) },
      },
      config: { permission: requires.editPost },
    },
    async (request) => ({ success: true as const, updated: await service.hug(callerOf(request), request.params.post_id, request.body?.messageText ?? undefined) }),
  )

  routes.delete(
    '/posts/:post_id',
    {
      schema: {
        tags: ['posts'],
        operationId: 'deletePost',
        summary: 'Delete a post; holders of delete:my-post only their own (E6)',
        params: Type.Object({ post_id: Id }),
        response: { 200: Type.Object({ success: Success, deleted: Type.Integer() }), ...authErrors, ...errorResponses(400, 404) },
      },
      config: { permission: requires.deletePost },
    },
    async (request) => ({ success: true as const, deleted: await service.remove(callerOf(request), request.params.post_id) }),
  )

  routes.get(
    '/posts/:type',
    {
      config: { public: true },
      schema: {
        tags: ['posts'],
        operationId: 'listPosts',
        summary: '`new`: newest first; any other type: fewest hugs first. 5 per page, no reported posts (E7)',
        security: [],
        params: Type.Object({ type: UrlWord() }),
        querystring: Type.Object({ page: Page }),
        response: { 200: Type.Object({ success: Success, posts: Type.Array(PostView), total_pages: Type.Integer() }) },
      },
    },
    async (request) => ({ success: true as const, ...(await service.list(request.params.type === 'new' ? 'new' : 'suggested', pageNumber(request.query.page))) }),
  )
}
