import { EnvReader, type EnvSource, type HearthEnv } from '@hearth/kernel'

/**
 * The portal has no database and no secrets, so it reads only the keys a web page needs. It does
 * not use `loadBaseConfig`, which would ask for a database in production.
 */
export interface PortalConfig {
  readonly app: 'portal'
  readonly env: HearthEnv
  readonly host: string
  readonly port: number
  readonly logLevel: string
  /** How long the portal waits for an app's `/health` before calling it down. */
  readonly healthTimeoutMs: number
}

export function loadPortalConfig(source: EnvSource, options: { alone?: boolean } = {}): PortalConfig {
  const env = new EnvReader(source)
  const hearthEnv = env.oneOf<HearthEnv>('HEARTH_ENV', ['development', 'qa', 'production'], 'development')
  const portName = env.raw('PORTAL_PORT') !== undefined || !options.alone ? 'PORTAL_PORT' : 'PORT'
  return Object.freeze({
    app: 'portal',
    env: hearthEnv,
    host: env.string('HOST', hearthEnv === 'production' ? '0.0.0.0' : '127.0.0.1')!,
    port: env.int(portName, 8000, { min: 0, max: 65535 }),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    healthTimeoutMs: env.int('PORTAL_HEALTH_TIMEOUT_MS', 2000, { min: 100, max: 60_000 }),
  })
}
