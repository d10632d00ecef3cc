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
  /** §4.15: one notification-service e-mail (template, recipients, variables), rendered and sent by the notifications module. */
  'notification.send': NotificationRequest
}
