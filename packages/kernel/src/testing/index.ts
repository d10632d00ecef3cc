import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { BaseConfig, EnvSource } from '../config/index.ts'
import type { HearthAppModule } from '../app/app-module.ts'
import type { Database } from '../db/index.ts'
import { createTestDatabase, testRedisUrl } from './database.ts'

export { createTestDatabase, testDatabaseUrl, testRedisUrl } from './database.ts'
export { defineFactory, type Factory } from './factories.ts'
export {
  GraphqlContract,
  isRequestError,
  graphqlContractTests,
  RawValue,
  toJson,
  toLiteral,
  type ContractCaller,
  type ContractHeaders,
  type ContractReport,
  type ContractResponse,
  type GraphqlContractOptions,
  type RootField,
} from './graphql-contract.ts'
export { startFakeAuthorizeNet, type FakeAuthorizeNet, type FakeAuthorizeNetOptions, type FakeAuthorizeNetTransaction } from './authorize-net/index.ts'
export { appProcesses, freePort, type AppProcess, type AppProcesses } from './processes.ts'
export { startJwksServer, JwksServer, type JwksServerOptions, type JwksSignOptions, type JwksAlgorithm } from './jwks-server.ts'

export interface TestApp<Config extends BaseConfig> {
  app: FastifyInstance
  config: Config
  database: Database
  close(): Promise<void>
}

/**
 * Builds an app the way production does, on a fresh migrated test database (and the test Redis
 * when `TEST_REDIS_URL` is set). `env` adds or overrides variables (e.g. `HEARTH_ENV: 'qa'`).
 */
export async function buildTestApp<Config extends BaseConfig>(
  module: HearthAppModule<Config>,
  options: { env?: Record<string, string | undefined>; database?: Database } = {},
): Promise<TestApp<Config>> {
  // A temp DATA_DIR of its own unless the test names one; removed again on close.
  const dataDir = options.env && 'DATA_DIR' in options.env ? undefined : mkdtempSync(join(tmpdir(), `hearth-${module.name}-`))
  const removeDataDir = () => dataDir && rmSync(dataDir, { recursive: true, force: true })
  const env: EnvSource = {
    HEARTH_ENV: 'qa',
    SEED: 'none',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    REDIS_URL: testRedisUrl(),
    ...options.env,
  }
  try {
    const config = module.loadConfig(env, { alone: true })
    const database = options.database ?? (await createTestDatabase({ schema: config.databaseSchema, migrations: module.migrations }))
    const app = await module.buildApp(config, { database })
    await app.ready()
    return {
      app,
      config,
      database,
      close: async () => {
        try {
          await app.close()
        } finally {
          removeDataDir()
        }
      },
    }
  } catch (error) {
    removeDataDir()
    throw error
  }
}
export { RestContract, restContractTests, type RestContractOptions } from './rest-contract.ts'
