import { EnvReader, loadBaseConfig, secret, type BaseConfig, type EnvSource } from '@hearth/kernel'
import { loadAuthConfig, type AuthConfig } from './modules/auth/auth.config.ts'
import { loadWebPushConfig, type WebPushConfig } from './modules/webpush/webpush.config.ts'

export const APP_NAME = 'gom'
export const DEFAULT_PORT = 8002

export interface GomConfig extends BaseConfig {
  /** The master secret (`APP_KEY` or `APP_KEY_FILE`; generated under DATA_DIR outside production). */
  readonly appKey: string
  /** Deepest selection nesting accepted in one GraphQL document (introspection needs about 13). */
  readonly queryDepthLimit: number
  /** Longest GraphQL document accepted, in characters. */
  readonly maxDocumentLength: number
  /** Largest `first`/`last` a connection or list accepts (Prisma 1 refused more than 1,000). */
  readonly maxPageSize: number
  /** Deepest nesting of a `where` filter (AND/OR/NOT and relation filters count one level each). */
  readonly maxWhereDepth: number
  /** Longest list inside a `where` (`_in`, `_not_in`, `AND`, `OR`, `NOT`). */
  readonly maxWhereListSize: number
  /** Most filter conditions (leaves) in one `where`. */
  readonly maxWhereConditions: number
  /** Most nested writes (items, prices, …) in one mutation. */
  readonly maxNestedWrites: number
  // ─── Caches (gom-perf; README "Caches"). ───
  /** How long a process keeps a session read from the store and a verified access token (ms); 0 turns both caches off. */
  readonly sessionCacheTtlMs: number
  /** Whether successful GraphQL query answers are cached per caller (`GOM_READ_CACHE`). */
  readonly readCache: boolean
  /** How long a cached GraphQL answer is served at most (ms), should an invalidation ever be lost. */
  readonly readCacheTtlMs: number
  // ─── Auth / Web Push settings (GB) go below. ───
  /** Sessions, cookies, Auth0 or the built-in provider, login limiter, proxies, UI (modules/auth). */
  readonly auth: AuthConfig
  /** VAPID keys and push delivery (modules/webpush). */
  readonly webpush: WebPushConfig
}

export function loadGomConfig(source: EnvSource, options: { alone?: boolean } = {}): GomConfig {
  const base = loadBaseConfig(source, { app: APP_NAME, defaultPort: DEFAULT_PORT, alone: options.alone })
  const env = new EnvReader(source)
  return Object.freeze({
    ...base,
    appKey: secret(source, base, 'APP_KEY', { minLength: 16 }),
    queryDepthLimit: env.int('GOM_QUERY_DEPTH_LIMIT', 15, { min: 2, max: 100 }),
    maxDocumentLength: env.int('GOM_MAX_DOCUMENT_LENGTH', 50_000, { min: 1_000, max: 1_000_000 }),
    maxPageSize: env.int('GOM_MAX_PAGE_SIZE', 1_000, { min: 1, max: 100_000 }),
    maxWhereDepth: env.int('GOM_MAX_WHERE_DEPTH', 12, { min: 2, max: 100 }),
    maxWhereListSize: env.int('GOM_MAX_WHERE_LIST_SIZE', 500, { min: 1, max: 100_000 }),
    maxWhereConditions: env.int('GOM_MAX_WHERE_CONDITIONS', 200, { min: 1, max: 100_000 }),
    maxNestedWrites: env.int('GOM_MAX_NESTED_WRITES', 200, { min: 1, max: 100_000 }),
    sessionCacheTtlMs: env.int('GOM_SESSION_CACHE_TTL_MS', 5_000, { min: 0, max: 600_000 }),
    readCache: env.bool('GOM_READ_CACHE', true),
    readCacheTtlMs: env.int('GOM_READ_CACHE_TTL_MS', 5_000, { min: 1, max: 600_000 }),
    auth: loadAuthConfig(source, base),
    webpush: loadWebPushConfig(source, base),
  })
}
