import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { Cron } from 'croner'
import { defineStatement, runStatement, type Database, type Db } from '../db/index.ts'
import { jobScheduleSlots } from '../db/schema.ts'
import { ERASED_PAYLOAD, isSealedPayload, type PayloadSealer } from './sealing.ts'

export { jobs as jobsTable, jobScheduleSlots } from '../db/schema.ts'
export { createPayloadSealer, ERASED_PAYLOAD, isSealedPayload, readSealingKeys, type PayloadSealer, type SealedPayload, type SealingKey } from './sealing.ts'

/** A map of job name → payload type; each app declares one and registers a handler per name. */
export type JobMap = Record<string, unknown>

export interface JobInfo {
  id: number
  name: string
  attempt: number
  idempotencyKey: string | null
  /**
   * Aborted when this worker finds its lock on the job taken (its lease ran out and another worker claimed it, or
   * the row was changed under it). A long handler checks it between steps and stops: another run owns the job now.
   */
  signal: AbortSignal
}

export type JobHandlers<Jobs extends JobMap> = {
  [Name in keyof Jobs]: (payload: Jobs[Name], job: JobInfo) => Promise<void>
}

export interface ScheduleDefinition<Jobs extends JobMap> {
  /** Unique name of the schedule (one slot per name and period). */
  name: string
  /** Five- or six-field cron pattern, evaluated in UTC. */
  cron: string
  job: keyof Jobs & string
  payload: (slot: Date) => Jobs[keyof Jobs]
}

export interface EnqueueOptions {
  /** At most one job per (name, key) is ever enqueued; later enqueues are ignored. */
  idempotencyKey?: string
  runAt?: Date
  maxAttempts?: number
  /**
   * The payload carries a secret (a temporary password, a reset code, a recovery link): it is stored sealed
   * (the runner's `sealer`), opened only by the worker that runs the job, and erased once the job is done or
   * has failed for good. Needs a `sealer`.
   */
  sealed?: boolean
}

export interface JobRunnerOptions<Jobs extends JobMap> {
  database: Database
  handlers: JobHandlers<Jobs>
  schedules?: ScheduleDefinition<Jobs>[]
  /** Identifies this process in `locked_by` / `claimed_by`. */
  workerId?: string
  pollIntervalMs?: number
  /** How often schedules are checked. */
  scheduleTickMs?: number
  /**
   * A period whose start is older than this is not run late (e.g. after downtime). The default is
   * one hour: a process starting within an hour of a missed slot still runs it, once.
   */
  catchUpMs?: number
  concurrency?: number
  /**
   * The lease a worker takes on a job it runs (default 300 s). While the handler runs the worker extends it every
   * `lockSeconds / 3` (the heartbeat), so only a job whose worker died or stalled is claimed again once it expires.
   */
  lockSeconds?: number
  log?: { error(object: unknown, message: string): void; info?(object: unknown, message: string): void }
  /** Seals the payloads of jobs enqueued with `sealed: true` (see `readSealingKeys`). */
  sealer?: PayloadSealer
}

export interface JobRunner<Jobs extends JobMap> {
  /** Inserts a job with `db`: pass the caller's transaction so it is enqueued only if that commits. */
  enqueue<Name extends keyof Jobs & string>(db: Db, name: Name, payload: Jobs[Name], options?: EnqueueOptions): Promise<boolean>
  /** The parameters of `enqueueInsert` for this job, checked and sealed as `enqueue` does, for a statement that embeds the enqueue. */
  enqueueParams<Name extends keyof Jobs & string>(name: Name, payload: Jobs[Name], options?: EnqueueOptions): unknown[]
  /** Starts polling (and schedule ticks). */
  start(): void
  /** Stops claiming new work and waits for the jobs in flight to finish. */
  stop(): Promise<void>
  /** Runs due jobs until none is left, waiting for those the poller already claimed (tests, scripts). Returns how many it ran itself. */
  drain(): Promise<number>
  /** Claims the current period of every schedule that is due at `now`; returns the schedules claimed here. */
  tickSchedules(now?: Date): Promise<string[]>
}

interface JobRow {
  id: string | number
  name: string
  payload: unknown
  attempts: number
  max_attempts: number
  idempotency_key: string | null
}

// Claims, one per partial index (jobs_queued_idx, jobs_running_idx): each walks its index in order
// and stops at the first row it can lock. The runner's job names are a filter on the rows it passes
// (`array_position`), never an index condition: `name = ANY(…)` let the planner, before it had
// statistics for a young table, AND the partial index with the idempotency index on (name, key),
// whose entries for every version of every job ever run under those names it then read on each claim
// (≈ 4,600 entries and 1 ms a claim after 1,600 jobs, against 3 buffers and 0.03 ms).
const claimed = (due: string, order: string) =>
  `UPDATE jobs SET status = 'running', locked_by = $1, locked_until = now() + make_interval(secs => $2), attempts = attempts + 1
   WHERE id = (SELECT id FROM jobs WHERE ${due} AND array_position($3::text[], name) IS NOT NULL ORDER BY ${order} FOR UPDATE SKIP LOCKED LIMIT 1)
   RETURNING id, name, payload, attempts, max_attempts, idempotency_key`
