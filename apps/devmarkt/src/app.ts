import { join } from 'node:path'
import { createApp, kernelMigrations, openResources, registerQaRoutes, signHs256, type HearthAppModule } from '@hearth/kernel'
import { loadDevmarktConfig, type DevmarktConfig } from './config.ts'
import { createContainer } from './container.ts'
import type { DevmarktEventBus } from './events.ts'
import { registerGraphql } from './graphql/plugin.ts'
import { seedDemo } from '../seeds/demo.ts'
import { seedQa } from '../seeds/qa.ts'
import { isEmpty } from '../seeds/seed-data.ts'

const migrations = { owner: 'devmarkt', folder: join(import.meta.dirname, '..', 'migrations') }

/** Errors outside GraphQL (unknown routes, `/qa`) in a GraphQL-like shape. */
const formatError = (error: { status: number; code: string; message: string }) => ({
  status: error.status,
  body: { errors: [{ message: error.message, extensions: { classification: error.code } }] },
})

const devmarkt: HearthAppModule<DevmarktConfig> = {
  name: 'devmarkt',
  defaultPort: 8005,
  migrations,
  loadConfig: (env, options) => loadDevmarktConfig(env, options),

  async buildApp(config, options = {}) {
    const resources = await openResources(config, { migrations, ...options })
    const app = await createApp({ config, ...resources, formatError, cors: false })
    try {
      const bus = resources.events as DevmarktEventBus
      const { services, repositories, callers, caches } = createContainer(config, resources.database, bus)
      await caches.listen(bus)
      if (config.seed !== 'none' && (await isEmpty(resources.database))) {
        await (config.seed === 'qa' ? seedQa : seedDemo)(resources.database)
      }
      await registerGraphql(app, { config, database: resources.database, callers, services, repositories, caches, bus })
      registerQaRoutes(app, config, {
        // The original drops and re-creates the schema, then seeds; ids start at 1 again.
        seedDatabase: async () => {
          await resources.database.reset([kernelMigrations, migrations])
          await seedQa(resources.database)
          await caches.databaseReset()
        },
        seedStatus: 200,
      })
      return app
    } catch (error) {
      await app.close()
      throw error
    }
  },

  async banner(config) {
    const self = async (subject: string) => `Self ${await signHs256({ sub: subject }, config.jwtSecret)}`
    const admin = await signHs256({ sub: 'internal:1' }, config.jwtSecret)
    return {
      docsPath: '/graphiql',
      credentials: {
        'Authorization (admin internal:1)': await self('internal:1'),
        'Authorization (user testuser:2)': await self('testuser:2'),
        'Authorization (user testuser:3)': await self('testuser:3'),
        'Authorization (role NONE, testuser:1)': await self('testuser:1'),
        'Authorization (admin acting for discord:123456789012345678)': `Foreign ${admin} discord:123456789012345678`,
      },
    }
  },
}

export default devmarkt
