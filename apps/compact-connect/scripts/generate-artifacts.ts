// Writes apps/compact-connect/openapi.json from the route schemas (run by `npm run generate`; CI checks it).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase } from '@hearth/kernel/testing'
import { renderOpenApi } from '@hearth/kernel/openapi'
import compactConnect from '../src/app.ts'

const config = compactConnect.loadConfig(
  { HEARTH_ENV: 'development', SEED: 'none', LOG_LEVEL: 'silent', JOBS_ENABLED: 'false', DATA_DIR: mkdtempSync(join(tmpdir(), 'compact-connect-openapi-')), DATABASE_URL: 'memory://' },
  { alone: true },
)
const database = await createTestDatabase({ schema: config.databaseSchema, migrations: compactConnect.migrations })
const app = await compactConnect.buildApp(config, { database })
await app.ready()
writeFileSync(join(import.meta.dirname, '..', 'openapi.json'), `${renderOpenApi(app)}`)
await app.close()
