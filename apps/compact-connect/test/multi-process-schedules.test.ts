import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { openDatabase, type Database } from '@hearth/kernel'
import { appProcesses, testDatabaseUrl } from '@hearth/kernel/testing'
import { startSmtpSink, type SmtpSink } from '@hearth/kernel/testing/smtp-sink'

const databaseUrl = testDatabaseUrl()
const processes = databaseUrl ? appProcesses('compact-connect', { databaseUrl, env: { SEED: 'none', JOB_POLL_INTERVAL_MS: '50' } }) : undefined
let database: Database | undefined
let sink: SmtpSink | undefined

after(async () => {
  await database?.close()
  await processes?.close()
  await sink?.close()
})

function stop(child: ChildProcess): Promise<unknown> | undefined {
  if (child.exitCode !== null) return undefined
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  return exited
}

/** One more CompactConnect process on the shared schema and DATA_DIR. */
const startProcess = (env: Record<string, string>) => processes!.start(env)

test(
  'two CompactConnect processes on one PostgreSQL tick the same schedule period: the job runs once and mails once',
  { skip: databaseUrl ? false : 'needs TEST_DATABASE_URL (two processes cannot share the embedded database)' },
  async () => {
    sink = await startSmtpSink()
    // One process migrates and seeds the QA configuration (operations lists), without schedules.
    const setup = await startProcess({ SCHEDULES_ENABLED: 'false' })
    assert.equal((await fetch(`${setup.url}/qa/seedDatabase`, { method: 'POST' })).status, 204)
    await stop(setup.child)
    database = await openDatabase({ url: databaseUrl!, schema: processes!.schema, poolSize: 2 })

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
