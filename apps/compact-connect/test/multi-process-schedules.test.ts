import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type Database } from '@hearth/kernel'
import { testDatabaseUrl } from '@hearth/kernel/testing'
import { startSmtpSink, type SmtpSink } from '@hearth/kernel/testing/smtp-sink'

const databaseUrl = testDatabaseUrl()
const root = join(import.meta.dirname, '..', '..', '..')
const children: ChildProcess[] = []
const schema = `t_cc_sched_${randomBytes(4).toString('hex')}`
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-cc-sched-'))
let database: Database | undefined
let sink: SmtpSink | undefined

after(async () => {
  await Promise.all(children.map(stop))
  if (database) {
    await database.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await database.close()
  }
  await sink?.close()
})

function stop(child: ChildProcess): Promise<unknown> | undefined {
  if (child.exitCode !== null) return undefined
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  return exited
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.once('error', reject)
  })
}

async function startProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', join('apps', 'compact-connect', 'src', 'server.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HEARTH_ENV: 'qa',
      SEED: 'none',
      DATABASE_URL: databaseUrl,
      COMPACT_CONNECT_DATABASE_SCHEMA: schema,
      DATA_DIR: dataDir,
      JOB_POLL_INTERVAL_MS: '50',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  children.push(child)
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`compact-connect on port ${port} exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`compact-connect on port ${port} did not become healthy`)
}

test(
  'two CompactConnect processes on one PostgreSQL tick the same schedule period: the job runs once and mails once',
  { skip: databaseUrl ? false : 'needs TEST_DATABASE_URL (two processes cannot share the embedded database)' },
  async () => {
    sink = await startSmtpSink()
    // One process migrates and seeds the QA configuration (operations lists), without schedules.
    const setup = await startProcess({ SCHEDULES_ENABLED: 'false' })
    assert.equal((await fetch(`${setup.url}/qa/seedDatabase`, { method: 'POST' })).status, 204)
    await stop(setup.child)
    database = await openDatabase({ url: databaseUrl!, schema, poolSize: 2 })

    // A validation error just before the current quarter hour, and one just after it: whichever period the two
    // processes find current when they start, exactly one of them lies in the 15 minutes before it.
    const quarter = Math.floor(Date.now() / 900_000) * 900_000
    for (const at of [quarter - 60_000, quarter + 60_000]) {
      await database.query(`INSERT INTO data_events (compact, jurisdiction, event_type, event_time, detail, expires_at) VALUES ('aslp', 'oh', 'license.validation-error', $1, $2, $3)`, [
        new Date(at),
        JSON.stringify({ recordNumber: 7, errors: { dateOfBirth: ['Not a valid date.'] } }),
        new Date(at + 90 * 86_400_000),
      ])
    }

    const env = { SCHEDULES_ENABLED: 'true', SMTP_URL: sink.url }
    await Promise.all([startProcess(env), startProcess(env)])

    const digest = await sink.waitFor((mail) => mail.subject.startsWith('License upload errors for Ohio'), 30_000)
    assert.deepEqual(digest.to, ['ops@oh.example.org'])
    // Both processes are running and ticking; give the other one every chance to send a second copy.
    for (let attempt = 0; attempt < 100; attempt++) {
      const [open] = (await database.query(`SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued', 'running')`)) as { n: number }[]
      if (open!.n === 0) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
    assert.equal(sink.messages.filter((mail) => mail.subject.startsWith('License upload errors for Ohio')).length, 1)
    const slots = (await database.query(`SELECT slot, claimed_by FROM job_schedule_slots WHERE schedule = 'ingest-reporter-quarter-hour'`)) as { slot: Date }[]
    assert.equal(new Set(slots.map((row) => new Date(row.slot).toISOString())).size, slots.length, 'each period claimed once')
    const [reports] = (await database.query(`SELECT count(*)::int AS n FROM jobs WHERE name = 'ingest.report'`)) as { n: number }[]
    assert.equal(reports!.n, slots.length, 'one ingest.report job per claimed period')
    const [failed] = (await database.query(`SELECT count(*)::int AS n FROM jobs WHERE status = 'failed'`)) as { n: number }[]
    assert.equal(failed!.n, 0)
  },
)
