// A focused probe of CompactConnect's CSV ingest (not a scenario: nothing is written to RESULTS.md). One fresh
// ingesting process per size uploads the bench scenario's CSV through the real endpoints and reports its own CPU
// µs per row, peak RSS, and the CPU of its PostgreSQL backends (read from /proc, so PostgreSQL must run on this
// machine): `node --import tsx bench/probes/cc-ingest.ts 10000 100000`. With `--sql-floor 20000 100000`, what
// PostgreSQL alone spends per row on this schema, with no client (`measureSqlFloor`). Settings: bench/README.md.
import { writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { dropSchema, ensureBenchDatabase, repositoryRoot, withClient } from '../lib/environment.ts'
import { freePort, processCpuSeconds, startServer } from '../lib/servers.ts'
import { multipartBody } from '../scenarios/compact-connect.ts'

const SCHEMA = 'compact_connect'
const APPLICATION = 'cc-probe-ingest'
const WRITER_SUB = 'e0000000-0000-4000-8000-000000000004'
/** `--sql-floor`: instead of uploads, what PostgreSQL alone spends per row (below). */
const sqlFloor = process.argv[2] === '--sql-floor'
const sizes = process.argv.slice(sqlFloor ? 3 : 2).map(Number)
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const databaseUrl = await ensureBenchDatabase(adminUrl, process.env.PROBE_DATABASE_NAME ?? 'hearth_probe_cc')
const serverScript = process.env.PROBE_SERVER ?? 'apps/compact-connect/src/server.ts'
const env = {
  DATABASE_URL: `${databaseUrl}?application_name=${APPLICATION}`,
  HEARTH_ENV: 'qa',
  SEED: 'none',
  LOG_LEVEL: 'warn',
  RESPONSE_VALIDATION: 'false',
  AUTHORIZE_NET_API_URL: 'https://apitest.authorize.net/xml/v1/request.api',
  DATA_DIR: '/tmp/cc-probe-data',
  ...(process.env.INGEST_BATCH_SIZE ? { INGEST_BATCH_SIZE: process.env.INGEST_BATCH_SIZE } : {}),
  // Files above 30 MB (≈ 200,000 rows) need a larger limit.
  ...(process.env.BULK_UPLOAD_MAX_BYTES ? { BULK_UPLOAD_MAX_BYTES: process.env.BULK_UPLOAD_MAX_BYTES } : {}),
}

function spec(jobs: boolean, port: number) {
  const args = serverScript.endsWith('.ts') ? ['--import', 'tsx', serverScript] : [serverScript]
  return {
    target: 'hearth',
    label: 'probe',
    command: process.execPath,
    args: [...(process.env.PROBE_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []), ...args],
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', ...env, JOBS_ENABLED: String(jobs), JOB_POLL_INTERVAL_MS: '50', PORT: String(port) },
    port,
    readyPath: '/health',
  }
}

/** CPU seconds of every backend of the probe's application name seen so far (pid → latest reading). */
const backendCpu = new Map<number, number>()
async function sampleBackends(): Promise<void> {
  const pids = await withClient(databaseUrl, async (client) => (await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [APPLICATION])).rows)
  for (const { pid } of pids) {
    const cpu = processCpuSeconds(pid)
    if (cpu !== undefined) backendCpu.set(pid, cpu)
  }
}
const totalBackendCpu = () => [...backendCpu.values()].reduce((a, b) => a + b, 0)

if (!sqlFloor) {
  await dropSchema(databaseUrl, SCHEMA)
  const seeder = await startServer(spec(false, await freePort()))
  const seeded = await fetch(`${seeder.url}/qa/seedDatabase`, { method: 'POST' })
  if (!seeded.ok) throw new Error(`seed: ${seeded.status} ${await seeded.text()}`)
  await seeder.stop()
}
/**
 * PostgreSQL's own cost per ingested row, with no client in the way: the rows an ingest writes (a provider, its
 * license, its SSN vault entry, its `license.ingest` data event) generated inside the database from a staging table
 * and inserted set-based, 1,000 a transaction as the ingest batches them, into this schema with all its indexes. No
 * JSON, no parameters, no round trips per row: what is left is heap, index and WAL upkeep, the floor under any
 * client. Prints the backend's CPU µs per row for each table (from /proc, 10 ms ticks summed over the batches).
 */
