// The machine, the PostgreSQL server and the benchmark database.
import { execFileSync } from 'node:child_process'
import { cpus, loadavg, totalmem } from 'node:os'
import pg from 'pg'
import type { Machine } from './results.ts'

export const repositoryRoot = new URL('../..', import.meta.url).pathname.replace(/\/$/, '')

/** Runs `fn` with one client on `url`, always closing it. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/**
 * Creates the dedicated benchmark database (e.g. `hearth_bench`) next to the one `adminUrl` names,
 * if it does not exist, and returns its URL. Nothing outside that database is touched.
 */
export async function ensureBenchDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`)
  await withClient(adminUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`)
  })
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** Drops a schema of the benchmark database with everything in it (the app re-creates it at start). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`)
  await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repositoryRoot, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

export async function describeMachine(url: string, loadBefore: [number, number, number]): Promise<Machine> {
  const postgres = await withClient(url, async (client) => {
    const result = await client.query<{ server_version: string }>('SHOW server_version')
    return `PostgreSQL ${result.rows[0]!.server_version.split(' ')[0]}`
  })
  const cpuList = cpus()
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown CPU',
    memoryBytes: totalmem(),
    node: process.version,
    postgres,
    loadBefore,
    loadAfter: loadavg() as [number, number, number],
    commit: gitCommit(),
  }
}

export function currentLoad(): [number, number, number] {
  return loadavg() as [number, number, number]
}
