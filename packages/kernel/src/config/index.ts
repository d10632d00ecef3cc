import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse as parseDotenv } from 'dotenv'

export type HearthEnv = 'development' | 'qa' | 'production'
export type SeedName = 'demo' | 'qa' | 'none'

/** A flat view of the environment: process env over `.env`, with `X_FILE` secrets resolved to `X`. */
export type EnvSource = Readonly<Record<string, string | undefined>>

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`)
    this.name = 'ConfigError'
  }
}

/**
 * Problems with `X_FILE` variables, kept on the environment object and raised only when `X` is
 * asked for: the process environment holds unrelated `*_FILE` variables too (`COMPOSE_FILE`,
 * `SSL_CERT_FILE`, …), and one of those being unreadable must not stop Hearth from starting.
 */
const fileProblems = Symbol('hearth.fileProblems')
type WithFileProblems = { [fileProblems]?: ReadonlyMap<string, ConfigError> }

/**
 * Reads the environment once: `.env` in `cwd` (if present) under the real environment, then every
 * `X_FILE` turned into `X` (the file's trimmed content). Nothing else in Hearth reads process.env.
 * An unreadable `X_FILE`, or `X` and `X_FILE` both given, is refused (naming `X_FILE`) when `X` is
 * read through `EnvReader`.
 */
export function readEnvironment(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): EnvSource {
  const cwd = options.cwd ?? process.cwd()
  const real = options.env ?? process.env
  const dotenvPath = join(cwd, '.env')
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {}
  const merged: Record<string, string | undefined> = { ...fromFile, ...real }
  const problems = new Map<string, ConfigError>()
  for (const [key, value] of Object.entries(merged)) {
    if (!key.endsWith('_FILE') || value === undefined || value === '') continue
    const target = key.slice(0, -'_FILE'.length)
    if (merged[target] !== undefined && merged[target] !== '') {
      problems.set(target, new ConfigError(key, `both ${target} and ${key} are set; give one`))
      continue
    }
    try {
      merged[target] = readFileSync(value, 'utf8').trim()
    } catch (error) {
      problems.set(target, new ConfigError(key, `cannot read secret file ${value} (${(error as Error).message})`))
    }
  }
  Object.defineProperty(merged, fileProblems, { value: problems, enumerable: false })
  return Object.freeze(merged)
}

/** Typed accessors whose errors name the variable. Empty strings count as unset. */
export class EnvReader {
  constructor(readonly source: EnvSource) {}

  raw(name: string): string | undefined {
    const problem = (this.source as WithFileProblems)[fileProblems]?.get(name)
    if (problem) throw problem
    const value = this.source[name]
    return value === undefined || value === '' ? undefined : value
  }

  string(name: string, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback
  }

  requiredString(name: string): string {
    const value = this.raw(name)
    if (value === undefined) throw new ConfigError(name, 'is required')
    return value
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be an integer, got "${value}"`)
    const parsed = Number(value)
    if (range.min !== undefined && parsed < range.min) throw new ConfigError(name, `must be ≥ ${range.min}`)
    if (range.max !== undefined && parsed > range.max) throw new ConfigError(name, `must be ≤ ${range.max}`)
    return parsed
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if (/^(1|true|yes|on)$/i.test(value)) return true
    if (/^(0|false|no|off)$/i.test(value)) return false
    throw new ConfigError(name, `must be true or false, got "${value}"`)
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name)
    if (value === undefined) return fallback
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`)
    }
    return value as T
  }

  url(name: string, protocols: string[]): string | undefined {
    const value = this.raw(name)
    if (value === undefined) return undefined
    let parsed: URL
    try {
      parsed = new URL(value)
    } catch {
      throw new ConfigError(name, 'is not a valid URL')
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`)
    }
    return value
  }

  list(name: string): string[] | undefined {
    const value = this.raw(name)
    return value === undefined
      ? undefined
      : value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
  }
}

/** What every app's configuration has. Apps extend it with their own keys. */
export interface BaseConfig {
  readonly app: string
  readonly env: HearthEnv
  readonly dataDir: string
  /** PostgreSQL URL; undefined → embedded PGlite under dataDir/<app>; `memory://` → in-memory PGlite. */
  readonly databaseUrl: string | undefined
  /** PostgreSQL schema holding this app's tables (default: the app's name). */
  readonly databaseSchema: string
  readonly redisUrl: string | undefined
  readonly seed: SeedName
  readonly logLevel: string
  readonly host: string
  readonly port: number
  /** Explicit CORS origins (`CORS_ORIGINS`), or undefined for the app's original behaviour. */
  readonly corsOrigins: string[] | undefined
  /** Largest accepted request body in bytes. */
  readonly bodyLimit: number
  /** Check every response against its schema before writing it (`RESPONSE_VALIDATION`; off in production). */
  readonly validateResponses: boolean
  /** How long a client may take to send its headers, and its whole request (`HEADERS_TIMEOUT_MS`, `REQUEST_TIMEOUT_MS`). */
  readonly headersTimeoutMs: number
  readonly requestTimeoutMs: number
  /** `JOBS_ENABLED`: run this process's job worker (and schedules); default true. Copies that only serve requests may turn it off. */
  readonly jobsEnabled: boolean
  /** `JOB_POLL_INTERVAL_MS`: how often an idle worker looks for due jobs (default 1 s). */
  readonly jobPollIntervalMs: number
}

