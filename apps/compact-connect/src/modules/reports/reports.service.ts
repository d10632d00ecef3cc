import { strToU8, zipSync } from 'fflate'
import type { Database } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { ObjectStore } from '@hearth/kernel/storage'
import type { CompactConnectJobs } from '../../jobs.ts'
import { isJurisdiction, jurisdictionName } from '../../domain/compacts.ts'
import type { NotificationRequest } from '../notifications/notification.types.ts'
import {
  detailRows,
  financialSummary,
  financialSummaryCsv,
  ingestReportWindow,
  jurisdictionDetailCsv,
  monthlyReportWindow,
  reminderDates,
  reportKey,
  transactionDetailCsv,
  utcDate,
  weeklyReportWindow,
  windowDates,
  type SettledTransactionRecord,
} from './report-rules.ts'
import type { ReportsRepository } from './reports.repository.ts'

type Logger = { warn(object: unknown, message?: string): void; info(object: unknown, message?: string): void }

const nameOf = (code: string) => (isJurisdiction(code.toLowerCase()) ? jurisdictionName(code.toLowerCase() as never) : code.toUpperCase())

/** The §5 scheduled jobs that read and report: transaction reports, the ingest reporter, expiration reminders. */
export class ReportsService {
  constructor(
    private readonly database: Database,
    private readonly repository: ReportsRepository,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    /** Where report zips are kept (the original's reports bucket): S3 when configured, else `REPORTS_DIR`. */
    private readonly reportStore: ObjectStore,
    private readonly log: Logger,
  ) {}

  private notify(request: NotificationRequest, idempotencyKey: string) {
    return this.database.transaction(async (tx) => void (await this.jobs.enqueue(tx, 'notification.send', request, { idempotencyKey })))
  }

  /**
   * Weekly / monthly transaction reports: per live compact, a zip of the financial summary and the transaction
   * detail for the compact's summary-report list, and per live jurisdiction a zip of its detail and totals for the
   * jurisdiction's list; each stored in the report store at the §5 key. Returns the keys written.
   */
  async transactionReports(slot: Date, cycle: 'weekly' | 'monthly'): Promise<string[]> {
    const window = cycle === 'weekly' ? weeklyReportWindow(slot) : monthlyReportWindow(slot)
    const { startDate, endDate } = windowDates(window)
    const written: string[] = []
    for (const { compact, configuredStates } of await this.repository.compacts(this.database.db)) {
      const live = configuredStates.filter((state) => state.isLive).map((state) => state.postalAbbreviation.toLowerCase())
      if (live.length === 0) {
        this.log.info({ compact, cycle }, 'transaction report skipped: the compact is not live')
        continue
      }
      const history: SettledTransactionRecord[] = (await this.repository.settledHistory(this.database.db, compact, window)).map((row) => ({
        transactionId: row.transactionId,
        settlementTime: row.settlementTime,
        transactionStatus: row.transactionStatus,
        providerId: row.providerId,
        licenseeFirstName: row.licenseeFirstName,
        licenseeLastName: row.licenseeLastName,
        lineItems: row.lineItems as SettledTransactionRecord['lineItems'],
        privileges: row.privileges,
      }))
      const settled = history.filter((transaction) => transaction.transactionStatus === 'settledSuccessfully')
      const rows = detailRows(compact, history)
      const settledRows = detailRows(compact, settled)
      const range = `${startDate}--${endDate}`
      const compactZip = zipSync({
        [`financial-summary-report-${range}.csv`]: strToU8(financialSummaryCsv(financialSummary(compact, settled, live), nameOf)),
        [`transaction-detail-report-${range}.csv`]: strToU8(transactionDetailCsv(rows)),
      })
      const compactName = `${compact}-${cycle}-report-${range}.zip`
      const compactKey = reportKey(compact, 'compact-transactions', cycle, slot, compactName)
      await this.store(compactKey, compactZip)
      written.push(compactKey)
      const variables = { reportingCycle: cycle, startDate, endDate }
      await this.notify(
        {
          template: 'CompactTransactionReporting',
          recipientType: 'COMPACT_SUMMARY_REPORT',
          compact,
          templateVariables: variables,
          attachments: [{ filename: compactName, contentType: 'application/zip', contentBase64: Buffer.from(compactZip).toString('base64') }],
        },
        `transaction-report:${cycle}:${compact}:${utcDate(slot)}`,
      )
      for (const jurisdiction of live) {
        const zip = zipSync({ [`${jurisdiction}-transaction-detail-report-${range}.csv`]: strToU8(jurisdictionDetailCsv(settledRows, jurisdiction)) })
        const name = `${jurisdiction}-${cycle}-report-${range}.zip`
        const key = reportKey(compact, 'jurisdiction-transactions', cycle, slot, name)
        await this.store(key, zip)
        written.push(key)
        await this.notify(
          {
            template: 'JurisdictionTransactionReporting',
            recipientType: 'JURISDICTION_SUMMARY_REPORT',
            compact,
            jurisdiction,
            templateVariables: { ...variables, jurisdiction },
            attachments: [{ filename: name, contentType: 'application/zip', contentBase64: Buffer.from(zip).toString('base64') }],
          },
          `transaction-report:${cycle}:${compact}:${jurisdiction}:${utcDate(slot)}`,
        )
      }
    }
    return written
  }

