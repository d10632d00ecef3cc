// Small probes for .ci/run, using the project's own drivers (no client binaries needed).
//   node .ci/probe.mjs postgres <url>               exit 0 when the server answers
//   node .ci/probe.mjs redis <url>                  exit 0 when Redis answers PING
//   node .ci/probe.mjs create-database <url> <name> (re)creates an empty database
//   node .ci/probe.mjs drop-database <url> <name>
import pg from 'pg'
import { Redis } from 'ioredis'

const [command, url, name] = process.argv.slice(2)
const identifier = (value) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(value ?? '')) throw new Error(`not a plain identifier: ${value}`)
  return `"${value}"`
}

async function withPostgres(fn) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

try {
  switch (command) {
    case 'postgres':
      await withPostgres((client) => client.query('SELECT 1'))
      break
    case 'redis': {
      const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null })
      redis.on('error', () => {})
      try {
        await redis.connect()
        if ((await redis.ping()) !== 'PONG') throw new Error('no PONG')
      } finally {
        redis.disconnect()
      }
      break
    }
    case 'create-database':
      await withPostgres(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${identifier(name)}`)
        await client.query(`CREATE DATABASE ${identifier(name)}`)
      })
      console.log(`    created database ${name}`)
      break
    case 'drop-database':
      await withPostgres((client) => client.query(`DROP DATABASE IF EXISTS ${identifier(name)} WITH (FORCE)`))
      break
    default:
      throw new Error(`unknown probe ${command}`)
  }
} catch (error) {
  if (command === 'postgres' || command === 'redis') console.log(`    ${command} probe: ${error.message}`)
  else console.error(`${command} failed: ${error.message}`)
  process.exit(1)
}
