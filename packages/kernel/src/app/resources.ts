import { join } from 'node:path'
import type { BaseConfig } from '../config/index.ts'
import { openDatabase, kernelMigrations, type Database, type EmbeddedHost, type MigrationSource } from '../db/index.ts'
import { createEventBus, type EventBus } from '../events/index.ts'
import { connectRedis, type Redis } from '../redis/index.ts'

export interface AppResources {
  database: Database
  events: EventBus
  redis: Redis | undefined
}

export interface OpenResourcesOptions {
  /** The app's migration folder; the kernel's own migrations always run first. */
  migrations: MigrationSource
  /** An embedded database shared with the other apps of this process. */
  host?: EmbeddedHost
  /** A database already open and migrated (tests). */
  database?: Database
}

/** Opens (and migrates) what an app runs on, from its configuration. */
export async function openResources(config: BaseConfig, options: OpenResourcesOptions): Promise<AppResources> {
  const database =
    options.database ??
    (await openDatabase({
      url: config.databaseUrl,
      schema: config.databaseSchema,
      dataDir: join(config.dataDir, config.app),
      host: options.host,
      extensions: options.migrations.embeddedExtensions,
    }))
  try {
    if (!options.database) await database.migrate([kernelMigrations, options.migrations])
    const redis = config.redisUrl ? await connectRedis(config.redisUrl, { name: config.app }) : undefined
    // The schema actually opened (a test database has its own), so test runs sharing one Redis never see each other's events.
    const events = await createEventBus({ namespace: database.schema, redisUrl: config.redisUrl })
    return { database, events, redis }
  } catch (error) {
    if (!options.database) await database.close()
    throw error
  }
}