/** @internal exported for the plan test */
export const claimQueued = defineStatement('kernel_jobs_claim_queued', claimed("status = 'queued' AND run_at <= now()", 'run_at, id'))
/** @internal exported for the plan test */
export const claimExpired = defineStatement('kernel_jobs_claim_expired', claimed("status = 'running' AND locked_until < now()", 'locked_until, id'))
/**
 * A finished job marked done, as long as this worker's attempt still owns it (a taken-over job is the new owner's);
 * a sealed payload's secret is erased, as the job no longer needs it. `$1` is the worker; the others are named.
 */
const markedDone = (id: string, attempt: string, sealed: string) =>
  `UPDATE jobs SET status = 'done', finished_at = now(), locked_by = NULL, locked_until = NULL,
          payload = CASE WHEN ${sealed}::boolean THEN '${JSON.stringify(ERASED_PAYLOAD)}'::jsonb ELSE payload END
    WHERE id = ${id} AND locked_by = $1 AND attempts = ${attempt}`
const finish = defineStatement('kernel_jobs_finish', markedDone('$2', '$3', '$4'))
/**
 * A finished job marked done and the next due one claimed, in one statement: what a worker's slot does after each
 * job while the queue has a backlog.
 * @internal exported for the plan test
 */
export const finishAndClaimQueued = defineStatement(
  'kernel_jobs_finish_and_claim_queued',
  `WITH finished AS (${markedDone('$4', '$5', '$6')}) ${claimed("status = 'queued' AND run_at <= now()", 'run_at, id')}`,
)

/**
 * The enqueue as SQL, for a write path that counts its round trips (a webhook under a row lock): one CTE of the
 * caller's own statement, `job AS (${enqueueInsert(n)})`, reading its five parameters from `$n` on, which
 * `runner.enqueueParams(…)` gives (or `NO_ENQUEUE`: the statement then inserts no job). The row is the one
 * `enqueue` writes, under the same rule: none when its (name, idempotency key) exists.
 */
export function enqueueInsert(first: number): string {
  const $ = (n: number) => `$${first + n - 1}`
  return (
    'INSERT INTO jobs (name, payload, idempotency_key, run_at, max_attempts) ' +
    `SELECT ${$(1)}::text, ${$(2)}::text::jsonb, ${$(3)}::text, coalesce(${$(4)}::text::timestamptz, now()), ${$(5)}::int ` +
    `WHERE ${$(1)}::text IS NOT NULL ON CONFLICT DO NOTHING`
  )
}

/** `enqueueInsert`'s parameters when a statement that embeds it enqueues nothing this time. */
export const NO_ENQUEUE: readonly unknown[] = [null, null, null, null, null]

/** A new job, unless its (name, idempotency key) exists: a prepared statement, as most enqueues are inside a busy write's transaction. */
const insertJob = defineStatement('kernel_jobs_enqueue', `${enqueueInsert(1)} RETURNING id`)

/**
 * A small job mechanism on plain SQL (see docs/adr/0002-jobs.md): a `jobs` table claimed with
 * `FOR UPDATE SKIP LOCKED`, enqueued inside the caller's transaction, and schedule slots claimed
 * with a primary key per (schedule, period), so any number of processes run each period once.
 */
