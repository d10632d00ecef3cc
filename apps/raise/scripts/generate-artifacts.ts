// Writes apps/raise/openapi.json from the route schemas (run by `npm run generate`; CI checks it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { renderOpenApi } from '@hearth/kernel/openapi'
import raise from '../src/app.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'raise-openapi-'))
const config = raise.loadConfig(
  {
    HEARTH_ENV: 'development',
    DATABASE_URL: 'memory://',
    DATA_DIR: dataDir,
    SEED: 'none',
    LOG_LEVEL: 'silent',
    JOBS_ENABLED: 'false',
    // A configured Stripe key: the contract documents production routes, not the development fake's.
    STRIPE_SECRET_KEY: 'sk_test_openapi',
    STRIPE_WEBHOOK_SECRET: 'whsec_openapi',
  },
  { alone: true },
)
const app = await raise.buildApp(config)
await app.ready()
writeFileSync(join(import.meta.dirname, '..', 'openapi.json'), renderOpenApi(app))
await app.close()
rmSync(dataDir, { recursive: true, force: true })
