import type { MailMessage } from '@hearth/kernel/mail'
import type { LicenseRecordInput } from './modules/licenses/licenses.types.ts'
import type { NotificationRequest } from './modules/notifications/notification.types.ts'

/** Jobs (kernel once-only outbox jobs), typed by name: the app's one registration point. */
export type CompactConnectJobs = {
  /**
   * §4.3: one batch of preprocessed licenses (provider already matched by SSN; no full SSN in the payload).
   * Enqueued in the upload's transaction with an idempotency key per upload batch.
   */
  'license.ingest': { compact: string; jurisdiction: string; uploadId: string | null; licenses: LicenseRecordInput[] }
  /** §4.1 channel 2: stream one received CSV file (stored in `upload_chunks`) into validation and `license.ingest` batches. */
  'license.upload': { uploadId: string; compact: string; jurisdiction: string }
  /** §4.7: the privilege cascade of a deactivated (not expired) license. */
  'license.deactivation': { compact: string; providerId: string; jurisdiction: string; licenseType: string }
  /** §4.15: one rendered email, enqueued in the transaction that caused it (e.g. the purchase receipt). */
  'mail.send': MailMessage
  // ---- cc-mail-jobs: notifications (§4.15) and the scheduled jobs of §5 ----
  'notification.send': NotificationRequest
  /** §5 ingest reporter: `quarterHour` digest of validation errors, `weekly` all-is-well / no-updates summaries. */
  'ingest.report': { slot: string; period: 'quarterHour' | 'weekly' }
  /** §5 daily settlement collection (every compact with processor credentials). */
  'settlement.collect': { slot: string }
  /** §5 weekly / monthly transaction reports. */
  'transactions.report': { slot: string; cycle: 'weekly' | 'monthly' }
  /** §5 daily privilege expiration reminders (+30, +7, +0 days). */
  'privileges.expirationReminders': { slot: string }
  /** §5 daily purge of data events past their expiry (90/366 days). */
  'dataEvents.purge': { slot: string }
  /** cc-s3-rollback: §5 license upload rollback of one execution (`rollback_executions`), resumable, once per name. */
  'license.rollback': { executionName: string }
}
