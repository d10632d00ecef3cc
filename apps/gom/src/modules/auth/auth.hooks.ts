import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { WireError } from './errors.ts'
import { authErrors } from './errors.ts'
import { COOKIE, type Auth, type CookieWrite, type SessionHandle } from './auth.module.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server session (on `/auth/*`, `/graphql`, `/webpush/*`). */
    gomSession: SessionHandle | undefined
  }
}

/** csurf's exempt methods (spec §3.5). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/** Where csurf looked for the token, after `body._csrf` and `query._csrf`. */
const CSRF_HEADERS = ['csrf-token', 'xsrf-token', 'x-csrf-token', 'x-xsrf-token']

type Scope = 'auth' | 'protected'

/** Which middleware chain of the original a route had: `/auth/*` (session, CSRF, cookie) or `/graphql` and `/webpush/*` (plus the split JWT). */
function scopeOf(request: FastifyRequest): Scope | undefined {
  const route = request.routeOptions.url
  if (route === undefined) return undefined
  if (route.startsWith('/auth/')) return 'auth'
  if (route === '/graphql' || route.startsWith('/webpush/')) return 'protected'
  return undefined
}

export function sessionOf(request: FastifyRequest): SessionHandle {
  return request.gomSession ?? { id: undefined, data: {} }
}

export function applyCookies(reply: FastifyReply, cookies: readonly CookieWrite[]): void {
  for (const { name, value, options } of cookies) {
    reply.setCookie(name, value, {
      path: options.path,
      httpOnly: options.httpOnly,
      secure: options.secure,
      sameSite: options.sameSite ?? false, // @fastify/cookie would add SameSite=Lax; the original's development session cookie had none
      ...(options.maxAgeSeconds !== undefined ? { maxAge: options.maxAgeSeconds } : {}),
      ...(options.expires ? { expires: options.expires } : {}),
    })
  }
}

function csrfTokenOf(request: FastifyRequest): unknown {
  const body = request.body as Record<string, unknown> | undefined
  if (body && typeof body === 'object' && !Array.isArray(body) && typeof body._csrf === 'string') return body._csrf
  const query = request.query as Record<string, unknown> | undefined
  if (query && typeof query._csrf === 'string') return query._csrf
  for (const name of CSRF_HEADERS) {
    const value = request.headers[name]
    if (typeof value === 'string') return value
  }
  return undefined
}

/**
 * A refusal written here, not thrown: `/graphql` is mercurius' route, whose error handler would
 * turn a thrown error into a GraphQL error body; the original answered these in its REST shape.
 */
function refuse(reply: FastifyReply, error: WireError): FastifyReply {
  if (error.headers) reply.headers(error.headers)
  return reply.status(error.status).type('application/json; charset=utf-8').send(JSON.stringify(error.body))
}

/**
 * The original's middleware chain, as hooks on the root instance (so routes registered later in
 * any plugin, mercurius' `/graphql` included, get them): session → CSRF (state-changing methods)
 * → on `/auth/*` a CSRF secret and cookie; on `/graphql` and `/webpush/*` the split JWT (403
 * `jwt_error`). A WebSocket upgrade skips the chain: it is authenticated in `onConnect` from its
 * cookies (spec §3.6), without CSRF.
 */
export function registerAuthHooks(app: FastifyInstance, auth: Auth): void {
  app.decorateRequest('gomSession', undefined)
  app.decorateRequest('gomCaller', undefined)
  app.addHook('preValidation', async (request, reply) => {
    const scope = scopeOf(request)
    if (!scope) return
    // Only a real WebSocket handshake (a GET; fetch cannot set `Upgrade`) skips the chain.
    if (request.method === 'GET' && request.headers.upgrade?.toLowerCase() === 'websocket') return
    const writes: CookieWrite[] = []
    try {
      let session = await auth.loadSession(request.cookies[COOKIE.session])
      if (scope === 'auth') {
        const ensured = await auth.ensureCsrfSession(session)
        session = ensured.session
        writes.push(...ensured.cookies)
        if (!request.cookies[COOKIE.csrf]) writes.push(auth.csrfCookie(session))
      }
      request.gomSession = session
      if (!SAFE_METHODS.has(request.method) && !auth.verifyCsrf(session, csrfTokenOf(request))) throw authErrors.badCsrf()
      if (scope === 'protected') {
        const { caller, cookies } = await auth.authenticate(session, request.cookies[COOKIE.accessToken], { refresh: true })
        request.gomCaller = caller
        writes.push(...cookies)
      }
    } catch (error) {
      applyCookies(reply, writes)
      if (error instanceof WireError) return refuse(reply, error)
      throw error
    }
    applyCookies(reply, writes)
  })
}
