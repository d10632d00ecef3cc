import { and, eq, type Db } from '@hearth/kernel'
import { compactConfigurations, jurisdictionConfigurations, notificationDeliveries } from '../../db/schema.ts'

/** Recipient lists (§1.10) and the per-recipient delivery log of notification jobs. */
export class NotificationsRepository {
  async compactLists(db: Db, compact: string) {
    const [row] = await db
      .select({
        operations: compactConfigurations.compactOperationsTeamEmails,
        adverseActions: compactConfigurations.compactAdverseActionsNotificationEmails,
        summaryReport: compactConfigurations.compactSummaryReportNotificationEmails,
      })
      .from(compactConfigurations)
      .where(eq(compactConfigurations.compact, compact))
    return row
  }

  async jurisdictionLists(db: Db, compact: string, jurisdiction: string) {
    const [row] = await db
      .select({
        operations: jurisdictionConfigurations.jurisdictionOperationsTeamEmails,
        adverseActions: jurisdictionConfigurations.jurisdictionAdverseActionsNotificationEmails,
        summaryReport: jurisdictionConfigurations.jurisdictionSummaryReportNotificationEmails,
      })
      .from(jurisdictionConfigurations)
      .where(and(eq(jurisdictionConfigurations.compact, compact), eq(jurisdictionConfigurations.jurisdiction, jurisdiction)))
    return row
  }

  async deliveredTo(db: Db, jobKey: string): Promise<Set<string>> {
    const rows = await db.select({ recipient: notificationDeliveries.recipient }).from(notificationDeliveries).where(eq(notificationDeliveries.jobKey, jobKey))
    return new Set(rows.map((row) => row.recipient))
  }

  async recordDelivery(db: Db, jobKey: string, recipient: string, template: string): Promise<void> {
    await db.insert(notificationDeliveries).values({ jobKey, recipient, template }).onConflictDoNothing()
  }
}
