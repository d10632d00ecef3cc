// CompactConnect: CSV bulk-upload ingest throughput (10,000 and 100,000 licenses through the real upload
// endpoints, end to end until every license is stored) with the server's peak RSS per file size, then the staff
// provider query (`POST /v1/compacts/aslp/providers/query`) against the bare-Fastify ceiling.
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { dropSchema, repositoryRoot, withClient } from '../lib/environment.ts'
import { nodeServer, packageVersion, type BenchSettings, type Scenario } from '../lib/scenario.ts'
import { freePort, startServer, type RunningServer } from '../lib/servers.ts'
import type { Operation } from '../lib/load.ts'

const SCHEMA = 'compact_connect'
/** The file sizes (licenses); `BENCH_CC_SIZES=2000,5000` for a quick trial run. */
const SIZES = (process.env.BENCH_CC_SIZES ?? '10000,100000').split(',').map(Number)
/** walt.diaz@example.org of the QA seed (§9.6): `oh/aslp.write`. */
const WRITER_SUB = 'e0000000-0000-4000-8000-000000000004'
export const HEADER = [
  'ssn',
  'licenseType',
  'licenseStatus',
  'compactEligibility',
  'givenName',
  'middleName',
  'familyName',
  'dateOfIssuance',
  'dateOfExpiration',
  'dateOfBirth',
  'homeAddressStreet1',
  'homeAddressCity',
  'homeAddressState',
  'homeAddressPostalCode',
  'licenseNumber',
  'npi',
  'emailAddress',
]

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

/** One CSV line of a license; `n` makes the SSN (9 digits from 100-00-0000) and the names unique. */
export function csvLine(n: number): string {
  const digits = String(100_000_000 + n)
  const ssn = `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`
  const month = String(1 + (n % 12)).padStart(2, '0')
  return [
    ssn,
    'speech-language pathologist',
    'active',
    'eligible',
    `Given${n}`,
    n % 3 === 0 ? 'Q' : '',
    `Bench${n}`,
    `2015-${month}-01`,
    '2040-01-01',
    `1980-${month}-15`,
    `${n} Main Street`,
    'Columbus',
    'OH',
    '43004',
    `OH-B${n}`,
    String(1_000_000_000 + n),
    `bench${n}@example.org`,
  ].join(',')
}

