import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { definePermissions, registerPermissions } from '@hearth/kernel'
import { authErrors } from '../auth/errors.ts'
import type { SubscriptionStore } from './subscriptions.store.ts'

/** Any signed-in caller may manage their own push subscriptions (the original required only a login). */
export const WEBPUSH_PERMISSION = 'subscribe:webpush'
const webpushPermissions = definePermissions({ seller: [WEBPUSH_PERMISSION], customer: [WEBPUSH_PERMISSION] })

const NestError = Type.Object({ statusCode: Type.Integer(), message: Type.Union([Type.String(), Type.Array(Type.String())]), error: Type.Optional(Type.String()) })

/** The browser's PushSubscription JSON (spec §5.1); extra fields such as `expirationTime` are ignored. */
const PushSubscriptionBody = Type.Object(
  {
    endpoint: Type.String({ minLength: 1, maxLength: 2048 }),
    keys: Type.Object({ p256dh: Type.String({ minLength: 1, maxLength: 256 }), auth: Type.String({ minLength: 1, maxLength: 256 }) }),
    expirationTime: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 8_640_000_000_000_000 }), Type.Null()])),
    _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)

/**
 * `POST /webpush/subscribe` and `/webpush/unsubscribe` (spec §5.1): session, CSRF and the split JWT
 * come from the auth hooks; the permission hook here only needs the caller they established.
 */
export async function webpushRoutes(app: FastifyInstance, subscriptions: SubscriptionStore): Promise<void> {
  await app.register(async (scope) => {
    await registerPermissions(scope, {
      permissions: webpushPermissions,
      authenticate: async (request) => (request.gomCaller ? { roles: [request.gomCaller.kind] } : undefined),
      unauthorized: () => authErrors.jwt('Token malformed'),
      forbidden: () => authErrors.jwt('No permission to perform the operation'),
    })
    const routes = scope.withTypeProvider<TypeBoxTypeProvider>()
    const schema = (operationId: string, summary: string) => ({
      tags: ['webpush'],
      operationId,
      summary,
      body: PushSubscriptionBody,
      response: { 201: Type.Boolean({ description: 'Always true' }), 400: NestError, 403: NestError, 500: NestError, 503: NestError },
    })

    routes.post('/webpush/subscribe', { schema: schema('subscribe', "Stores the browser's push subscription for the caller"), config: { permission: WEBPUSH_PERMISSION } }, async (request, reply) => {
      const { endpoint, keys } = request.body
      try {
        await subscriptions.save(request.gomCaller!.sub, { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } })
      } catch (error) {
        request.log.error({ err: error }, 'push subscription not stored')
        throw authErrors.webpush('subscribe')
      }
      return reply.status(201).send(true)
    })

    routes.post(
      '/webpush/unsubscribe',
      { schema: schema('unsubscribe', "Removes the caller's push subscription for this endpoint"), config: { permission: WEBPUSH_PERMISSION } },
      async (request, reply) => {
        try {
          await subscriptions.remove(request.gomCaller!.sub, request.body.endpoint)
        } catch (error) {
          request.log.error({ err: error }, 'push subscription not removed')
          throw authErrors.webpush('unsubscribe')
        }
        return reply.status(201).send(true)
      },
    )
  })
}