async function measureSqlFloor(rows: number): Promise<void> {
  const batch = 1000
  const cpu = new Map<string, number>()
  await withClient(databaseUrl, async (client) => {
    await client.query(`SET search_path TO ${SCHEMA}, public`)
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
    await client.query(`DROP TABLE IF EXISTS floor_stage`)
    await client.query(
      `CREATE UNLOGGED TABLE floor_stage AS
       SELECT n, gen_random_uuid() AS provider_id, 'Family' || substr(md5(n::text), 1, 10) AS family, 'Given' || substr(md5((n * 7)::text), 1, 8) AS given
       FROM generate_series(1, $1::int) n`,
      [rows],
    )
    const statements: [string, string][] = [
      [
        'providers',
        `INSERT INTO providers (provider_id, compact, license_jurisdiction, jurisdiction_uploaded_license_status, jurisdiction_uploaded_compact_eligibility,
           ssn_last_four, npi, given_name, family_name, date_of_expiration, date_of_birth, privilege_jurisdictions, birth_month_day, provider_fam_giv_mid,
           provider_date_of_update, date_of_update)
         SELECT provider_id, 'aslp', 'oh', 'active', 'eligible', lpad((n % 10000)::text, 4, '0'), lpad(n::text, 10, '1'), given, family, '2030-01-01', '1980-05-05',
           '{}', '05-05', lower(family || '#' || given || '#'), now(), now()
         FROM floor_stage WHERE n > $1 AND n <= $2`,
      ],
      [
        'licenses',
        `INSERT INTO licenses (provider_id, compact, jurisdiction, license_type, license_number, npi, ssn_last_four, given_name, family_name, date_of_issuance,
           date_of_expiration, date_of_birth, home_address_street1, home_address_city, home_address_state, home_address_postal_code,
           jurisdiction_uploaded_license_status, jurisdiction_uploaded_compact_eligibility, first_upload_date, date_of_update)
         SELECT provider_id, 'aslp', 'oh', 'audiologist', 'A' || n, lpad(n::text, 10, '1'), lpad((n % 10000)::text, 4, '0'), given, family, '2020-01-01',
           '2030-01-01', '1980-05-05', '123 Main Street', 'Columbus', 'oh', '43004', 'active', 'eligible', now(), now()
         FROM floor_stage WHERE n > $1 AND n <= $2`,
      ],
      [
        'SSN vault',
        `INSERT INTO ssn_records (compact, ssn_hmac, provider_id, key_id, ssn_ciphertext)
         SELECT 'aslp', encode(sha256(n::text::bytea), 'base64'), provider_id, 'k1', encode(sha512(n::text::bytea), 'base64')
         FROM floor_stage WHERE n > $1 AND n <= $2`,
      ],
      [
        'data events',
        `INSERT INTO data_events (compact, jurisdiction, event_type, event_time, upload_id, detail, expires_at)
         SELECT 'aslp', 'oh', 'license.ingest', now(), '00000000-0000-4000-8000-000000000000', jsonb_build_object('providerId', provider_id, 'licenseType', 'audiologist'),
           now() + interval '366 days'
         FROM floor_stage WHERE n > $1 AND n <= $2`,
      ],
    ]
    /** Runs one statement and adds the backend's CPU during it to `part`. */
    const timed = async (part: string, run: () => Promise<unknown>) => {
      const before = processCpuSeconds(pid)!
      await run()
      cpu.set(part, (cpu.get(part) ?? 0) + processCpuSeconds(pid)! - before)
    }
    for (let from = 0; from < rows; from += batch) {
      await client.query('BEGIN')
      for (const [table, text] of statements) await timed(table, () => client.query(text, [from, from + batch]))
      await timed('commit', () => client.query('COMMIT'))
    }
    await client.query(`DROP TABLE floor_stage`)
  })
  const total = [...cpu.values()].reduce((a, b) => a + b, 0)
  console.log(
    `${rows} rows, PostgreSQL alone: ${((total / rows) * 1e6).toFixed(0)} µs of CPU per row (` + [...cpu].map(([table, seconds]) => `${table} ${((seconds / rows) * 1e6).toFixed(0)}`).join(', ') + ')',
  )
}

if (sqlFloor) {
  for (const rows of sizes) {
    // Each size into empty tables: the schema is created again by the app's own migrations.
    await dropSchema(databaseUrl, SCHEMA)
    await (await startServer(spec(false, await freePort()))).stop()
    await measureSqlFloor(rows)
  }
  process.exit(0)
}

let from = 0
for (const rows of sizes) {
  const server = await startServer(spec(true, await freePort()))
  const { token } = (await (
    await fetch(`${server.url}/qa/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pool: 'staff', sub: WRITER_SUB }) })
  ).json()) as { token: string }
  await sleep(500)
  backendCpu.clear()
  await sampleBackends()
  const backendBefore = totalBackendCpu()
  const cpuBefore = server.cpuSeconds()!
  const started = process.hrtime.bigint()
  const form = await fetch(`${server.url}/v1/compacts/aslp/jurisdictions/oh/licenses/bulk-upload`, { headers: { authorization: `Bearer ${token}` } })
  const { upload } = (await form.json()) as { upload: { url: string; fields: Record<string, string> } }
  const boundary = `----probe-${Date.now()}`
  const posted = await fetch(new URL(new URL(upload.url).pathname, server.url), {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: multipartBody(upload.fields, from, rows, boundary),
    duplex: 'half',
  } as RequestInit)
  if (posted.status !== 204) throw new Error(`upload: ${posted.status} ${await posted.text()}`)
  const received = Number(process.hrtime.bigint() - started) / 1e9
  const uploadId = upload.fields.key!.split('/').pop()!
  for (;;) {
    await sampleBackends()
    const status = await withClient(databaseUrl, async (client) => {
      await client.query(`SET search_path TO ${SCHEMA}`)
      return (
        await client.query<{ status: string; failure: string | null; open: string }>(
          `SELECT status, failure, (SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')) AS open FROM license_uploads WHERE upload_id = $1`,
          [uploadId],
        )
      ).rows[0]
    })
    if (status?.status === 'failed') throw new Error(`failed: ${status.failure}`)
    if (status?.status === 'processed' && Number(status.open) === 0) break
    await sleep(200)
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  await sampleBackends()
  const cpu = server.cpuSeconds()! - cpuBefore
  const backend = totalBackendCpu() - backendBefore
  const rss = server.peakRss()!
  await server.stop()
  // PROBE_OUTPUT=<file>: the process's output (e.g. with PROBE_NODE_OPTIONS=--trace-gc).
  if (process.env.PROBE_OUTPUT) writeFileSync(`${process.env.PROBE_OUTPUT}.${rows}`, server.output())
  console.log(
    `${rows} rows: ${seconds.toFixed(1)} s (file received after ${received.toFixed(1)} s) = ${Math.round(rows / seconds)} rows/s; ` +
      `Node ${((cpu / rows) * 1e6).toFixed(0)} µs/row; PostgreSQL backends ${((backend / rows) * 1e6).toFixed(0)} µs/row; peak RSS ${Math.round(rss / 2 ** 20)} MiB`,
  )
  from += rows
}
