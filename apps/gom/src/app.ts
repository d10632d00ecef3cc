import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { createApp, kernelMigrations, openResources, registerQaRoutes, type BuildOptions, type HearthAppModule, type MigrationSource } from '@hearth/kernel'
import { APP_NAME, DEFAULT_PORT, loadGomConfig, type GomConfig } from './config.ts'
import { buildContainer, type Container } from './container.ts'
import { formatError } from './errors.ts'
import type { GomEventBus } from './events.ts'
import { registerGraphql, type CallerResolver } from './graphql/plugin.ts'
import { buildAuth, gomServerOptions, registerAuth, resetAuthState, resolveCaller } from './modules/auth/index.ts'
import { buildWebPush } from './modules/webpush/index.ts'
import { SELLERS } from '../seeds/sellers.ts'
import { demoLogins, loadDemoSeed } from '../seeds/demo.ts'
import { loadQaSeed } from '../seeds/qa.ts'
import { isEmpty } from '../seeds/factory.ts'

export const migrations: MigrationSource = { owner: APP_NAME, folder: join(import.meta.dirname, '..', 'migrations') }

declare module 'fastify' {
  interface FastifyInstance {
    gom: { container: Container; config: GomConfig }
  }
}

export interface GomBuildOptions extends BuildOptions {
  /**
   * Test-only seam: how the GraphQL layer learns the caller of an HTTP request or WebSocket
   * upgrade. Production always uses the session (`modules/auth`).
   */
  resolveCaller?: CallerResolver
}

/** Builds Gom: resources, the kernel app, auth (sessions, CSRF, /auth, /webpush), GraphQL, QA routes, seeds. */
export async function buildGomApp(config: GomConfig, options: GomBuildOptions = {}): Promise<FastifyInstance> {
  const resources = await openResources(config, { migrations, host: options.host, database: options.database })
  // ─── Auth (GB): server options such as the /api rewrite and the proxy trust list go into `fastify`. ───
  const app = await createApp({ config, ...resources, formatError, cors: false, fastify: gomServerOptions(config.auth) })
  try {
    const auth = await buildAuth(config, resources, builtInSellers())
    const webpush = buildWebPush(config, resources, app.log)
    const container = buildContainer(config, resources.database, resources.events as GomEventBus, app.log, { notifier: webpush.notifier })
    app.decorate('gom', { container, config })

    // ─── Auth (GB): sessions, CSRF, split JWT, /auth/* and /webpush/*. Registered before GraphQL. ───
    await registerAuth(app, { auth, webpush })

    await registerGraphql(app, { config, container, events: resources.events as GomEventBus, resolveCaller: options.resolveCaller ?? resolveCaller })

    registerQaRoutes(app, config, {
      seedDatabase: async () => {
        await resources.database.reset([kernelMigrations, migrations])
        await resetAuthState(app)
        await loadQaSeed(resources.database, container)
        await app.gomReadCache?.changed() // gom-perf: every process forgets the answers it cached
      },
    })
    if (config.seed !== 'none' && (await isEmpty(resources.database))) {
      await (config.seed === 'qa' ? loadQaSeed : loadDemoSeed)(resources.database, container)
    }
    return app
  } catch (error) {
    await app.close()
    throw error
  }
}

/** The built-in identity provider's sellers (spec §11.2): the seeded ones, signing in by email. */
function builtInSellers() {
  return SELLERS.map((seller) => ({ email: seller.email, password: seller.password, sub: seller.extUid, nickname: seller.nickname, name: seller.name }))
}

const gom: HearthAppModule<GomConfig> = {
  name: APP_NAME,
  defaultPort: DEFAULT_PORT,
  migrations,
  loadConfig: (env, options) => loadGomConfig(env, options),
  buildApp: (config, options) => buildGomApp(config, options),

  async banner() {
    return { docsPath: '/graphiql', credentials: demoLogins() }
  },
}

export default gom
