import type { FastifyInstance } from 'fastify'
import cookie from '@fastify/cookie'
import type { Auth } from './auth.module.ts'
import { registerAuthHooks } from './auth.hooks.ts'
import { authRoutes } from './auth.routes.ts'

/** Where the built-in identity provider publishes its keys (development and QA only). */
export const BUILT_IN_JWKS_PATH = '/dev/identity/jwks.json'

export async function registerAuthPlugin(app: FastifyInstance, auth: Auth): Promise<void> {
  await app.register(cookie)
  app.decorate('gomAuth', auth)
  registerAuthHooks(app, auth)
  const builtIn = auth.builtIn
  if (builtIn) app.get(BUILT_IN_JWKS_PATH, { schema: { hide: true }, config: { public: true } }, async () => builtIn.jwks())
  authRoutes(app, auth)
}
