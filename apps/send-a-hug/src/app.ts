import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { createApp, kernelMigrations, openResources, registerQaRoutes, type Database, type HearthAppModule, type MigrationSource } from '@hearth/kernel'
import { createFirebaseIdentity, type FirebaseIdentity } from '@hearth/kernel/identity'
import { registerOpenApi } from '@hearth/kernel/openapi'
import { registerAuth } from './auth.ts'
import { APP_NAME, DEFAULT_PORT, loadSendAHugConfig, type SendAHugConfig } from './config.ts'
import { buildContainer, type Container } from './container.ts'
import type { SendAHugEventBus } from './events.ts'
import { formatError, notFound } from './errors.ts'
import { registerSharedSchemas } from './schemas.ts'
import { absentBodyIsEmpty, acceptJsonBodies, refuseTrailingSlash, securityHeaders } from './http.ts'
import { filtersRoutes } from './modules/filters/filters.routes.ts'
import { messagesRoutes } from './modules/messages/messages.routes.ts'
import { notificationsRoutes } from './modules/notifications/notifications.routes.ts'
import { postsRoutes } from './modules/posts/posts.routes.ts'
import { reportsRoutes } from './modules/reports/reports.routes.ts'
import { usersRoutes } from './modules/users/users.routes.ts'
import { demoAccounts, loadDemoSeed } from '../seeds/demo.ts'
import { loadQaSeed } from '../seeds/qa.ts'

export const migrations: MigrationSource = { owner: APP_NAME, folder: join(import.meta.dirname, '..', 'migrations') }

declare module 'fastify' {
  interface FastifyInstance {
    sendAHug: { container: Container; identity: FirebaseIdentity; config: SendAHugConfig }
  }
}

/** Where the built-in development issuer publishes its keys. */
export const DEVELOPMENT_JWKS_PATH = '/dev/identity/jwks.json'

const sendAHug: HearthAppModule<SendAHugConfig> = {
  name: APP_NAME,
  defaultPort: DEFAULT_PORT,
  migrations,
  loadConfig: (env, options) => loadSendAHugConfig(env, options),

  async buildApp(config, options = {}) {
    const resources = await openResources(config, { migrations, ...options })
    const identity = await createFirebaseIdentity(config.identity)
    const app = await createApp({ config, ...resources, formatError, cors: [config.frontendOrigin], methodNotAllowed: true })
    const container = buildContainer(config, resources.database, resources.events as SendAHugEventBus, app.log)
    app.decorate('sendAHug', { container, identity, config })
    // The public post lists are cached per process and cleared by every state-changing request, here and in every other process.
    container.lists.clearOnChanges(app)
    await container.lists.listen()
    // Any process's worker delivers queued pushes; on close it finishes what it runs.
    if (config.jobsEnabled) app.addHook('onReady', async () => container.jobs.start())
    app.addHook('preClose', () => container.jobs.stop())

    acceptJsonBodies(app)
    absentBodyIsEmpty(app)
    securityHeaders(app, config.frontendOrigin)
    refuseTrailingSlash(app, () => notFound())
    await registerOpenApi(app, {
      title: 'Send A Hug',
      version: '0.1.0',
      description: 'Peer support: posts asking for hugs, hugs, private messages, moderation, notifications and Web Push. Send `Authorization: Bearer <Firebase ID token>`.',
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'Firebase ID token' } },
    })

    registerSharedSchemas(app)

    const seedSources = [kernelMigrations, migrations]
    registerQaRoutes(app, config, {
      seedDatabase: async () => {
        await resources.database.reset(seedSources)
        await loadQaSeed(resources.database)
      },
      mintToken: identity.issuer ? (claims) => identity.issuer!.mint(claims) : undefined,
    })
    if (identity.issuer) {
      const issuer = identity.issuer
      app.get(DEVELOPMENT_JWKS_PATH, { schema: { hide: true }, config: { public: true } }, async () => issuer.jwks())
    }

    await app.register(async (api: FastifyInstance) => {
      // Routes that need a token say so in the contract.
      api.addHook('onRoute', (route) => {
        if (route.config?.permission || route.config?.tokenOnly) route.schema = { ...route.schema, security: [{ bearer: [] }] }
      })
      await registerAuth(api, { verify: identity.verify, users: { findCaller: (firebaseId) => container.services.users.caller(firebaseId) } })
      const { services } = container
      postsRoutes(api, services.posts)
      usersRoutes(api, services.users, services.posts)
      messagesRoutes(api, services.messages)
      reportsRoutes(api, services.reports)
      filtersRoutes(api, services.filters)
      notificationsRoutes(api, services.notifications)
    })

    if (config.seed !== 'none' && !(await hasUsers(resources.database))) {
      await (config.seed === 'qa' ? loadQaSeed(resources.database) : loadDemoSeed(resources.database))
    }
    return app
  },

  async banner(config, app) {
    const credentials: Record<string, string> = {}
    const issuer = app.sendAHug.identity.issuer
    if (!issuer) return { docsPath: '/docs', credentials: { tokens: `Firebase project ${config.identity.projectId}: sign in through Firebase` } }
    const accounts =
      config.seed === 'qa'
        ? [
            { label: 'admin (QA user14)', firebaseId: 'ijkl' },
            { label: 'user (QA shirb)', firebaseId: 'abcd' },
          ]
        : demoAccounts
    for (const account of accounts) {
      credentials[`${account.label} — Authorization`] = `Bearer ${await issuer.mint({ sub: account.firebaseId, email_verified: true }, { expiresInSeconds: 7 * 24 * 3600 })}`
    }
    return { docsPath: '/docs', credentials }
  },
}

async function hasUsers(database: Database): Promise<boolean> {
  return (await database.query('SELECT 1 FROM users LIMIT 1')).length > 0
}

export default sendAHug
