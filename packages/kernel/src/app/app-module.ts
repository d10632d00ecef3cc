import type { FastifyInstance } from 'fastify'
import type { BaseConfig, EnvSource } from '../config/index.ts'
import type { Database, EmbeddedHost, MigrationSource } from '../db/index.ts'

/** What the start banner prints for an app. */
export interface AppBanner {
  /** Where the app's API reference lives (`/docs`, `/graphiql`). */
  docsPath: string
  /** Ready-to-paste demo credentials: label → value (tokens, logins, curl lines). */
  credentials: Record<string, string>
}

/**
 * The one export each app's `src/app.ts` offers the launcher (`npm start`), the portal and the
 * tests: how to read its configuration and how to build it.
 */
export interface HearthAppModule<Config extends BaseConfig = BaseConfig> {
  name: string
  defaultPort: number
  /** The app's own migration folder (the kernel's run before it). */
  migrations: MigrationSource
  /** `alone` is true when this app is the only one in the process (plain `PORT` then applies). */
  loadConfig(env: EnvSource, options?: { alone?: boolean }): Config
  buildApp(config: Config, options?: BuildOptions): Promise<FastifyInstance>
  banner(config: Config, app: FastifyInstance): Promise<AppBanner>
}

export interface BuildOptions {
  /** Share this embedded instance (one schema per app) instead of opening one. */
  host?: EmbeddedHost
  /** Use this already-migrated database (tests). */
  database?: Database
}