/** The multipart body of the bulk-upload form (fields, Content-Type, then the file), generated as it is sent. */
export function multipartBody(fields: Record<string, string>, from: number, count: number, boundary: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let next = 0
  let stage: 'head' | 'rows' | 'tail' | 'done' = 'head'
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stage === 'head') {
        let head = ''
        for (const [name, value] of Object.entries({ ...fields, 'Content-Type': 'text/csv' })) head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
        head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="licenses.csv"\r\nContent-Type: text/csv\r\n\r\n${HEADER.join(',')}\r\n`
        controller.enqueue(encoder.encode(head))
        stage = 'rows'
      } else if (stage === 'rows') {
        const lines: string[] = []
        for (let i = 0; i < 2000 && next < count; i++, next++) lines.push(csvLine(from + next))
        controller.enqueue(encoder.encode(lines.join('\r\n') + '\r\n'))
        if (next >= count) stage = 'tail'
      } else if (stage === 'tail') {
        controller.enqueue(encoder.encode(`--${boundary}--\r\n`))
        stage = 'done'
      } else controller.close()
    },
  })
}

interface IngestResult {
  rows: number
  seconds: number
  cpuSeconds: number | undefined
  peakRssBytes: number | undefined
  loadBefore: number[]
  loadAfter: number[]
}

async function count(databaseUrl: string, sql: string, params: unknown[] = []): Promise<number> {
  return withClient(databaseUrl, async (client) => {
    await client.query(`SET search_path TO ${SCHEMA}`)
    return Number((await client.query<{ n: string }>(sql, params)).rows[0]!.n)
  })
}

/** A fresh server process uploads `rows` licenses through the form and the upload endpoint; timed until stored. */
async function ingestOnce(settings: BenchSettings, env: Record<string, string>, rows: number, from: number): Promise<IngestResult> {
  const port = await freePort()
  const spec = nodeServer(
    'hearth',
    'CompactConnect ingest worker',
    // BENCH_CC_INGEST_SERVER: another build's server.ts for the ingesting process (a before/after comparison).
    process.env.BENCH_CC_INGEST_SERVER ?? join(repositoryRoot, 'apps/compact-connect/src/server.ts'),
    port,
    { ...env, JOBS_ENABLED: 'true', JOB_POLL_INTERVAL_MS: '50', PORT: String(port) },
    '/health',
  )
  // BENCH_CC_PROFILE=<dir>: a CPU profile of each ingesting process (written when it exits);
  // BENCH_CC_NODE_OPTIONS: extra node flags for it (e.g. `--max-old-space-size=96` to show memory stays bounded).
  if (process.env.BENCH_CC_PROFILE) spec.args = ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CC_PROFILE}`, ...spec.args]
  if (process.env.BENCH_CC_NODE_OPTIONS) spec.args = [...process.env.BENCH_CC_NODE_OPTIONS.split(' '), ...spec.args]
  const server = await startServer(spec)
  try {
    const tokenResponse = await fetch(`${server.url}/qa/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pool: 'staff', sub: WRITER_SUB }) })
    assert(tokenResponse.ok, `POST /qa/token answered ${tokenResponse.status}: ${await tokenResponse.clone().text()}`)
    const { token } = (await tokenResponse.json()) as { token: string }
    const before = await count(settings.databaseUrl, `SELECT count(*) AS n FROM licenses`)
    const loadBefore = loadavg()
    const cpuBefore = server.cpuSeconds()
    const started = process.hrtime.bigint()
    const formResponse = await fetch(`${server.url}/v1/compacts/aslp/jurisdictions/oh/licenses/bulk-upload`, { headers: { authorization: `Bearer ${token}` } })
    assert(formResponse.ok, `GET bulk-upload answered ${formResponse.status}`)
    const { upload } = (await formResponse.json()) as { upload: { url: string; fields: Record<string, string> } }
    const boundary = `----hearth-bench-${Date.now()}`
    const uploadUrl = new URL(new URL(upload.url).pathname, server.url)
    const posted = await fetch(uploadUrl, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: multipartBody(upload.fields, from, rows, boundary),
      duplex: 'half',
    } as RequestInit)
    assert(posted.status === 204, `POST /v1/bulk-uploads answered ${posted.status}: ${await posted.text()}`)
    const uploadId = upload.fields.key!.split('/').pop()!
    for (;;) {
      const status = await withClient(settings.databaseUrl, async (client) => {
        await client.query(`SET search_path TO ${SCHEMA}`)
        const result = await client.query<{ status: string; failure: string | null; open: string; job_error: string | null }>(
          `SELECT status, failure, (SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')) AS open,
                  (SELECT last_error FROM jobs WHERE last_error IS NOT NULL LIMIT 1) AS job_error
             FROM license_uploads WHERE upload_id = $1`,
          [uploadId],
        )
        return result.rows[0]
      })
      if (status?.status === 'failed') throw new Error(`the upload failed: ${status.failure}`)
      if (status?.job_error) throw new Error(`a job failed: ${status.job_error}`)
      if (Number(process.hrtime.bigint() - started) / 1e9 > 1800) throw new Error('the upload was not ingested within 30 minutes')
      if (status?.status === 'processed' && Number(status.open) === 0) break
      await sleep(50)
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const cpuAfter = server.cpuSeconds()
    const after = await count(settings.databaseUrl, `SELECT count(*) AS n FROM licenses`)
    assert(after - before === rows, `expected ${rows} new licenses, found ${after - before}`)
    return { rows, seconds, cpuSeconds: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined, peakRssBytes: server.peakRss(), loadBefore, loadAfter: loadavg() }
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${server.output().slice(-3000)}`)
  } finally {
    await server.stop()
  }
}

