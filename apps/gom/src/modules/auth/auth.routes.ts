import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { authErrors } from './errors.ts'
import type { Auth, LoginBody } from './auth.module.ts'
import { applyCookies, sessionOf } from './auth.hooks.ts'

const NestError = Type.Object(
  {
    statusCode: Type.Integer(),
    message: Type.Union([Type.String(), Type.Array(Type.String())]),
    error: Type.Optional(Type.String()),
  },
  { description: "The original's error body (NestJS)" },
)
const errorResponses = { 400: NestError, 403: NestError, 429: NestError, 500: NestError, 503: NestError }

const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) })

/**
 * `/auth/*` (spec §3.3). Session and CSRF come from the hooks (every `/auth/*` request gets a
 * session with a CSRF secret and, when it has none, a `csrf-token` cookie); routes are public.
 */
export function authRoutes(app: FastifyInstance, auth: Auth): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['auth']

  routes.get(
    '/auth/ping',
    {
      schema: {
        tags,
        operationId: 'ping',
        summary: 'Starts a session and sets the csrf-token cookie; call before the first POST',
        response: { 200: Type.Object({ success: Type.Literal(true) }), ...errorResponses },
      },
      config: { public: true },
    },
    async () => ({ success: true as const }),
  )

  routes.post(
    '/auth/login',
    {
      schema: {
        tags,
        operationId: 'login',
        summary: 'Password grant (sellers) or phone grant (customers); needs the X-Csrf-Token header',
        body: Type.Object(
          {
            grantType: Type.Optional(Text(64, 'password | phone')),
            username: Type.Optional(Text(320, 'The email (password grant) or the share code (phone grant)')),
            password: Type.Optional(Text(1024)),
            phone: Type.Optional(Text(64, 'Exactly 10 characters')),
            _csrf: Type.Optional(Text(200, 'The CSRF token, when not sent as a header')),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            nickname: Type.Optional(Type.String()),
            name: Type.Optional(Type.String()),
            picture: Type.Optional(Type.String()),
            email: Type.Optional(Type.String()),
            sub: Type.Optional(Type.String()),
            seller: Type.Optional(Type.String()),
            business: Type.Optional(Type.String()),
          }),
          204: Type.Null({ description: 'Already signed in: nothing done' }),
          ...errorResponses,
        },
      },
      config: { public: true },
    },
    async (request, reply) => {
      const body = validateLogin(request.body)
      const outcome = await auth.login(body, request.ip, sessionOf(request))
      if (outcome.kind === 'already-signed-in') return reply.status(204).send(null)
      applyCookies(reply, outcome.cookies)
      return outcome.profile
    },
  )

  for (const method of ['GET', 'POST'] as const) {
    // Untyped: both answers have an empty body (the original's `res.end()`).
    app.route({
      method,
      url: '/auth/logout',
      schema: {
        tags,
        operationId: method === 'GET' ? 'logout' : 'logoutPost',
        summary: method === 'GET' ? 'Ends the session and clears every cookie' : 'The same as GET (needs the X-Csrf-Token header)',
        response: { 200: Type.Null({ description: 'Signed out (empty body)' }), 204: Type.Null({ description: 'Was not signed in' }), ...errorResponses },
      },
      config: { public: true },
      handler: async (request, reply) => {
        const cleared = await auth.logout(sessionOf(request))
        if (!cleared) return reply.status(204).send()
        applyCookies(reply, cleared)
        return reply.status(200).send()
      },
    })
  }

  routes.get(
    '/auth/bp',
    {
      schema: {
        tags,
        operationId: 'customerHint',
        summary: "What the customer login screen shows: the phone's last 3 digits and the seller's business",
        querystring: Type.Object({ code: Type.Optional(Text(64, "The customer's share code")) }),
        response: { 200: Type.Object({ phoneLast: Type.String(), customerOf: Type.String() }), ...errorResponses },
      },
      config: { public: true },
    },
    async (request) => {
      const code = request.query.code
      if (code === undefined || code === '') throw authErrors.badRequest(['code should not be empty', 'code must be a string'])
      return auth.customerHint(code)
    },
  )
}

/** The original's class-validator rules for the login body (spec §3.3), with its messages. */
export function validateLogin(body: Record<string, unknown>): LoginBody {
  const messages: string[] = []
  const grantType = body.grantType
  if (grantType !== 'password' && grantType !== 'phone') messages.push('grantType must be a valid value')
  const text = (name: string) => {
    const value = body[name]
    if (typeof value !== 'string') messages.push(`${name} must be a string`)
    if (value === undefined || value === '') messages.push(`${name} should not be empty`)
  }
  text('username')
  if (grantType === 'password') text('password')
  if (grantType === 'phone') {
    const phone = body.phone
    if (typeof phone !== 'string') messages.push('phone must be a string')
    else if (phone.length < 10) messages.push('phone must be longer than or equal to 10 characters')
    else if (phone.length > 10) messages.push('phone must be shorter than or equal to 10 characters')
  }
  if (messages.length > 0) throw authErrors.badRequest(messages)
  return body as unknown as LoginBody
}
