import { and, eq, inArray, sql, type Db } from '@hearth/kernel'
import { paymentProcessorCredentials, privileges, providers, settlementCursors, transactionHistory, transactions } from '../../db/schema.ts'

export type TransactionHistoryInsert = typeof transactionHistory.$inferInsert

/** Settlement collection (§5): cursors, the recorded purchases and the transaction history. */
export class SettlementRepository {
  async compactsWithCredentials(db: Db): Promise<string[]> {
    const rows = await db.select({ compact: paymentProcessorCredentials.compact }).from(paymentProcessorCredentials).orderBy(paymentProcessorCredentials.compact)
    return rows.map((row) => row.compact)
  }

  async cursor(db: Db, compact: string): Promise<Date | undefined> {
    const [row] = await db.select({ collectedThrough: settlementCursors.collectedThrough }).from(settlementCursors).where(eq(settlementCursors.compact, compact))
    return row?.collectedThrough
  }

  async advanceCursor(db: Db, compact: string, collectedThrough: Date, now: Date): Promise<void> {
    await db
      .insert(settlementCursors)
      .values({ compact, collectedThrough, dateOfUpdate: now })
      .onConflictDoUpdate({ target: settlementCursors.compact, set: { collectedThrough: sql`greatest(${settlementCursors.collectedThrough}, excluded.collected_through)`, dateOfUpdate: now } })
  }

  /** The purchase recorded for a processor transaction (§4.6 step 10), with the holder's name. */
  async recordedTransaction(db: Db, compact: string, transactionId: string) {
    const [row] = await db
      .select({
        providerId: transactions.providerId,
        lineItems: transactions.lineItems,
        privilegeIds: transactions.privilegeIds,
        givenName: providers.givenName,
        familyName: providers.familyName,
      })
      .from(transactions)
      .leftJoin(providers, eq(providers.providerId, transactions.providerId))
      .where(and(eq(transactions.compact, compact), eq(transactions.transactionId, transactionId)))
    return row
  }

  /** Privilege id → jurisdiction, for the privileges a purchase wrote (ids are stable across renewals). */
  async privilegeJurisdictions(db: Db, compact: string, privilegeIds: string[]): Promise<{ jurisdiction: string; privilegeId: string }[]> {
    if (privilegeIds.length === 0) return []
    return db
      .select({ jurisdiction: privileges.jurisdiction, privilegeId: privileges.privilegeId })
      .from(privileges)
      .where(and(eq(privileges.compact, compact), inArray(privileges.privilegeId, privilegeIds)))
  }

  async upsertHistory(db: Db, row: TransactionHistoryInsert): Promise<void> {
    await db
      .insert(transactionHistory)
      .values(row)
      .onConflictDoUpdate({
        target: [transactionHistory.compact, transactionHistory.transactionId],
        set: {
          batchId: row.batchId,
          batchSettlementState: row.batchSettlementState,
          settlementTime: row.settlementTime,
          month: row.month,
          transactionStatus: row.transactionStatus,
          settleAmountCents: row.settleAmountCents,
          collectedAt: row.collectedAt,
        },
      })
  }

  async markSettled(db: Db, compact: string, transactionId: string, status: string, settledAt: Date): Promise<void> {
    await db
      .update(transactions)
      .set({ status, settledAt })
      .where(and(eq(transactions.compact, compact), eq(transactions.transactionId, transactionId)))
  }
}
