import type { ScheduleDefinition } from '@hearth/kernel/jobs'
import type { CompactConnectJobs } from './jobs.ts'

/**
 * The §5 schedules (cron in UTC). Each period is claimed by one process (kernel schedule slots) and enqueues one
 * once-only job whose payload carries the period start, the job's "now".
 */
export const COMPACT_CONNECT_SCHEDULES: ScheduleDefinition<CompactConnectJobs>[] = [
  { name: 'ingest-reporter-quarter-hour', cron: '*/15 * * * *', job: 'ingest.report', payload: (slot) => ({ slot: slot.toISOString(), period: 'quarterHour' }) },
  // Saturdays 01:00 (the original's cron weekday 7 = Saturday).
  { name: 'ingest-reporter-weekly', cron: '0 1 * * 6', job: 'ingest.report', payload: (slot) => ({ slot: slot.toISOString(), period: 'weekly' }) },
  { name: 'settlement-collection', cron: '0 2 * * *', job: 'settlement.collect', payload: (slot) => ({ slot: slot.toISOString() }) },
  { name: 'transaction-reports-weekly', cron: '0 4 * * 1', job: 'transactions.report', payload: (slot) => ({ slot: slot.toISOString(), cycle: 'weekly' }) },
  { name: 'transaction-reports-monthly', cron: '0 2 3 * *', job: 'transactions.report', payload: (slot) => ({ slot: slot.toISOString(), cycle: 'monthly' }) },
  { name: 'privilege-expiration-reminders', cron: '0 4 * * *', job: 'privileges.expirationReminders', payload: (slot) => ({ slot: slot.toISOString() }) },
  { name: 'data-events-purge', cron: '30 3 * * *', job: 'dataEvents.purge', payload: (slot) => ({ slot: slot.toISOString() }) },
]
