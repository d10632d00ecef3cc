// The kernel's own tables, migrated into every app's schema before the app's tables
// (`npm run generate -- kernel` writes packages/kernel/migrations from this file).
import { sql } from 'drizzle-orm'
import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

/** Every write and every refused attempt, written by `audit(tx, entry)` in the caller's transaction. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    object: text('object').notNull(),
    subject: text('subject').notNull(),
    action: text('action').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    sourceIp: text('source_ip'),
    userAgent: text('user_agent'),
    route: text('route'),
    metadata: jsonb('metadata')
      .notNull()
      .default(sql`'{}'::jsonb`),
  },
  (table) => [index('audit_log_object_idx').on(table.object, table.id), index('audit_log_subject_idx').on(table.subject, table.at)],
)

/**
 * Jobs: an outbox and a queue in one table. Rows are inserted inside the caller's transaction and
 * claimed with FOR UPDATE SKIP LOCKED. `idempotency_key` makes an enqueue happen at most once.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    payload: jsonb('payload').notNull(),
    idempotencyKey: text('idempotency_key'),
    status: text('status').notNull().default('queued'),
    runAt: timestamp('run_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    uniqueIndex('jobs_idempotency_key_idx').on(table.name, table.idempotencyKey),
    // Partial indexes, one per claim: a worker walks the queued ones in order and stops at the first it
    // can lock, and the scan marks the index entries of finished versions dead as it passes them, so a
    // busy queue does not make every claim step over all the jobs run since the last vacuum.
    index('jobs_queued_idx')
      .on(table.runAt, table.id)
      .where(sql`${table.status} = 'queued'`),
    index('jobs_running_idx')
      .on(table.lockedUntil)
      .where(sql`${table.status} = 'running'`),
  ],
)

/** One row per (schedule, period): whoever inserts it first enqueues that period's run. */
export const jobScheduleSlots = pgTable(
  'job_schedule_slots',
  {
    schedule: text('schedule').notNull(),
    slot: timestamp('slot', { withTimezone: true, mode: 'date' }).notNull(),
    claimedBy: text('claimed_by').notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.schedule, table.slot] })],
)
