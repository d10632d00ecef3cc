import type { Database } from '@hearth/kernel'
import type { JobInfo } from '@hearth/kernel/jobs'
import type { Mailer } from '@hearth/kernel/mail'
import type { NotificationRecipientType, NotificationRequest } from './notification.types.ts'
import type { NotificationsRepository } from './notifications.repository.ts'
import { isTemplate, renderNotification } from './templates.ts'

type Logger = { warn(object: unknown, message?: string): void; info(object: unknown, message?: string): void }

/** Trimmed, non-empty, each address once (case-insensitively), in the order given. */
export function distinctAddresses(addresses: readonly string[]): string[] {
  const seen = new Set<string>()
  const result: string[] = []
  for (const raw of addresses) {
    const address = raw.trim()
    if (address === '' || seen.has(address.toLowerCase())) continue
    seen.add(address.toLowerCase())
    result.push(address)
  }
  return result
}

/**
 * The `notification.send` job (§4.15): resolves the recipients when it runs, renders the template and sends one
 * message per recipient through the kernel mailer, recording each delivery so a retried job skips the recipients
 * already reached.
 */
export class NotificationsService {
  constructor(
    private readonly database: Database,
    private readonly repository: NotificationsRepository,
    private readonly mailer: Mailer,
    private readonly log: Logger,
    /** Non-production environments add the testing banner. */
    private readonly testBanner: boolean,
  ) {}

  /**
   * The recipients of a request, from the compact's or jurisdiction's configuration (§1.10) as it is now, or the
   * given addresses for `SPECIFIC`. Empty when nothing is configured.
   */
  async recipients(request: Pick<NotificationRequest, 'recipientType' | 'compact' | 'jurisdiction' | 'specificEmails'>): Promise<string[]> {
    const db = this.database.db
    const type: NotificationRecipientType = request.recipientType
    if (type === 'SPECIFIC') return distinctAddresses(request.specificEmails ?? [])
    if (type.startsWith('COMPACT_')) {
      const lists = await this.repository.compactLists(db, request.compact)
      if (!lists) return []
      return distinctAddresses(type === 'COMPACT_OPERATIONS_TEAM' ? lists.operations : type === 'COMPACT_ADVERSE_ACTIONS' ? lists.adverseActions : lists.summaryReport)
    }
    if (!request.jurisdiction) return []
    const lists = await this.repository.jurisdictionLists(db, request.compact, request.jurisdiction.toLowerCase())
    if (!lists) return []
    return distinctAddresses(type === 'JURISDICTION_OPERATIONS_TEAM' ? lists.operations : type === 'JURISDICTION_ADVERSE_ACTIONS' ? lists.adverseActions : lists.summaryReport)
  }

  /** Handles one `notification.send` job. Throws (→ retry) only when sending fails. */
  async send(request: NotificationRequest, job: Pick<JobInfo, 'id'>): Promise<void> {
    if (!isTemplate(request.template)) {
      this.log.warn({ template: request.template, job: job.id }, 'notification with an unknown template dropped')
      return
    }
    const recipients = await this.recipients(request)
    if (recipients.length === 0) {
      // Nothing configured (or no address given): retrying would not change that.
      this.log.warn({ template: request.template, recipientType: request.recipientType, compact: request.compact, jurisdiction: request.jurisdiction, job: job.id }, 'notification has no recipients')
      return
    }
    const rendered = renderNotification(request.template, request.compact, request.templateVariables ?? {}, this.testBanner)
    const attachments = request.attachments?.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      content: attachment.contentBase64,
      encoding: 'base64' as const,
    }))
    const jobKey = `job:${job.id}`
    const already = await this.repository.deliveredTo(this.database.db, jobKey)
    for (const recipient of recipients) {
      if (already.has(recipient.toLowerCase())) continue
      await this.mailer.send({ to: recipient, subject: rendered.subject, text: rendered.text, html: rendered.html, attachments })
      await this.repository.recordDelivery(this.database.db, jobKey, recipient.toLowerCase(), request.template)
    }
  }
}