export function createJobRunner<Jobs extends JobMap>(options: JobRunnerOptions<Jobs>): JobRunner<Jobs> {
  const { database, handlers } = options
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const names = Object.keys(handlers)
  const concurrency = options.concurrency ?? 2
  const lockSeconds = options.lockSeconds ?? 300
  const catchUpMs = options.catchUpMs ?? 3_600_000
  const crons = (options.schedules ?? []).map((schedule) => ({
    schedule,
    cron: new Cron(schedule.cron, { timezone: 'UTC', paused: true }),
  }))
  const inFlight = new Set<Promise<void>>()
  let pollTimer: NodeJS.Timeout | undefined
  let tickTimer: NodeJS.Timeout | undefined
  let stopping = false

  const enqueueParams: JobRunner<Jobs>['enqueueParams'] = (name, payload, enqueueOptions = {}) => {
    if (!(name in handlers)) throw new Error(`enqueue: no handler registered for job "${name}"`)
    if (enqueueOptions.sealed && !options.sealer) throw new Error(`enqueue: job "${name}" is sealed but the runner has no sealer`)
    const stored = enqueueOptions.sealed ? options.sealer!.seal(name, payload) : payload
    return [name, JSON.stringify(stored), enqueueOptions.idempotencyKey ?? null, enqueueOptions.runAt?.toISOString() ?? null, enqueueOptions.maxAttempts ?? 5]
  }
  const enqueue: JobRunner<Jobs>['enqueue'] = async (db, name, payload, enqueueOptions) => {
    const inserted = await runStatement(db, insertJob, enqueueParams(name, payload, enqueueOptions))
    return inserted.length > 0
  }

  /**
   * The oldest due job, else (with `expired`) one whose worker's lease ran out (its worker died or hung): claimed
   * for this worker. Leases run out in minutes, so only the interval's polls and drain() look for them.
   */
  async function claim({ expired }: { expired: boolean }): Promise<JobRow | undefined> {
    const params = [workerId, lockSeconds, names]
    const [queued] = await runStatement<JobRow>(database.db, claimQueued, params)
    if (queued) {
      await noteClaim()
      return queued
    }
    return expired ? (await runStatement<JobRow>(database.db, claimExpired, params))[0] : undefined
  }

  /**
   * The claims are prepared statements, and PostgreSQL keeps a prepared statement's plan until the table's
   * statistics change. A new jobs table has none until autovacuum's first pass (up to a minute, longer on a busy
   * server), so the plan made while it was empty (a sequential scan and a sort) was kept while thousands of jobs
   * arrived, and each claim read the whole table (≈ 300–450 buffers a claim after 1,800 jobs in the Raise bench).
   * The runner therefore analyses the table itself after its 100th, 1,000th, 10,000th … claim (`SKIP_LOCKED`: another
   * process's ANALYZE is as good), which makes every connection plan the claims again.
   */
  let claims = 0
  let nextAnalyse = 100
  async function noteClaim(): Promise<void> {
    claims++
    if (claims < nextAnalyse) return
    nextAnalyse *= 10
    try {
      await database.query('ANALYZE (SKIP_LOCKED) jobs')
    } catch (error) {
      options.log?.error({ err: error }, 'could not analyse the jobs table')
    }
  }

  /**
   * Keeps a running job's lease: every `lockSeconds / 3` the lock is extended if this worker (and this attempt) still
   * holds it; when it does not, `lost` is aborted so the handler can stop. A failed extension (database briefly
   * unreachable) is logged and tried again at the next beat; the lease covers two missed beats.
   */
  function heartbeat(id: number, attempt: number, lost: AbortController): () => Promise<void> {
    let beat: Promise<void> | undefined
    const timer = setInterval(
      () => {
        beat ??= database
          .query<{ id: number }>(
            `UPDATE jobs SET locked_until = now() + make_interval(secs => $4)
             WHERE id = $1 AND locked_by = $2 AND attempts = $3 AND status = 'running' RETURNING id`,
            [id, workerId, attempt, lockSeconds],
          )
          .then((rows) => {
            if (rows.length > 0) return
            clearInterval(timer)
            lost.abort(new Error(`job ${id}: the lock was taken over by another worker`))
          })
          .catch((error: unknown) => options.log?.error({ err: error, id }, 'job heartbeat failed'))
          .finally(() => (beat = undefined))
      },
      Math.max(10, (lockSeconds * 1000) / 3),
    )
    timer.unref()
    return async () => {
      clearInterval(timer)
      await beat
    }
  }

  /**
   * Runs a claimed job. With `chain` (a started worker's slot), a job that finishes while the queue has a backlog
   * is marked done in the statement that claims the next due job, which the slot then runs, until a claim finds
   * the queue empty: one statement per job instead of a completion and a claim.
   */
  async function runOne(first: JobRow, { chain }: { chain: boolean }): Promise<void> {
    let row: JobRow | undefined = first
    while (row) row = await runJob(row, chain)
  }

  /** Runs one job and records its outcome; returns the next job when it claimed one (see `runOne`). */
  async function runJob(row: JobRow, chain: boolean): Promise<JobRow | undefined> {
    const id = Number(row.id)
    const handler = handlers[row.name as keyof Jobs] as (payload: unknown, job: JobInfo) => Promise<void>
    const sealed = isSealedPayload(row.payload)
    // A sealed payload's secret is gone from the row once the job no longer needs it.
    const erase = `payload = '${JSON.stringify(ERASED_PAYLOAD)}'::jsonb`
    const lost = new AbortController()
    const stopHeartbeat = heartbeat(id, row.attempts, lost)
    // Finishing and failing only touch the row while this attempt still owns it (a taken-over job is the new owner's).
    try {
      if (sealed && !options.sealer) throw new Error('sealed job payload but the runner has no sealer')
      const payload = sealed ? options.sealer!.open(row.name, row.payload as never) : row.payload
      await handler(payload, { id, name: row.name, attempt: row.attempts, idempotencyKey: row.idempotency_key, signal: lost.signal })
      await stopHeartbeat()
      if (chain && backlog && !stopping) {
        const [next] = await runStatement<JobRow>(database.db, finishAndClaimQueued, [workerId, lockSeconds, names, id, row.attempts, sealed])
        if (next) {
          await noteClaim()
          return next
        }
        backlog = false
        return undefined
      }
      await runStatement(database.db, finish, [workerId, id, row.attempts, sealed])
      return undefined
    } catch (error) {
      await stopHeartbeat()
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      const final = row.attempts >= row.max_attempts
      options.log?.error({ err: error, job: row.name, id, attempt: row.attempts, final }, 'job failed')
      // Exponential back-off: 2 s, 4 s, 8 s, … capped at an hour.
      const delay = Math.min(3600, 2 ** row.attempts)
      await database.query(
        `UPDATE jobs SET status = $3, last_error = $4, locked_by = NULL, locked_until = NULL,
           run_at = now() + make_interval(secs => $5), finished_at = CASE WHEN $3 = 'failed' THEN now() END${sealed && final ? `, ${erase}` : ''}
         WHERE id = $1 AND locked_by = $2 AND attempts = $6`,
        [id, workerId, final ? 'failed' : 'queued', message.slice(0, 2000), delay, row.attempts],
      )
      return undefined
    }
  }

  function track(promise: Promise<void>) {
    inFlight.add(promise)
    void promise
      .catch((error) => options.log?.error({ err: error }, 'job bookkeeping failed'))
      .finally(() => {
        inFlight.delete(promise)
        // A slot is free while jobs may be waiting: claim the next one now. Waiting for the next interval
        // instead would run at most `concurrency` jobs an interval, and a backlog (a burst of confirmation
        // emails) would only grow. Once a claim found the queue empty, finished jobs leave the next look to
        // the interval: under a steady trickle, looking after every job was two claims that found nothing.
        if (!stopping && pollTimer && backlog) void poll({ expired: false })
      })
  }

  /** Whether the last poll stopped with every slot taken rather than with the queue empty. */
  let backlog = false
  let polling: Promise<void> | undefined
  function poll(which: { expired: boolean }): Promise<void> {
    // One poll at a time; stop() waits for it, so nothing is claimed after stop() returns.
    polling ??= pollOnce(which).finally(() => (polling = undefined))
    return polling
  }

  async function pollOnce({ expired }: { expired: boolean }) {
    if (stopping) return
    try {
      for (;;) {
        if (stopping) return
        if (inFlight.size >= concurrency) {
          backlog = true
          return
        }
        const row = await claim({ expired })
        if (!row) {
          backlog = false
          return
        }
        track(runOne(row, { chain: true }))
      }
    } catch (error) {
      options.log?.error({ err: error }, 'job poll failed')
    }
  }

  async function tickSchedules(now = new Date()): Promise<string[]> {
    const claimed: string[] = []
    for (const { schedule, cron } of crons) {
      // The latest period start at or before now (croner's previousRuns looks strictly before, so nudge by 1 ms).
      const slot = cron.previousRuns(1, new Date(now.getTime() + 1))[0]
      if (!slot || now.getTime() - slot.getTime() > catchUpMs) continue
      const won = await database.transaction(async (tx) => {
        const rows = await tx.insert(jobScheduleSlots).values({ schedule: schedule.name, slot, claimedBy: workerId }).onConflictDoNothing().returning({ schedule: jobScheduleSlots.schedule })
        if (rows.length === 0) return false
        await enqueue(tx, schedule.job, schedule.payload(slot) as never, { idempotencyKey: `${schedule.name}@${slot.toISOString()}` })
        return true
      })
      if (won) claimed.push(schedule.name)
    }
    return claimed
  }

  return {
    enqueue,
    enqueueParams,
    tickSchedules,
    start() {
      stopping = false
      const pollMs = options.pollIntervalMs ?? 1000
      pollTimer = setInterval(() => void poll({ expired: true }), pollMs)
      if (crons.length > 0) {
        const tick = () => void tickSchedules().catch((error) => options.log?.error({ err: error }, 'schedule tick failed'))
        tick()
        tickTimer = setInterval(tick, options.scheduleTickMs ?? 15_000)
      }
      void poll({ expired: true })
    },
    async stop() {
      stopping = true
      clearInterval(pollTimer)
      clearInterval(tickTimer)
      await polling
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
    async drain() {
      let ran = 0
      for (;;) {
        // A job the background poller claimed is not claimable here, yet it is due work: wait for it too,
        // so that when drain() returns every job that was due has finished, whoever ran it.
        await polling
        if (inFlight.size > 0) {
          await Promise.allSettled([...inFlight])
          continue
        }
        const row = await claim({ expired: true })
        if (!row) break
        await runOne(row, { chain: false })
        ran++
      }
      return ran
    },
  }
}
