// Gom's sessions, split JWT, CSRF, login limiter and the `/auth/*` routes (spec §3, §4), and the
// one way the rest of the app learns who is calling: `resolveCaller(request)` for HTTP and
// `callerFromCookieHeader(app, cookieHeader)` for a WebSocket upgrade.
//
// Wiring (app.ts): `createApp({ fastify: gomServerOptions(config.auth) })` (the `/api` prefix and
// the proxy trust list), `buildAuth(...)` and `buildWebPush(...)` (its notifier goes into the
// container), then `await registerAuth(app, { auth, webpush })` BEFORE the GraphQL plugin, so the
// session/CSRF/split-JWT hooks it adds to the root instance cover `POST /graphql` too.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Caller } from './caller.ts'
import type { Auth } from './auth.module.ts'
import { registerAuthPlugin } from './auth.plugin.ts'
import { registerStaticUi } from './static-ui.ts'
import { registerWebPush, type WebPush } from '../webpush/index.ts'

export { CUSTOMER_PERMISSIONS, SELLER_PERMISSIONS, callerFromClaims, type Caller } from './caller.ts'
export { buildAuth, type Auth } from './auth.module.ts'
export { loadAuthConfig, type AuthConfig } from './auth.config.ts'
export { gomServerOptions, withoutApiPrefix } from './http-options.ts'

declare module 'fastify' {
  interface FastifyInstance {
    gomAuth: Auth
    gomWebPush: WebPush | undefined
  }
  interface FastifyRequest {
    /** Set by the split-JWT hook on `/graphql` and `/webpush/*` once the token verified. */
    gomCaller: Caller | undefined
  }
}

/**
 * Registers `@fastify/cookie`, the session and CSRF hooks (all of `/auth/*`, `/graphql`,
 * `/webpush/*`), the split-JWT check on `/graphql` and `/webpush/*` (403 `jwt_error`, with token
 * refresh for password-grant sessions), the `/auth/*` and `/webpush/*` routes, and the
 * `gomAuth` decorator. Call it on the root instance before the GraphQL plugin.
 */
export async function registerAuth(app: FastifyInstance, container: { auth: Auth; webpush?: WebPush }): Promise<void> {
  await registerAuthPlugin(app, container.auth)
  app.decorate('gomWebPush', container.webpush)
  if (container.webpush) await registerWebPush(app, container.webpush)
  await registerStaticUi(app, container.auth.uiDir)
}

/**
 * The verified caller of an HTTP request, or undefined (no session, no token, a token that does not
 * verify). On `/graphql` the hook has already verified it (and refreshed it when it had expired), so
 * this is a field read; elsewhere it verifies from the request's cookies without refreshing.
 */
export async function resolveCaller(request: FastifyRequest): Promise<Caller | undefined> {
  if (request.gomCaller) return request.gomCaller
  return request.server.gomAuth.callerFromCookieHeader(request.headers.cookie)
}

/**
 * The caller a WebSocket upgrade's `Cookie` header authenticates (spec §3.6: `session-id` signed
 * with APP_KEY, its server session, `session-token` + the stored signature verified; no refresh),
 * or undefined — the connection is then refused with "No authorization to connect".
 */
export function callerFromCookieHeader(app: FastifyInstance, cookieHeader: string | undefined): Promise<Caller | undefined> {
  return app.gomAuth.callerFromCookieHeader(cookieHeader)
}

/** Empties sessions, both limiters and push subscriptions (`POST /qa/seedDatabase`, spec §11.1). */
export async function resetAuthState(app: FastifyInstance): Promise<void> {
  await app.gomAuth.reset()
  await app.gomWebPush?.reset()
}