  private async store(key: string, bytes: Uint8Array): Promise<void> {
    await this.reportStore.put(key, bytes, { contentType: 'application/zip' })
  }

  /**
   * The ingest reporter, per compact × configured jurisdiction. `quarterHour`: validation errors or ingest failures
   * in the 15 minutes before the slot → `ingestValidationErrorDigest` to the jurisdiction operations team.
   * `weekly`: uploads and no errors in the 7 days → `ingestWeeklyAllIsWell`; nothing at all → `ingestNoLicenseUpdates`
   * to the jurisdiction and the compact operations teams.
   */
  async ingestReport(slot: Date, period: 'quarterHour' | 'weekly'): Promise<number> {
    const window = ingestReportWindow(slot, period)
    const db = this.database.db
    let sent = 0
    for (const { compact, jurisdiction } of await this.repository.configuredJurisdictions(db)) {
      const counts = await this.repository.eventCounts(db, compact, jurisdiction, window)
      const validationErrors = counts.get('license.validation-error') ?? 0
      const ingestFailures = counts.get('license.ingest-failure') ?? 0
      const key = `ingest-report:${period}:${compact}:${jurisdiction}:${slot.toISOString()}`
      if (period === 'quarterHour') {
        if (validationErrors + ingestFailures === 0) continue
        const events = await this.repository.errorEvents(db, compact, jurisdiction, window, 100)
        const errors = events.flatMap((event) => describeError(event.eventType, event.detail))
        await this.notify(
          {
            template: 'ingestValidationErrorDigest',
            recipientType: 'JURISDICTION_OPERATIONS_TEAM',
            compact,
            jurisdiction,
            templateVariables: {
              jurisdiction,
              windowStart: window.start.toISOString(),
              windowEnd: window.end.toISOString(),
              validationErrorCount: validationErrors,
              ingestFailureCount: ingestFailures,
              errors,
            },
          },
          key,
        )
        sent++
        continue
      }
      const updates = counts.get('license.ingest') ?? 0
      const uploads = updates + (await this.repository.uploadCount(db, compact, jurisdiction, window))
      const weekVariables = { jurisdiction, weekStart: utcDate(window.start), weekEnd: utcDate(new Date(window.end.getTime() - 1)) }
      if (validationErrors + ingestFailures > 0) continue
      if (uploads > 0) {
        await this.notify(
          { template: 'ingestWeeklyAllIsWell', recipientType: 'JURISDICTION_OPERATIONS_TEAM', compact, jurisdiction, templateVariables: { ...weekVariables, licenseUpdateCount: updates } },
          key,
        )
        sent++
      } else {
        await this.notify({ template: 'ingestNoLicenseUpdates', recipientType: 'JURISDICTION_OPERATIONS_TEAM', compact, jurisdiction, templateVariables: weekVariables }, key)
        await this.notify({ template: 'ingestNoLicenseUpdates', recipientType: 'COMPACT_OPERATIONS_TEAM', compact, jurisdiction, templateVariables: weekVariables }, `${key}:compact`)
        sent += 2
      }
    }
    return sent
  }

  /**
   * Expiration reminders: active privileges expiring today (UTC−4) + 30, + 7 and + 0 days, one
   * `privilegeExpirationReminder` per provider and date, once per (provider, date, window) (job idempotency key).
   */
  async expirationReminders(slot: Date): Promise<number> {
    let enqueued = 0
    for (const { days, date } of reminderDates(slot)) {
      const rows = await this.repository.privilegesExpiringOn(this.database.db, date)
      const byProvider = new Map<string, typeof rows>()
      for (const row of rows) byProvider.set(`${row.compact}:${row.providerId}`, [...(byProvider.get(`${row.compact}:${row.providerId}`) ?? []), row])
      for (const [key, held] of byProvider) {
        const first = held[0]!
        await this.notify(
          {
            template: 'privilegeExpirationReminder',
            recipientType: 'SPECIFIC',
            compact: first.compact,
            specificEmails: [first.email!],
            templateVariables: {
              providerFirstName: first.givenName,
              expirationDate: date,
              daysUntilExpiration: days,
              privileges: held.map((row) => `${nameOf(row.jurisdiction)} ${row.licenseType} (privilege ${row.privilegeId})`),
            },
          },
          `privilege-expiration:${key}:${date}:${days}`,
        )
        enqueued++
      }
    }
    return enqueued
  }
}

/** A data event's error texts for the digest: record numbers and messages, never the uploaded values. */
export function describeError(eventType: string, detail: Record<string, unknown>): string[] {
  if (eventType === 'license.ingest-failure') return (Array.isArray(detail.errors) ? detail.errors : []).map((error) => `Ingest failure: ${String(error)}`)
  const record = detail.recordNumber !== undefined ? `Record ${String(detail.recordNumber)}` : 'Record'
  const errors = detail.errors && typeof detail.errors === 'object' ? (detail.errors as Record<string, unknown>) : {}
  const parts = Object.entries(errors).map(([field, messages]) => `${field}: ${(Array.isArray(messages) ? messages : [messages]).map(String).join('; ')}`)
  return [`${record}: ${parts.join(', ') || 'invalid'}`]
}
