import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { openDatabase, type Database } from '@hearth/kernel'
import { appProcesses, testDatabaseUrl, testRedisUrl } from '@hearth/kernel/testing'
import { loadConfig } from '../src/config.ts'
import { IdentityTokens, SigningKey } from '../src/auth/index.ts'
import { ssnOf, uploadedLicense } from './factories.ts'

const databaseUrl = testDatabaseUrl()
const redisUrl = testRedisUrl()
const processes = databaseUrl ? appProcesses('compact-connect', { databaseUrl, redisUrl, env: { SEED: 'none', JOB_POLL_INTERVAL_MS: '20', INGEST_BATCH_SIZE: '25' } }) : undefined
let database: Database | undefined

after(async () => {
  await database?.close()
  await processes?.close()
})

/** One more CompactConnect process on the shared schema, Redis and DATA_DIR (one deployment's kept secrets). */
const startProcess = async () => (await processes!.start()).url

async function settled(db: Database): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const [row] = (await db.query(`SELECT count(*)::int AS open FROM jobs WHERE status IN ('queued', 'running')`)) as { open: number }[]
    if (row!.open === 0) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('ingest jobs did not finish')
}

const HEADER = Object.keys(uploadedLicense(0))

test(
  'two CompactConnect processes on one PostgreSQL and Redis ingesting the same uploads concurrently create each provider and license once',
  { skip: databaseUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL (two processes cannot share the embedded database)' },
  async () => {
    const first = await startProcess() // migrates and keeps the secrets
    const second = await startProcess()
    database = await openDatabase({ url: databaseUrl!, schema: processes!.schema, poolSize: 2 })

    const config = loadConfig({ HEARTH_ENV: 'qa', DATA_DIR: processes!.dataDir, DATABASE_URL: databaseUrl, COMPACT_CONNECT_DATABASE_SCHEMA: processes!.schema })
    const tokens = new IdentityTokens(config.auth, await SigningKey.open(config.auth.signingKeyFile))
    const token = await tokens.mintStaffAccessToken({ sub: 'e0000000-0000-4000-8000-000000000004', username: 'walt.diaz@example.org', scopes: ['profile', 'aslp/readGeneral', 'oh/aslp.write'] })
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const url = '/v1/compacts/aslp/jurisdictions/oh/licenses'

    // The same two JSON batches (100 + 100 licenses, providers overlapping between the batches through a second
    // license type), each POSTed to both processes at once, twice.
    const batchA = Array.from({ length: 100 }, (_, index) => uploadedLicense(index))
    const batchB = Array.from({ length: 100 }, (_, index) => uploadedLicense(50 + index, { licenseType: 'audiologist' }))
    const posts = [first, second, first, second].flatMap((base) => [batchA, batchB].map((batch) => fetch(`${base}${url}`, { method: 'POST', headers, body: JSON.stringify(batch) })))
    const statuses = await Promise.all(posts.map(async (response) => (await response).status))
    assert.deepEqual(statuses, Array(8).fill(200))

    // The same CSV file uploaded through both processes at once (two forms, one file).
    const csv = [HEADER.join(','), ...Array.from({ length: 120 }, (_, index) => HEADER.map((column) => String(uploadedLicense(200 + index)[column])).join(','))].join('\n')
    const forms = await Promise.all(
      [first, second].map(async (base) => ((await (await fetch(`${base}${url}/bulk-upload`, { headers })).json()) as { upload: { url: string; fields: Record<string, string> } }).upload),
    )
    const uploads = await Promise.all(
      forms.map((form, index) => {
        const body = new FormData()
        for (const [name, value] of Object.entries(form.fields)) body.append(name, value)
        body.append('Content-Type', 'text/csv')
        body.append('file', new Blob([csv], { type: 'text/csv' }), 'licenses.csv')
        return fetch(`${index === 0 ? first : second}/v1/bulk-uploads`, { method: 'POST', body })
      }),
    )
    assert.deepEqual(
      uploads.map((response) => response.status),
      [204, 204],
    )

    await settled(database)
    const count = async (sql: string) => ((await database!.query(sql)) as { n: number }[])[0]!.n
    assert.equal(await count(`SELECT count(*)::int AS n FROM ssn_records`), 150 + 120, 'one vault entry per SSN')
    assert.equal(await count(`SELECT count(*)::int AS n FROM providers`), 150 + 120, 'one provider per SSN')
    assert.equal(await count(`SELECT count(*)::int AS n FROM licenses`), 200 + 120, 'one license per provider, jurisdiction and type')
    assert.equal(await count(`SELECT count(*)::int AS n FROM update_records`), 0, 'identical re-ingests wrote no update records')
    assert.equal(await count(`SELECT count(*)::int AS n FROM jobs WHERE status = 'failed'`), 0)
    const [provider] = (await database.query(`SELECT count(*)::int AS n FROM licenses l JOIN providers p USING (provider_id) WHERE l.ssn_last_four = $1`, [ssnOf(60).slice(-4)])) as { n: number }[]
    assert.equal(provider!.n, 2, 'the provider of SSN 60 holds its slp and aud licenses')
  },
)
