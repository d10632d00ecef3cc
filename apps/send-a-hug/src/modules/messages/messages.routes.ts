import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { callerOf } from '../../auth.ts'
import { requires } from '../../permissions.ts'
import { pageNumber } from '../../rules/pagination.ts'
import { authErrors, ClientDate, errorResponses, Id, MessageView, Page, LIMITS, Success, TextInput, ThreadView, UrlWord } from '../../schemas.ts'
import type { MessagesService } from './messages.service.ts'

export function messagesRoutes(app: FastifyInstance, service: MessagesService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['messages']

  routes.get(
    '/messages',
    {
      schema: {
        tags,
        operationId: 'listMessages',
        summary: "The caller's inbox, outbox, one thread's messages, or (any other type, e.g. `threads`) their threads; 5 per page (E15)",
        querystring: Type.Object({
          page: Page,
          type: Type.Optional(Type.String({ default: 'inbox', maxLength: LIMITS.urlWord, description: 'inbox (default), outbox, thread, or anything else for the thread list' })),
          threadID: Type.Optional(Id),
        }),
        response: {
          200: Type.Object({ success: Success, messages: Type.Union([Type.Array(MessageView), Type.Array(ThreadView)]), current_page: Type.Integer(), total_pages: Type.Integer() }),
          ...authErrors,
          ...errorResponses(400, 404),
        },
      },
      config: { permission: requires.readMessages },
    },
    async (request) => ({ success: true as const, ...(await service.list(callerOf(request), request.query.type ?? 'inbox', pageNumber(request.query.page), request.query.threadID)) }),
  )

  routes.post(
    '/messages',
    {
      schema: {
        tags,
        operationId: 'sendMessage',
        summary: 'Send a message from the caller; the word filter applies (E16)',
        body: Type.Object({ messageText: TextInput('1–480 characters (checked after the word filter)'), forId: Id, date: ClientDate }, { description: 'Client-sent fromId/from are ignored' }),
        response: { 200: Type.Object({ success: Success, message: MessageView }), ...authErrors, ...errorResponses(400, 422) },
      },
      config: { permission: requires.postMessage },
    },
    async (request) => ({ success: true as const, message: await service.send(callerOf(request), request.body) }),
  )

  routes.delete(
    '/messages/:mailbox_type/:item_id',
    {
      schema: {
        tags,
        operationId: 'deleteMessage',
        summary: 'Hide one message (inbox, outbox, thread) or one thread (threads) from the caller (E17)',
        params: Type.Object({ mailbox_type: UrlWord(), item_id: Id }),
        response: { 200: Type.Object({ success: Success, deleted: Type.Integer() }), ...authErrors, ...errorResponses(400, 404) },
      },
      config: { permission: requires.deleteMessages },
    },
    async (request) => ({ success: true as const, deleted: await service.remove(callerOf(request), request.params.mailbox_type, request.params.item_id) }),
  )

  routes.delete(
    '/messages/:mailbox_type',
    {
      schema: {
        tags,
        operationId: 'clearMailbox',
        summary: "Clear the caller's inbox, outbox or threads (E18)",
        params: Type.Object({ mailbox_type: UrlWord() }),
        response: { 200: Type.Object({ success: Success, userID: Type.Integer(), deleted: Type.Integer() }), ...authErrors, ...errorResponses(400, 404) },
      },
      config: { permission: requires.deleteMessages },
    },
    async (request) => {
      const caller = callerOf(request)
      return { success: true as const, userID: caller.id, deleted: await service.clear(caller, request.params.mailbox_type) }
    },
  )
}
