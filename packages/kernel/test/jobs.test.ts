import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase, testDatabaseUrl } from '../src/testing/index.ts'
import { openDatabase, type MigrationSource } from '../src/db/index.ts'
import {
  claimExpired,
  claimQueued,
  createJobRunner,
  createPayloadSealer,
  enqueueInsert,
  ERASED_PAYLOAD,
  finishAndClaimQueued,
  isSealedPayload,
  NO_ENQUEUE,
  readSealingKeys,
} from '../src/jobs/index.ts'

const fixture: MigrationSource = { owner: 'fixture', folder: join(import.meta.dirname, 'fixtures', 'migrations') }
type Jobs = { 'note.write': { text: string }; 'always.fails': { n: number } }

describe('jobs', () => {
  test('a job enqueued in a transaction that rolls back never runs; one that commits runs once', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      const seen: string[] = []
      const runner = createJobRunner<Jobs>({
        database,
        handlers: { 'note.write': async ({ text }) => void seen.push(text), 'always.fails': async () => {} },
      })
      await assert.rejects(
        database.transaction(async (tx) => {
          await runner.enqueue(tx, 'note.write', { text: 'rolled back' })
          throw new Error('abort')
        }),
      )
      await database.transaction((tx) => runner.enqueue(tx, 'note.write', { text: 'committed' }))
      assert.equal(await runner.drain(), 1)
      assert.equal(await runner.drain(), 0)
      assert.deepEqual(seen, ['committed'])
    } finally {
      await database.close()
    }
  })

  test('an enqueue embedded in the caller’s statement writes the job enqueue() would, keyed the same; NO_ENQUEUE writes none', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      const seen: string[] = []
      const runner = createJobRunner<Jobs>({ database, handlers: { 'note.write': async ({ text }) => void seen.push(text), 'always.fails': async () => {} } })
      // One statement doing its own work (a count) with the enqueue as a CTE, as Raise's webhook does.
      const withJob = (job: readonly unknown[]) => database.query<{ n: number }>(`WITH job AS (${enqueueInsert(2)} RETURNING id) SELECT $1::int + (SELECT count(*) FROM job)::int AS n`, [40, ...job])
      assert.deepEqual(await withJob(runner.enqueueParams('note.write', { text: 'embedded' }, { idempotencyKey: 'k1' })), [{ n: 41 }])
      assert.deepEqual(await withJob(runner.enqueueParams('note.write', { text: 'again' }, { idempotencyKey: 'k1' })), [{ n: 40 }], 'the key exists')
      assert.equal(await runner.enqueue(database.db, 'note.write', { text: 'third' }, { idempotencyKey: 'k1' }), false, 'enqueue() sees the same key')
      assert.deepEqual(await withJob(NO_ENQUEUE), [{ n: 40 }])
      assert.throws(() => runner.enqueueParams('no.such' as never, {} as never), /no handler/)
      assert.equal(await runner.drain(), 1)
      assert.deepEqual(seen, ['embedded'])
      const [job] = await database.query<{ max_attempts: number; idempotency_key: string }>(`SELECT max_attempts, idempotency_key FROM jobs`)
      assert.deepEqual(job, { max_attempts: 5, idempotency_key: 'k1' })
    } finally {
      await database.close()
    }
  })

  test('an idempotency key enqueues at most one job per name', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      const seen: string[] = []
      const runner = createJobRunner<Jobs>({ database, handlers: { 'note.write': async ({ text }) => void seen.push(text), 'always.fails': async () => {} } })
      assert.equal(await runner.enqueue(database.db, 'note.write', { text: 'a' }, { idempotencyKey: 'k1' }), true)
      assert.equal(await runner.enqueue(database.db, 'note.write', { text: 'b' }, { idempotencyKey: 'k1' }), false)
      await runner.drain()
      assert.deepEqual(seen, ['a'])
    } finally {
      await database.close()
    }
  })

  test('a failing job is retried later and marked failed after its last attempt', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      let calls = 0
      const runner = createJobRunner<Jobs>({
        database,
        handlers: {
          'note.write': async () => {},
          'always.fails': async () => {
            calls++
            throw new Error('boom')
          },
        },
      })
      await runner.enqueue(database.db, 'always.fails', { n: 1 }, { maxAttempts: 2 })
      await runner.drain()
      assert.equal(calls, 1)
      const [queued] = await database.query<{ status: string; last_error: string }>(`SELECT status, last_error FROM jobs`)
      assert.equal(queued!.status, 'queued')
      assert.match(queued!.last_error, /boom/)
      await database.query(`UPDATE jobs SET run_at = now() - interval '1 second'`)
      await runner.drain()
      const [failed] = await database.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM jobs`)
      assert.deepEqual(failed, { status: 'failed', attempts: 2 })
    } finally {
      await database.close()
    }
  })

  test('a backlog larger than the concurrency keeps draining: a finished job frees its slot for the next at once, not at the next interval', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      const seen: string[] = []
      // The interval is an hour: only the first poll (at start) comes from the timer.
      const runner = createJobRunner<Jobs>({
        database,
        concurrency: 2,
        pollIntervalMs: 3_600_000,
        handlers: { 'note.write': async ({ text }) => void seen.push(text), 'always.fails': async () => {} },
      })
      for (let n = 1; n <= 7; n++) await runner.enqueue(database.db, 'note.write', { text: `mail ${n}` })
      runner.start()
      while (seen.length < 7) await new Promise((resolve) => setTimeout(resolve, 5))
      await runner.stop()
      assert.deepEqual(seen.sort(), ['mail 1', 'mail 2', 'mail 3', 'mail 4', 'mail 5', 'mail 6', 'mail 7'])
      assert.deepEqual(await database.query(`SELECT status, count(*)::int AS n FROM jobs GROUP BY status`), [{ status: 'done', n: 7 }])
    } finally {
      await database.close()
    }
  })

  test('once a claim finds the queue empty, finished jobs leave the next look to the interval, and only the interval looks for expired leases', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      // Every claim and every completion is one UPDATE on jobs; a statement-level trigger counts them all,
      // claims that found nothing included.
      await database.query(`CREATE TABLE job_updates (n int NOT NULL)`)
      await database.query(`INSERT INTO job_updates VALUES (0)`)
      await database.query(`CREATE FUNCTION count_job_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE job_updates SET n = n + 1; RETURN NULL; END $$`)
      await database.query(`CREATE TRIGGER count_job_updates AFTER UPDATE ON jobs FOR EACH STATEMENT EXECUTE FUNCTION count_job_update()`)
      const updates = async () => (await database.query<{ n: number }>(`SELECT n FROM job_updates`))[0]!.n
      // The interval is an hour: only the first poll (at start) comes from the timer.
      const startRunner = () =>
        createJobRunner<Jobs>({
          database,
          concurrency: 2,
          pollIntervalMs: 3_600_000,
          // Each job takes a moment, so the poll that claimed it has ended before it finishes.
          handlers: { 'note.write': () => new Promise((resolve) => setTimeout(resolve, 20)), 'always.fails': async () => {} },
        })
      const done = async () => (await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status = 'done'`))[0]!.n
      const runUntilDone = async (count: number) => {
        const runner = startRunner()
        runner.start()
        while ((await done()) < count) await new Promise((resolve) => setTimeout(resolve, 5))
        await runner.stop()
        return runner
      }

      // One job, as under a steady trickle: the poll claims it, finds no second one and no expired lease; the job
      // finishes. Before, its completion looked again for both (six statements, not four).
      await startRunner().enqueue(database.db, 'note.write', { text: 'mail 0' })
      await runUntilDone(1)
      assert.equal(await updates(), 4)

      // A burst of 7 on two slots: the start's poll claims two; then each slot marks its job done and claims the next
      // in one statement (five that found one, one that found the queue empty), and the last job to finish is only
      // marked done (nothing looks for an expired lease): 9 statements, where a completion and a claim per job were 15.
      for (let n = 1; n <= 7; n++) await startRunner().enqueue(database.db, 'note.write', { text: `mail ${n}` })
      const runner = await runUntilDone(8)
      assert.equal(await updates(), 4 + 9)
      assert.equal(await runner.drain(), 0)
      assert.equal(await updates(), 4 + 9 + 2, 'drain() looks for a due job and an expired lease')
    } finally {
      await database.close()
    }
  })

  test('a claim walks the partial index of due jobs in order: the job names filter its rows and never pull in the idempotency index', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      const runner = createJobRunner<Jobs>({ database, handlers: { 'note.write': async () => {}, 'always.fails': async () => {} } })
      // A young table full of finished jobs, as after a burst of confirmation emails: each was queued, claimed and
      // finished (three row versions, each in every index), and the table has no statistics yet.
      await database.query(`INSERT INTO jobs (name, payload, idempotency_key) SELECT 'note.write', '{}', 'key-' || n FROM generate_series(1, 2000) n`)
      await database.query(`UPDATE jobs SET status = 'running', attempts = 1`)
      await database.query(`UPDATE jobs SET status = 'done', finished_at = now()`)
      await runner.enqueue(database.db, 'note.write', { text: 'due' })
      for (const statement of [claimQueued, claimExpired, finishAndClaimQueued]) {
        const params = ['planner', 300, ['note.write', 'always.fails'], ...(statement === finishAndClaimQueued ? [1, 1, false] : [])]
        const plan = (await database.query<Record<string, string>>(`EXPLAIN ${statement.text}`, params)).map((row) => Object.values(row)[0]).join('\n')
        assert.match(plan, statement === claimExpired ? /Index Scan using jobs_running_idx/ : /Index Scan using jobs_queued_idx/, plan)
        assert.doesNotMatch(plan, /jobs_idempotency_key_idx|Bitmap/, plan)
      }
    } finally {
      await database.close()
    }
  })

  test('the runner analyses a young jobs table itself after its 100th claim, so the prepared claims are planned again', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      const runner = createJobRunner<Jobs>({ database, handlers: { 'note.write': async () => {}, 'always.fails': async () => {} } })
      const manualAnalyses = async () => Number((await database.query<{ n: string }>(`SELECT analyze_count AS n FROM pg_stat_user_tables WHERE relid = 'jobs'::regclass`))[0]!.n)
      for (let n = 0; n < 99; n++) await runner.enqueue(database.db, 'note.write', { text: `n${n}` })
      assert.equal(await runner.drain(), 99)
      assert.equal(await manualAnalyses(), 0)
      await runner.enqueue(database.db, 'note.write', { text: 'the 100th' })
      assert.equal(await runner.drain(), 1)
      assert.equal(await manualAnalyses(), 1)
    } finally {
      await database.close()
    }
  })

  test('stop() waits for the job in flight to finish', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      let started = false
      let finished = false
      const runner = createJobRunner<Jobs>({
        database,
        pollIntervalMs: 10,
        handlers: {
          'note.write': async () => {
            started = true
            await gate
            finished = true
          },
          'always.fails': async () => {},
        },
      })
      await runner.enqueue(database.db, 'note.write', { text: 'slow' })
      runner.start()
      while (!started) await new Promise((resolve) => setTimeout(resolve, 5))
      const stopped = runner.stop()
      setTimeout(release, 20)
      await stopped
      assert.equal(finished, true)
      const [row] = await database.query<{ status: string }>(`SELECT status FROM jobs`)
      assert.equal(row!.status, 'done')
    } finally {
      await database.close()
    }
  })

  test('drain() also waits for a job the background poller claimed, so due work is finished when it returns', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      let started = false
      let finished = false
      const runner = createJobRunner<Jobs>({
        database,
        pollIntervalMs: 10,
        handlers: {
          'note.write': async () => {
            started = true
            await gate
            finished = true
          },
          'always.fails': async () => {},
        },
      })
      await runner.enqueue(database.db, 'note.write', { text: 'claimed by the poller' })
      runner.start()
      while (!started) await new Promise((resolve) => setTimeout(resolve, 5))
      const drained = runner.drain()
      setTimeout(release, 50)
      assert.equal(await drained, 0) // the poller ran it, not drain()
      assert.equal(finished, true)
      await runner.stop()
    } finally {
      await database.close()
    }
  })

  test('a job running longer than its lock keeps it: the heartbeat extends the lease, so a second worker never claims it', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      const lockSeconds = 1.2
      let runs = 0
      let secondClaims = 0
      let aborted = false
      const second = createJobRunner<Jobs>({ database, lockSeconds, handlers: { 'note.write': async () => void secondClaims++, 'always.fails': async () => {} } })
      const first = createJobRunner<Jobs>({
        database,
        lockSeconds,
        handlers: {
          'note.write': async (_payload, job) => {
            runs++
            const started = Date.now()
            // Runs for three leases; meanwhile the other worker keeps trying to claim it.
            while (Date.now() - started < 3 * lockSeconds * 1000) {
              await new Promise((resolve) => setTimeout(resolve, 100))
              await second.drain()
            }
            aborted = job.signal.aborted
          },
          'always.fails': async () => {},
        },
      })
      await first.enqueue(database.db, 'note.write', { text: 'long' })
      assert.equal(await first.drain(), 1)
      assert.equal(runs, 1)
      assert.equal(secondClaims, 0)
      assert.equal(aborted, false)
      const [row] = await database.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM jobs`)
      assert.deepEqual(row, { status: 'done', attempts: 1 })
    } finally {
      await database.close()
    }
  })

  test('a worker whose lock was taken over sees its job signal aborted and leaves the job to the new owner', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      let reason: unknown
      const runner = createJobRunner<Jobs>({
        database,
        lockSeconds: 0.6,
        handlers: {
          'note.write': async (_payload, job) => {
            // What another worker's claim does once a lease has run out: its id on the row, the next attempt.
            await database.query(`UPDATE jobs SET locked_by = 'another-worker', attempts = attempts + 1, locked_until = now() + interval '1 minute'`)
            await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }))
            reason = job.signal.reason
          },
          'always.fails': async () => {},
        },
      })
      await runner.enqueue(database.db, 'note.write', { text: 'taken over' })
      await runner.drain()
      assert.match(String(reason), /lock was taken over/)
      const [row] = await database.query<{ status: string; locked_by: string }>(`SELECT status, locked_by FROM jobs`)
      assert.deepEqual(row, { status: 'running', locked_by: 'another-worker' }, "the first worker does not mark the new owner's run done")
    } finally {
      await database.close()
    }
  })

  test('a schedule period is claimed once however many runners tick, and not after the catch-up window', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
    try {
      const seen: string[] = []
      const make = () =>
        createJobRunner<Jobs>({
          database,
          handlers: { 'note.write': async ({ text }) => void seen.push(text), 'always.fails': async () => {} },
          schedules: [{ name: 'daily', cron: '0 8 * * *', job: 'note.write', payload: (slot) => ({ text: slot.toISOString() }) }],
        })
      const runners = [make(), make(), make()]
      const at = new Date('2026-03-01T08:00:30Z')
      const claims = await Promise.all(runners.map((runner) => runner.tickSchedules(at)))
      assert.equal(claims.flat().length, 1)
      assert.deepEqual(await runners[1]!.tickSchedules(new Date('2026-03-01T08:30:00Z')), [])
      assert.deepEqual(await runners[2]!.tickSchedules(new Date('2026-03-01T10:00:00Z')), [], 'outside the one-hour catch-up window')
      await Promise.all(runners.map((runner) => runner.drain()))
      assert.deepEqual(seen, ['2026-03-01T08:00:00.000Z'])
      assert.deepEqual(await runners[0]!.tickSchedules(new Date('2026-03-02T08:00:00Z')), ['daily'])
    } finally {
      await database.close()
    }
  })

  test(
    'workers on separate connections share the queue: each job runs exactly once',
    { skip: testDatabaseUrl() ? false : 'needs TEST_DATABASE_URL (two connection pools on one server)' },
    async () => {
      const database = await createTestDatabase({ schema: 'kernel_jobs', migrations: fixture })
      const other = await openDatabase({ url: testDatabaseUrl()!, schema: database.schema, poolSize: 4 })
      try {
        const counts = new Map<string, number>()
        const handlers = {
          'note.write': async ({ text }: { text: string }) => {
            counts.set(text, (counts.get(text) ?? 0) + 1)
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 5))
          },
          'always.fails': async () => {},
        }
        const first = createJobRunner<Jobs>({ database, handlers, concurrency: 3 })
        const second = createJobRunner<Jobs>({ database: other, handlers, concurrency: 3 })
        for (let i = 0; i < 60; i++) await first.enqueue(database.db, 'note.write', { text: `n${i}` })
        await Promise.all([first.drain(), second.drain(), first.drain(), second.drain()])
        assert.equal(counts.size, 60)
        assert.ok([...counts.values()].every((count) => count === 1))
      } finally {
        await other.close()
        await database.close()
      }
    },
  )
})

describe('sealed job payloads', () => {
  const keys = [{ id: 'k2', key: randomBytes(32) }]
  test('a sealed payload rests encrypted, reaches the handler in clear, and is erased once the job is done', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs_sealed', migrations: fixture })
    try {
      const seen: string[] = []
      const runner = createJobRunner<Jobs>({
        database,
        sealer: createPayloadSealer(keys),
        handlers: { 'note.write': async ({ text }) => void seen.push(text), 'always.fails': async () => {} },
      })
      await database.transaction((tx) => runner.enqueue(tx, 'note.write', { text: 'temporary password Xy7!secret' }, { sealed: true }))
      const [queued] = await database.query<{ raw: string; payload: Record<string, unknown> }>(`SELECT payload::text AS raw, payload FROM jobs WHERE name = 'note.write'`)
      assert.ok(!queued!.raw.includes('Xy7!secret'), 'the secret is not in the row')
      assert.equal(isSealedPayload(queued!.payload), true)
      assert.equal(await runner.drain(), 1)
      assert.deepEqual(seen, ['temporary password Xy7!secret'])
      const [done] = await database.query<{ status: string; payload: unknown }>(`SELECT status, payload FROM jobs WHERE name = 'note.write'`)
      assert.equal(done!.status, 'done')
      assert.deepEqual(done!.payload, ERASED_PAYLOAD)
    } finally {
      await database.close()
    }
  })

  test('a burst of sealed jobs run by a started worker, each marked done as the next is claimed, is erased too', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs_sealed', migrations: fixture })
    try {
      const seen: string[] = []
      const runner = createJobRunner<Jobs>({
        database,
        concurrency: 1,
        pollIntervalMs: 3_600_000,
        sealer: createPayloadSealer(keys),
        handlers: { 'note.write': async ({ text }) => void seen.push(text), 'always.fails': async () => {} },
      })
      for (let n = 1; n <= 4; n++) await runner.enqueue(database.db, 'note.write', { text: `secret ${n}` }, { sealed: n % 2 === 1 })
      runner.start()
      const done = async () => (await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status = 'done'`))[0]!.n
      while ((await done()) < 4) await new Promise((resolve) => setTimeout(resolve, 5))
      await runner.stop()
      assert.deepEqual(seen, ['secret 1', 'secret 2', 'secret 3', 'secret 4'])
      const rows = await database.query<{ payload: unknown }>(`SELECT payload FROM jobs ORDER BY id`)
      assert.deepEqual(
        rows.map((row) => row.payload),
        [ERASED_PAYLOAD, { text: 'secret 2' }, ERASED_PAYLOAD, { text: 'secret 4' }],
      )
    } finally {
      await database.close()
    }
  })

  test('a sealed job that fails for good is erased too; an unsealed one keeps its payload', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs_sealed', migrations: fixture })
    try {
      const runner = createJobRunner<Jobs>({
        database,
        sealer: createPayloadSealer(keys),
        handlers: {
          'note.write': async () => {},
          'always.fails': async () => {
            throw new Error('boom')
          },
        },
      })
      await runner.enqueue(database.db, 'always.fails', { n: 1 }, { sealed: true, maxAttempts: 1 })
      await runner.enqueue(database.db, 'note.write', { text: 'plain' })
      await runner.drain()
      const rows = await database.query<{ name: string; status: string; payload: unknown }>(`SELECT name, status, payload FROM jobs ORDER BY id`)
      assert.deepEqual(
        rows.map((row) => [row.name, row.status, row.payload]),
        [
          ['always.fails', 'failed', ERASED_PAYLOAD],
          ['note.write', 'done', { text: 'plain' }],
        ],
      )
    } finally {
      await database.close()
    }
  })

  test('a runner without a sealer refuses to enqueue a sealed job; a payload opens only under its own job name and a known key', async () => {
    const database = await createTestDatabase({ schema: 'kernel_jobs_sealed', migrations: fixture })
    try {
      const runner = createJobRunner<Jobs>({ database, handlers: { 'note.write': async () => {}, 'always.fails': async () => {} } })
      await assert.rejects(runner.enqueue(database.db, 'note.write', { text: 'x' }, { sealed: true }), /no sealer/)
    } finally {
      await database.close()
    }
    const sealer = createPayloadSealer(keys)
    const sealed = sealer.seal('note.write', { text: 'x' })
    assert.deepEqual(sealer.open('note.write', sealed), { text: 'x' })
    assert.throws(() => sealer.open('always.fails', sealed))
    assert.throws(() => createPayloadSealer([{ id: 'other', key: randomBytes(32) }]).open('note.write', sealed), /unknown key id/)
    // Rotation: a new first key seals, the old one still opens what it sealed.
    assert.deepEqual(createPayloadSealer([{ id: 'k3', key: randomBytes(32) }, ...keys]).open('note.write', sealed), { text: 'x' })
  })

  test('JOB_SEALING_KEY: keyId:base64 entries (first seals), required in production, generated elsewhere', () => {
    const key = randomBytes(32).toString('base64')
    const old = randomBytes(32).toString('base64')
    const keysRead = readSealingKeys({ JOB_SEALING_KEY: `new:${key},old:${old}` }, { env: 'production', dataDir: '/nonexistent' })
    assert.deepEqual(
      keysRead.map((entry) => entry.id),
      ['new', 'old'],
    )
    assert.throws(() => readSealingKeys({}, { env: 'production', dataDir: '/nonexistent' }), /JOB_SEALING_KEY/)
    assert.throws(() => readSealingKeys({ JOB_SEALING_KEY: 'k1:c2hvcnQ=' }, { env: 'production', dataDir: '/nonexistent' }), /32 bytes/)
    const dataDir = mkdtempSync(join(tmpdir(), 'sealing-'))
    const generated = readSealingKeys({}, { env: 'development', dataDir })
    assert.equal(generated[0]!.key.length, 32)
    assert.deepEqual(readSealingKeys({}, { env: 'development', dataDir })[0]!.key, generated[0]!.key)
  })
})
