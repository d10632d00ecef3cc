// The kernel's own test app: createApp on a fresh fixture database, with every log line captured.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { createApp, createEventBus, loadBaseConfig, loggerOptions, type CreateAppOptions, type MigrationSource } from '../src/index.ts'
import { createTestDatabase } from '../src/testing/index.ts'

const fixture: MigrationSource = { owner: 'fixture', folder: join(import.meta.dirname, 'fixtures', 'migrations') }

export interface KernelApp {
  app: FastifyInstance
  /** Every line logged so far, parsed. */
  logLines: () => Record<string, unknown>[]
  /** Every line logged so far, as written. */
  logText: () => string
}

export async function buildKernelApp(name: string, env: Record<string, string> = {}, options: Pick<CreateAppOptions, 'formatError' | 'cors' | 'readinessChecks'> = {}): Promise<KernelApp> {
  const config = loadBaseConfig({ LOG_LEVEL: 'info', DATA_DIR: mkdtempSync(join(tmpdir(), `hearth-${name}-`)), ...env }, { app: `kernel-${name}`, defaultPort: 0 })
  const lines: string[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  const logger = pino(loggerOptions(config.app, 'info'), sink)
  const schema = `kernel_${name.replace(/-/g, '_')}_test`
  const database = await createTestDatabase({ schema, migrations: fixture })
  const events = await createEventBus({ namespace: schema })
  const app = await createApp({ config, database, events, logger, ...options })
  return { app, logLines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), logText: () => lines.join('\n') }
}
