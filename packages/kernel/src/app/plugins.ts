import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { registerPermissionHook, type PermissionHookOptions, type Principal } from '../auth/permissions.ts'
import { recordRoutes } from '../http/routes.ts'
import type { HearthContext } from './create-app.ts'

/**
 * The kernel's decorators, each installed by a named plugin that declares what it needs, so a
 * plugin registered before its dependency fails at start with Fastify's own message instead of a
 * missing decorator at the first request.
 *
 *   hearth-routes        app.hearthRoutes        (every server; createHttpServer)
 *   hearth-context       app.hearth, GET /ready  (every app; createApp)        needs hearth-routes
 *   hearth-permissions   request.principal        (each app's access hook)     needs hearth-context
 */
export const PLUGIN = { routes: 'hearth-routes', context: 'hearth-context', permissions: 'hearth-permissions' } as const

export const hearthRoutesPlugin = fp(
  async (app: FastifyInstance, options: { onMethod: (method: string) => void; refuseInsecure?: boolean }) => {
    recordRoutes(app, options.onMethod, { refuseInsecure: options.refuseInsecure ?? true })
  },
  { name: PLUGIN.routes, fastify: '5.x' },
)

export interface HearthContextOptions {
  context: HearthContext
  /** Extra readiness checks for `/ready` (name → check that throws when not ready). */
  readinessChecks?: Record<string, () => Promise<unknown>>
}

export const hearthContextPlugin = fp(
  async (app: FastifyInstance, { context, readinessChecks }: HearthContextOptions) => {
    const { database, events, redis } = context
    app.decorate('hearth', context)
    app.get('/ready', { schema: { hide: true }, config: { public: true } }, async (_request, reply) => {
      const checks: Record<string, () => Promise<unknown>> = {
        database: () => database.ping(),
        ...(redis ? { redis: () => redis.ping() } : {}),
        ...readinessChecks,
      }
      const results: Record<string, string> = {}
      let ready = true
      for (const [name, check] of Object.entries(checks)) {
        try {
          await check()
          results[name] = 'UP'
        } catch {
          results[name] = 'DOWN'
          ready = false
        }
      }
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'UP' : 'DOWN', checks: results })
    })
    app.addHook('onClose', async () => {
      await events.close()
      if (redis) redis.disconnect()
      await database.close()
    })
  },
  { name: PLUGIN.context, fastify: '5.x', dependencies: [PLUGIN.routes], decorators: { fastify: ['hearthRoutes'] } },
)

/**
 * The permission hook as a plugin: `await app.register(hearthPermissions, { authenticate, … })`
 * before the app's routes. See `registerPermissionHook` for the options.
 */
export const hearthPermissions = fp(
  async (app: FastifyInstance, options: PermissionHookOptions<string, Principal>) => {
    registerPermissionHook(app, options)
  },
  { name: PLUGIN.permissions, fastify: '5.x', dependencies: [PLUGIN.context], decorators: { fastify: ['hearth'] } },
)

/**
 * `hearthPermissions` with the app's own permission and principal types:
 * `await registerPermissions<Permission, AppPrincipal>(app, { … })`.
 */
export async function registerPermissions<Permission extends string, P extends Principal>(app: FastifyInstance, options: PermissionHookOptions<Permission, P>): Promise<void> {
  await app.register(hearthPermissions, options as unknown as PermissionHookOptions<string, Principal>)
}