export interface BaseConfigOptions {
  app: string
  defaultPort: number
  /** True when this is the only app in the process, so plain `PORT` applies. */
  alone?: boolean
}

const upperSnake = (name: string) => name.toUpperCase().replace(/-/g, '_')

export function loadBaseConfig(source: EnvSource, options: BaseConfigOptions): BaseConfig {
  const env = new EnvReader(source)
  const prefix = upperSnake(options.app)
  const hearthEnv = env.oneOf<HearthEnv>('HEARTH_ENV', ['development', 'qa', 'production'], 'development')
  const seedDefault: SeedName = hearthEnv === 'development' ? 'demo' : hearthEnv === 'qa' ? 'qa' : 'none'
  const portName = env.raw(`${prefix}_PORT`) !== undefined || !options.alone ? `${prefix}_PORT` : 'PORT'
  const databaseUrlName = env.raw(`${prefix}_DATABASE_URL`) !== undefined ? `${prefix}_DATABASE_URL` : 'DATABASE_URL'
  const databaseUrl = env.url(databaseUrlName, ['postgres:', 'postgresql:', 'memory:'])
  const config: BaseConfig = {
    app: options.app,
    env: hearthEnv,
    dataDir: resolve(env.string('DATA_DIR', './data')!),
    databaseUrl,
    databaseSchema: env.string(`${prefix}_DATABASE_SCHEMA`, options.app.replace(/-/g, '_'))!,
    redisUrl: env.url('REDIS_URL', ['redis:', 'rediss:']),
    seed: env.oneOf<SeedName>('SEED', ['demo', 'qa', 'none'], seedDefault),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    host: env.string('HOST', hearthEnv === 'production' ? '0.0.0.0' : '127.0.0.1')!,
    port: env.int(portName, options.defaultPort, { min: 0, max: 65535 }),
    corsOrigins: env.list('CORS_ORIGINS'),
    bodyLimit: env.int('BODY_LIMIT', 1024 * 1024, { min: 1024, max: 64 * 1024 * 1024 }),
    validateResponses: env.bool('RESPONSE_VALIDATION', hearthEnv !== 'production'),
    headersTimeoutMs: env.int('HEADERS_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
    requestTimeoutMs: env.int('REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 3_600_000 }),
    jobsEnabled: env.bool('JOBS_ENABLED', true),
    jobPollIntervalMs: env.int('JOB_POLL_INTERVAL_MS', 1000, { min: 10 }),
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(config.databaseSchema)) {
    throw new ConfigError(`${prefix}_DATABASE_SCHEMA`, 'must be a lower-case SQL identifier')
  }
  if (config.env === 'production') {
    if (config.seed !== 'none') throw new ConfigError('SEED', 'must be "none" in production')
    if (config.databaseUrl === undefined || config.databaseUrl.startsWith('memory:')) {
      throw new ConfigError(databaseUrlName, 'production needs a PostgreSQL server, not the embedded database')
    }
  }
  return config
}

/** Refuses a development-only switch in production, naming the variable. */
export function refuseInProduction(config: BaseConfig, variable: string, enabled: boolean): void {
  if (enabled && config.env === 'production') {
    throw new ConfigError(variable, 'is a development-only feature and is refused in production')
  }
}

/**
 * A secret from the environment. Outside production a missing one is generated once and kept in
 * `DATA_DIR/secrets.json`, so tokens survive restarts; production refuses to start without it.
 */
export function secret(source: EnvSource, config: Pick<BaseConfig, 'env' | 'dataDir'>, name: string, options: { generate?: () => string; minLength?: number } = {}): string {
  const given = new EnvReader(source).raw(name)
  const check = (value: string, origin: string) => {
    if (options.minLength !== undefined && value.length < options.minLength) {
      throw new ConfigError(name, `${origin} must be at least ${options.minLength} characters`)
    }
    return value
  }
  if (given !== undefined) return check(given, 'the secret')
  if (config.env === 'production') {
    throw new ConfigError(name, `is required in production (or give ${name}_FILE)`)
  }
  const store = join(config.dataDir, 'secrets.json')
  const kept: Record<string, string> = existsSync(store) ? JSON.parse(readFileSync(store, 'utf8')) : {}
  if (kept[name] === undefined) {
    kept[name] = (options.generate ?? (() => randomBytes(32).toString('base64url')))()
    mkdirSync(config.dataDir, { recursive: true })
    writeFileSync(store, JSON.stringify(kept, null, 2))
    chmodSync(store, 0o600)
  }
  return check(kept[name]!, `the kept development secret in ${store}`)
}
