import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../db/index.ts'

const repositoryRoot = join(import.meta.dirname, '..', '..', '..', '..')

/** A TCP port free on 127.0.0.1 at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.once('error', reject)
  })
}

export interface AppProcess {
  url: string
  child: ChildProcess
}

export interface AppProcesses {
  /** The PostgreSQL schema every process of the group uses (dropped by `close`). */
  readonly schema: string
  /** The `DATA_DIR` every process shares: one deployment's kept secrets and keys. */
  readonly dataDir: string
  /** Starts one more server process (`apps/<app>/src/server.ts`) and resolves once its `/health` answers. */
  start(env?: Record<string, string>): Promise<AppProcess>
  /** Stops every process (SIGTERM, waiting for each to exit) and drops the schema. */
  close(): Promise<void>
}

/**
 * Several server processes of one app on one PostgreSQL schema and one Redis, as copies behind a load balancer
 * run, for the tests that prove state is shared across processes. Each process gets a clean environment:
 * `HEARTH_ENV=qa`, the shared database URL, schema, Redis and `DATA_DIR`, `LOG_LEVEL=warn`, its own port, then
 * `options.env` and the `env` given to `start`.
 */
export function appProcesses(app: string, options: { databaseUrl: string; redisUrl?: string; env?: Record<string, string> }): AppProcesses {
  const prefix = app.toUpperCase().replace(/-/g, '_')
  const schema = `t_${app.replace(/-/g, '_')}_multi_${randomBytes(4).toString('hex')}`
  const dataDir = mkdtempSync(join(tmpdir(), `hearth-${app}-multi-`))
  const children: ChildProcess[] = []
  return {
    schema,
    dataDir,
    async start(env = {}) {
      const port = await freePort()
      const child = spawn(process.execPath, ['--import', 'tsx', join('apps', app, 'src', 'server.ts')], {
        cwd: repositoryRoot,
        env: {
          PATH: process.env.PATH,
          HEARTH_ENV: 'qa',
          DATABASE_URL: options.databaseUrl,
          [`${prefix}_DATABASE_SCHEMA`]: schema,
          ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          HOST: '127.0.0.1',
          PORT: String(port),
          ...options.env,
          ...env,
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      })
      children.push(child)
      const url = `http://127.0.0.1:${port}`
      for (let attempt = 0; attempt < 600; attempt++) {
        if (child.exitCode !== null) throw new Error(`${app} on port ${port} exited with ${child.exitCode}`)
        try {
          const response = await fetch(`${url}/health`)
          if (response.ok && (await response.text()).includes('UP')) return { url, child }
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      throw new Error(`${app} on port ${port} did not become healthy`)
    },
    async close() {
      for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
      await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)))
      const database = await openDatabase({ url: options.databaseUrl, schema, poolSize: 1 })
      try {
        await database.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      } finally {
        await database.close()
      }
    },
  }
}