const mib = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${Math.round(bytes / (1024 * 1024))} MiB`)

const scenario: Scenario = {
  name: 'compact-connect',
  title: 'CompactConnect: CSV license ingest and the staff provider query',
  async prepare(settings) {
    await dropSchema(settings.databaseUrl, SCHEMA)
    const hearthPort = await freePort()
    const env = {
      DATABASE_URL: settings.databaseUrl,
      HEARTH_ENV: 'qa',
      SEED: 'none',
      LOG_LEVEL: 'warn',
      RESPONSE_VALIDATION: 'false', // as in production
      // The production build has no local fakes: the processor gets (unused) real settings, as in production.
      AUTHORIZE_NET_API_URL: 'https://apitest.authorize.net/xml/v1/request.api',
      // One deployment: every process keeps the same secrets (SSN keys, signing keys) here.
      DATA_DIR: join(settings.workDir, 'compact-connect-data'),
    }
    const results: IngestResult[] = []
    let token = ''
    const query: Operation = {
      name: 'POST /v1/compacts/aslp/providers/query (family name prefix)',
      method: 'POST',
      path: '/v1/compacts/aslp/providers/query',
      body: JSON.stringify({ query: { familyName: 'Bench12' }, pagination: { pageSize: 20 } }),
      get headers() {
        return { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      },
      check(body) {
        const value = body as { providers: { familyName: string }[]; pagination: { pageSize: number } }
        assert(Array.isArray(value.providers) && value.providers.length === 20, `20 providers, got ${value.providers?.length}`)
        assert(
          value.providers.every((provider) => provider.familyName.toLowerCase().startsWith('bench12')),
          'every family name starts with the prefix',
        )
      },
    }
    return {
      setup: [
        `Data: PostgreSQL database \`${new URL(settings.databaseUrl).pathname.slice(1)}\`, schema \`${SCHEMA}\`, migrated by CompactConnect at start, ` +
          'the QA seed loaded through `POST /qa/seedDatabase`. Then, for each size, a **fresh CompactConnect process** (job worker on) ' +
          `receives one CSV file of ${SIZES.map((size) => size.toLocaleString('en-US')).join(' and then ')} new licenses (distinct SSNs, one license each) through the real ` +
          'endpoints: a staff token from `POST /qa/token` (a writer of oh), `GET …/licenses/bulk-upload` for the signed form, then `POST /v1/bulk-uploads` ' +
          'with the file generated while it is sent (multipart, chunked). Timed from the form request until the upload is `processed` with no job left ' +
          "and every license is in the table; that process's CPU time and peak RSS are its own. Then `ANALYZE`.",
        '',
        `Operation measured under load: **POST /v1/compacts/aslp/providers/query** as that staff user, family-name prefix \`Bench12\` ` +
          `(1,111 of the ${SIZES.reduce((a, b) => a + b, 0).toLocaleString('en-US')} ingested providers match; the first page of 20), on a separate CompactConnect process with its job worker off.`,
      ],
      operations: [query],
      hearth: nodeServer(
        'hearth',
        `CompactConnect (\`apps/compact-connect/src/server.ts\`: Fastify ${packageVersion('fastify')} on the Hearth kernel, HEARTH_ENV=qa, LOG_LEVEL=warn, RESPONSE_VALIDATION=false as in production, JOBS_ENABLED=false)`,
        join(repositoryRoot, 'apps/compact-connect/src/server.ts'),
        hearthPort,
        { ...env, JOBS_ENABLED: 'false', PORT: String(hearthPort) },
        '/health',
      ),
      async afterHearthStart(server: RunningServer) {
        const seeded = await fetch(`${server.url}/qa/seedDatabase`, { method: 'POST' })
        if (!seeded.ok) throw new Error(`POST /qa/seedDatabase answered ${seeded.status}: ${await seeded.text()}`)
        let from = 0
        for (const size of SIZES) {
          console.log(
            `[bench] compact-connect: ingesting ${size} licenses (load average ${loadavg()
              .map((value) => value.toFixed(2))
              .join(' ')})`,
          )
          const result = await ingestOnce(settings, env, size, from)
          console.log(`[bench] compact-connect: ${size} rows in ${result.seconds.toFixed(1)} s = ${Math.round(size / result.seconds)} rows/s, peak RSS ${mib(result.peakRssBytes)}`)
          results.push(result)
          from += size
        }
        await withClient(settings.databaseUrl, (client) => client.query('ANALYZE'))
        const response = await fetch(`${server.url}/qa/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pool: 'staff', sub: WRITER_SUB }) })
        token = ((await response.json()) as { token: string }).token
      },
      targets: [],
      async extra() {
        const lines = [
          '**CSV ingest** (end to end: form request → upload → every license stored; one fresh process per size; target ≥ 20,000 rows/s):',
          '',
          '| licenses | seconds | rows/s | server CPU s | server CPU µs / row | peak RSS | load average before → after (1 min) | target ≥ 20,000 rows/s |',
          '|---:|---:|---:|---:|---:|---:|---:|---|',
          ...results.map(
            (result) =>
              `| ${result.rows.toLocaleString('en-US')} | ${result.seconds.toFixed(1)} | ${Math.round(result.rows / result.seconds).toLocaleString('en-US')} | ` +
              `${result.cpuSeconds?.toFixed(1) ?? 'n/a'} | ${result.cpuSeconds === undefined ? 'n/a' : Math.round((result.cpuSeconds / result.rows) * 1e6)} | ${mib(result.peakRssBytes)} | ` +
              `${result.loadBefore[0]!.toFixed(2)} → ${result.loadAfter[0]!.toFixed(2)} | ${result.rows / result.seconds >= 20_000 ? 'met' : '**NOT met**'} |`,
          ),
          '',
          'Server CPU is the ingesting process only (HTTP, multipart, csv-parse, validation, HMAC and AES-GCM of each SSN, JSON of each batch); ' +
            "PostgreSQL's own CPU is not included. Peak RSS is that process's whole life (start-up included).",
        ]
        return { measurements: [], notes: lines, problems: [] }
      },
      notes: [],
    }
  },
}

export default scenario
