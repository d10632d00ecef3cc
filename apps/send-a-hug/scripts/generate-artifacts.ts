// Writes apps/send-a-hug/openapi.json from the route schemas (run by `npm run generate`; CI checks it).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase } from '@hearth/kernel/testing'
import { renderOpenApi } from '@hearth/kernel/openapi'
import sendAHug from '../src/app.ts'

const config = sendAHug.loadConfig(
  { HEARTH_ENV: 'development', SEED: 'none', LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(join(tmpdir(), 'send-a-hug-openapi-')), DATABASE_URL: 'memory://' },
  { alone: true },
)
const database = await createTestDatabase({ schema: config.databaseSchema, migrations: sendAHug.migrations })
const app = await sendAHug.buildApp(config, { database })
await app.ready()
writeFileSync(join(import.meta.dirname, '..', 'openapi.json'), renderOpenApi(app))
await app.close()
