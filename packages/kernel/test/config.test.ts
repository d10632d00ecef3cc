import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, EnvReader, loadBaseConfig, readEnvironment, refuseInProduction, secret } from '../src/config/index.ts'

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `hearth-config-${prefix}-`))

/** Asserts that `fn` throws a ConfigError naming `variable`, and returns its message. */
function refusal(fn: () => unknown, variable: string): string {
  let message = ''
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`)
    assert.equal(error.variable, variable)
    assert.ok(error.message.startsWith(`${variable}: `), error.message)
    message = error.message
    return true
  })
  return message
}

describe('readEnvironment', () => {
  test('reads .env from the working directory, and the real environment wins over it', () => {
    const cwd = tempDir('dotenv')
    writeFileSync(join(cwd, '.env'), 'FROM_DOTENV=file\nBOTH=file\n# a comment\nQUOTED="a b"\n')
    const env = readEnvironment({ cwd, env: { BOTH: 'real', ONLY_REAL: 'yes' } })
    assert.equal(env.FROM_DOTENV, 'file')
    assert.equal(env.BOTH, 'real')
    assert.equal(env.ONLY_REAL, 'yes')
    assert.equal(env.QUOTED, 'a b')
    assert.ok(Object.isFrozen(env))
  })

  test('without a .env only the given environment is read', () => {
    const env = readEnvironment({ cwd: tempDir('none'), env: { A: '1' } })
    assert.deepEqual({ ...env }, { A: '1' })
  })

  test('X_FILE gives the secret X from a file, trimmed (container secrets)', () => {
    const dir = tempDir('file')
    const path = join(dir, 'jwt-secret')
    writeFileSync(path, '  s3cret-from-file\n')
    const env = readEnvironment({ cwd: dir, env: { DEVMARKT_AUTH_JWTSECRET_FILE: path } })
    assert.equal(env.DEVMARKT_AUTH_JWTSECRET, 's3cret-from-file')
  })

  test('X_FILE works from .env too', () => {
    const dir = tempDir('file-dotenv')
    writeFileSync(join(dir, 'key'), 'from-dotenv-file')
    writeFileSync(join(dir, '.env'), `API_KEY_FILE=${join(dir, 'key')}\n`)
    assert.equal(readEnvironment({ cwd: dir, env: {} }).API_KEY, 'from-dotenv-file')
  })

  test('giving both X and X_FILE is refused when X is read, naming X_FILE', () => {
    const dir = tempDir('both')
    writeFileSync(join(dir, 'value'), 'x')
    const env = readEnvironment({ cwd: dir, env: { TOKEN: 'a', TOKEN_FILE: join(dir, 'value') } })
    const message = refusal(() => new EnvReader(env).string('TOKEN'), 'TOKEN_FILE')
    assert.match(message, /both TOKEN and TOKEN_FILE are set/)
  })

  test('an unreadable X_FILE is refused when X is read, naming it and the path', () => {
    const missing = join(tempDir('missing'), 'nope')
    const env = readEnvironment({ cwd: tempDir('cwd'), env: { TOKEN_FILE: missing } })
    const message = refusal(() => new EnvReader(env).raw('TOKEN'), 'TOKEN_FILE')
    assert.ok(message.includes(missing))
    refusal(() => secret(env, { env: 'development', dataDir: tempDir('data') }, 'TOKEN'), 'TOKEN_FILE')
  })

  test('an unrelated *_FILE variable that cannot be read does not stop the start', () => {
    // Shells and tools set such variables (COMPOSE_FILE may even list several files).
    const env = readEnvironment({ cwd: tempDir('cwd'), env: { COMPOSE_FILE: 'a.yml:b.yml', HEARTH_ENV: 'qa' } })
    assert.equal(loadBaseConfig(env, { app: 'raise', defaultPort: 8001 }).env, 'qa')
  })
})

describe('EnvReader', () => {
  const reader = new EnvReader({ N: '12', BAD: '1.5', FLAG: 'yes', NOPE: 'maybe', EMPTY: '', URL: 'ftp://x', LIST: 'a, b,,c' })

  test('typed values, with empty strings counted as unset', () => {
    assert.equal(reader.int('N', 0), 12)
    assert.equal(reader.int('MISSING', 7), 7)
    assert.equal(reader.bool('FLAG', false), true)
    assert.equal(reader.string('EMPTY', 'fallback'), 'fallback')
    assert.deepEqual(reader.list('LIST'), ['a', 'b', 'c'])
  })

  test('every refusal names the variable', () => {
    assert.match(
      refusal(() => reader.int('BAD', 0), 'BAD'),
      /must be an integer, got "1.5"/,
    )
    assert.match(
      refusal(() => reader.int('N', 0, { max: 10 }), 'N'),
      /≤ 10/,
    )
    assert.match(
      refusal(() => reader.bool('NOPE', false), 'NOPE'),
      /true or false/,
    )
    assert.match(
      refusal(() => reader.url('URL', ['http:']), 'URL'),
      /must use http:/,
    )
    assert.match(
      refusal(() => reader.oneOf('NOPE', ['a', 'b'], 'a'), 'NOPE'),
      /one of a, b/,
    )
    assert.match(
      refusal(() => reader.requiredString('EMPTY'), 'EMPTY'),
      /is required/,
    )
  })
})

describe('loadBaseConfig', () => {
  test('development defaults: embedded database, demo seed, loopback host, the default port', () => {
    const config = loadBaseConfig({}, { app: 'send-a-hug', defaultPort: 8004 })
    assert.equal(config.env, 'development')
    assert.equal(config.databaseUrl, undefined)
    assert.equal(config.databaseSchema, 'send_a_hug')
    assert.equal(config.seed, 'demo')
    assert.equal(config.host, '127.0.0.1')
    assert.equal(config.port, 8004)
    assert.equal(config.logLevel, 'info')
    assert.equal(config.bodyLimit, 1024 * 1024)
    assert.equal(config.redisUrl, undefined)
    assert.ok(config.dataDir.endsWith('data'))
  })

  test('QA mode seeds the QA data by default', () => {
    assert.equal(loadBaseConfig({ HEARTH_ENV: 'qa' }, { app: 'raise', defaultPort: 8001 }).seed, 'qa')
  })

  test('<APP>_PORT sets one app; PORT applies only to an app running alone', () => {
    const options = { app: 'send-a-hug', defaultPort: 8004 }
    assert.equal(loadBaseConfig({ SEND_A_HUG_PORT: '9004' }, options).port, 9004)
    assert.equal(loadBaseConfig({ PORT: '9999' }, options).port, 8004)
    assert.equal(loadBaseConfig({ PORT: '9999' }, { ...options, alone: true }).port, 9999)
    assert.equal(loadBaseConfig({ PORT: '9999', SEND_A_HUG_PORT: '9004' }, { ...options, alone: true }).port, 9004)
  })

  test('<APP>_DATABASE_URL overrides DATABASE_URL for one app', () => {
    const env = { DATABASE_URL: 'postgres://shared/db', RAISE_DATABASE_URL: 'postgres://own/db' }
    assert.equal(loadBaseConfig(env, { app: 'raise', defaultPort: 8001 }).databaseUrl, 'postgres://own/db')
    assert.equal(loadBaseConfig(env, { app: 'devmarkt', defaultPort: 8005 }).databaseUrl, 'postgres://shared/db')
  })

  test('invalid values are refused with messages naming the variable', () => {
    const options = { app: 'devmarkt', defaultPort: 8005 }
    assert.match(
      refusal(() => loadBaseConfig({ HEARTH_ENV: 'prod' }, options), 'HEARTH_ENV'),
      /development, qa, production/,
    )
    assert.match(
      refusal(() => loadBaseConfig({ DEVMARKT_PORT: '70000' }, options), 'DEVMARKT_PORT'),
      /≤ 65535/,
    )
    assert.match(
      refusal(() => loadBaseConfig({ DATABASE_URL: 'mysql://x/y' }, options), 'DATABASE_URL'),
      /must use postgres:/,
    )
    refusal(() => loadBaseConfig({ REDIS_URL: 'not a url' }, options), 'REDIS_URL')
    refusal(() => loadBaseConfig({ LOG_LEVEL: 'loud' }, options), 'LOG_LEVEL')
    refusal(() => loadBaseConfig({ SEED: 'everything' }, options), 'SEED')
    refusal(() => loadBaseConfig({ BODY_LIMIT: '10' }, options), 'BODY_LIMIT')
    assert.match(
      refusal(() => loadBaseConfig({ DEVMARKT_DATABASE_SCHEMA: 'Drop Table' }, options), 'DEVMARKT_DATABASE_SCHEMA'),
      /identifier/,
    )
  })

  test('production listens on all interfaces and needs a PostgreSQL server', () => {
    const options = { app: 'devmarkt', defaultPort: 8005 }
    const config = loadBaseConfig({ HEARTH_ENV: 'production', DATABASE_URL: 'postgres://db/hearth' }, options)
    assert.equal(config.host, '0.0.0.0')
    assert.equal(config.seed, 'none')
    assert.match(
      refusal(() => loadBaseConfig({ HEARTH_ENV: 'production' }, options), 'DATABASE_URL'),
      /PostgreSQL server/,
    )
    refusal(() => loadBaseConfig({ HEARTH_ENV: 'production', DATABASE_URL: 'memory://' }, options), 'DATABASE_URL')
    refusal(() => loadBaseConfig({ HEARTH_ENV: 'production', DEVMARKT_DATABASE_URL: 'memory://' }, options), 'DEVMARKT_DATABASE_URL')
  })

  test('production refuses any seed', () => {
    const env = { HEARTH_ENV: 'production', DATABASE_URL: 'postgres://db/hearth' }
    assert.match(
      refusal(() => loadBaseConfig({ ...env, SEED: 'demo' }, { app: 'raise', defaultPort: 8001 }), 'SEED'),
      /must be "none" in production/,
    )
  })

  test('a development-only switch is refused in production, naming it', () => {
    const production = loadBaseConfig({ HEARTH_ENV: 'production', DATABASE_URL: 'postgres://db/x' }, { app: 'gom', defaultPort: 8002 })
    const development = loadBaseConfig({}, { app: 'gom', defaultPort: 8002 })
    assert.match(
      refusal(() => refuseInProduction(production, 'AUTH_EMULATOR', true), 'AUTH_EMULATOR'),
      /development-only/,
    )
    refuseInProduction(production, 'AUTH_EMULATOR', false)
    refuseInProduction(development, 'AUTH_EMULATOR', true)
  })
})

describe('secret', () => {
  test('a given secret is used as is, and a too-short one is refused', () => {
    const config = { env: 'production' as const, dataDir: tempDir('given') }
    assert.equal(secret({ JWT_SECRET: 'x'.repeat(32) }, config, 'JWT_SECRET', { minLength: 32 }), 'x'.repeat(32))
    assert.match(
      refusal(() => secret({ JWT_SECRET: 'short' }, config, 'JWT_SECRET', { minLength: 32 }), 'JWT_SECRET'),
      /at least 32/,
    )
  })

  test('production refuses to start without it, pointing at X_FILE too', () => {
    const message = refusal(() => secret({}, { env: 'production', dataDir: tempDir('prod') }, 'STRIPE_WEBHOOK_SECRET'), 'STRIPE_WEBHOOK_SECRET')
    assert.match(message, /required in production \(or give STRIPE_WEBHOOK_SECRET_FILE\)/)
  })

  test('in development a missing secret is generated once and kept under DATA_DIR', () => {
    const dataDir = tempDir('dev')
    const config = { env: 'development' as const, dataDir }
    const first = secret({}, config, 'DEVMARKT_AUTH_JWTSECRET')
    assert.ok(first.length >= 32)
    assert.equal(secret({}, config, 'DEVMARKT_AUTH_JWTSECRET'), first, 'kept across restarts')
    const other = secret({}, config, 'OTHER_SECRET', { generate: () => 'made-by-the-app' })
    assert.equal(other, 'made-by-the-app')
    const store = join(dataDir, 'secrets.json')
    assert.deepEqual(JSON.parse(readFileSync(store, 'utf8')), { DEVMARKT_AUTH_JWTSECRET: first, OTHER_SECRET: 'made-by-the-app' })
    assert.equal(statSync(store).mode & 0o777, 0o600, 'readable by the owner only')
    assert.equal(secret({ DEVMARKT_AUTH_JWTSECRET: 'explicit' }, config, 'DEVMARKT_AUTH_JWTSECRET'), 'explicit', 'the environment wins')
  })
})
