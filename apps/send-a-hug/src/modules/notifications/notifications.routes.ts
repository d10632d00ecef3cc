import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { callerOf } from '../../auth.ts'
import { requires } from '../../permissions.ts'
import { pageNumber } from '../../rules/pagination.ts'
import { authErrors, errorResponses, Id, LIMITS, NotificationView, Page, Success, UrlWord } from '../../schemas.ts'
import type { NotificationsService } from './notifications.service.ts'

const PushSubscription = Type.Union(
  [
    Type.Object({
      endpoint: Type.String({ minLength: 1, maxLength: LIMITS.pushEndpoint }),
      expirationTime: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: LIMITS.dateMilliseconds }), Type.Null()])),
      keys: Type.Object({ p256dh: Type.String({ maxLength: LIMITS.pushKey }), auth: Type.String({ maxLength: LIMITS.pushKey }) }),
    }),
    Type.String({ minLength: 1, maxLength: LIMITS.pushSubscriptionJson, description: 'The same object as a JSON string (what the frontend sends)' }),
  ],
  { description: 'A browser PushSubscription. An empty body is answered 204 (the frontend sends twice).' },
)
const Subscribed = Type.Object({ success: Success, subscribed: Type.String({ description: "The caller's display name" }), subId: Type.Integer() })
const NoContent = Type.Null({ description: 'Empty body: nothing to do' })

export function notificationsRoutes(app: FastifyInstance, service: NotificationsService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['notifications']

  routes.get(
    '/notifications',
    {
      schema: {
        tags,
        operationId: 'listNotifications',
        summary: "The caller's notifications, newest first, 20 per page (E25)",
        querystring: Type.Object({ page: Page, readStatus: Type.Optional(UrlWord('"true": read only; "false": unread only; else all')) }),
        response: {
          200: Type.Object({
            success: Success,
            notifications: Type.Array(NotificationView),
            newCount: Type.Integer(),
            current_page: Type.Integer(),
            total_pages: Type.Integer(),
            totalItems: Type.Integer(),
          }),
          ...authErrors,
        },
      },
      config: { permission: requires.readMessages },
    },
    async (request) => ({ success: true as const, ...(await service.list(callerOf(request), pageNumber(request.query.page), request.query.readStatus)) }),
  )

  routes.patch(
    '/notifications',
    {
      schema: {
        tags,
        operationId: 'markNotifications',
        summary: "Mark some or all of the caller's notifications read or unread (E26)",
        body: Type.Object({ notification_ids: Type.Union([Type.Array(Id, { minItems: 1, maxItems: LIMITS.notificationIds }), Type.Literal('all')]), read: Type.Boolean() }),
        response: {
          200: Type.Object({ success: Success, updated: Type.Union([Type.Array(Type.Integer()), Type.Literal('all')]), read: Type.Boolean() }),
          ...authErrors,
          ...errorResponses(400),
        },
      },
      config: { permission: requires.readMessages },
    },
    async (request) => {
      await service.mark(callerOf(request), request.body.notification_ids, request.body.read)
      return { success: true as const, updated: request.body.notification_ids, read: request.body.read }
    },
  )

  routes.post(
    '/push_subscriptions',
    {
      schema: {
        tags,
        operationId: 'subscribePush',
        summary: 'Store a Web Push subscription for the caller (E27)',
        body: Type.Optional(PushSubscription),
        response: { 200: Subscribed, 204: NoContent, ...authErrors, ...errorResponses(400) },
      },
      config: { permission: requires.readMessages },
    },
    async (request, reply) => {
      if (request.body === undefined) return reply.status(204).send(null)
      return { success: true as const, ...(await service.subscribe(callerOf(request), request.body)) }
    },
  )

  routes.patch(
    '/push_subscriptions/:sub_id',
    {
      schema: {
        tags,
        operationId: 'updatePushSubscription',
        summary: "Replace one of the caller's Web Push subscriptions (E28)",
        params: Type.Object({ sub_id: Id }),
        body: Type.Optional(PushSubscription),
        response: { 200: Subscribed, 204: NoContent, ...authErrors, ...errorResponses(400, 404) },
      },
      config: { permission: requires.readMessages },
    },
    async (request, reply) => {
      if (request.body === undefined) return reply.status(204).send(null)
      return { success: true as const, ...(await service.resubscribe(callerOf(request), request.params.sub_id, request.body)) }
    },
  )
}
