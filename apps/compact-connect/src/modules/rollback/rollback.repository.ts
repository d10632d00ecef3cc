import { and, asc, eq, gte, inArray, lte, type Db } from '@hearth/kernel'
import { licenses, privileges, providers, rollbackExecutions, rollbackProviderResults, updateRecords } from '../../db/schema.ts'

export type RollbackExecutionRow = typeof rollbackExecutions.$inferSelect
export type RollbackExecutionInsert = typeof rollbackExecutions.$inferInsert
export type RollbackProviderResultRow = typeof rollbackProviderResults.$inferSelect

/** The upload rollback's SQL: the upload-date lookup, its execution bookkeeping, and the revert writes. */
export class RollbackRepository {
  /** Inserts the execution unless one of that name exists; returns the stored row either way. */
  async createExecution(db: Db, values: RollbackExecutionInsert): Promise<{ row: RollbackExecutionRow; created: boolean }> {
    const inserted = await db.insert(rollbackExecutions).values(values).onConflictDoNothing().returning()
    if (inserted[0]) return { row: inserted[0], created: true }
    return { row: (await this.execution(db, values.executionName))!, created: false }
  }

  async execution(db: Db, executionName: string): Promise<RollbackExecutionRow | undefined> {
    return (await db.select().from(rollbackExecutions).where(eq(rollbackExecutions.executionName, executionName)))[0]
  }

  async finishExecution(db: Db, executionName: string, values: { status: 'complete' | 'failed'; resultsKey: string | null; finishedAt: Date }): Promise<void> {
    await db.update(rollbackExecutions).set(values).where(eq(rollbackExecutions.executionName, executionName))
  }

  /**
   * The providers a jurisdiction's uploads touched in the window (the original's upload-date GSI): licenses first
   * uploaded then, and licenses whose upload updates were written then. Sorted, so every run walks them alike.
   */
  async affectedProviders(db: Db, compact: string, jurisdiction: string, start: Date, end: Date, uploadUpdateTypes: readonly string[]): Promise<string[]> {
    const created = await db
      .selectDistinct({ providerId: licenses.providerId })
      .from(licenses)
      .where(and(eq(licenses.compact, compact), eq(licenses.jurisdiction, jurisdiction), gte(licenses.firstUploadDate, start), lte(licenses.firstUploadDate, end)))
    const updated = await db
      .selectDistinct({ providerId: updateRecords.providerId })
      .from(updateRecords)
      .where(
        and(
          eq(updateRecords.recordType, 'license'),
          eq(updateRecords.compact, compact),
          eq(updateRecords.jurisdiction, jurisdiction),
          inArray(updateRecords.updateType, [...uploadUpdateTypes]),
          gte(updateRecords.createDate, start),
          lte(updateRecords.createDate, end),
        ),
      )
    return [...new Set([...created, ...updated].map((row) => row.providerId))].sort()
  }

  async results(db: Db, executionName: string): Promise<RollbackProviderResultRow[]> {
    return db.select().from(rollbackProviderResults).where(eq(rollbackProviderResults.executionName, executionName)).orderBy(asc(rollbackProviderResults.providerId))
  }

  async doneProviders(db: Db, executionName: string): Promise<Set<string>> {
    const rows = await db.select({ providerId: rollbackProviderResults.providerId }).from(rollbackProviderResults).where(eq(rollbackProviderResults.executionName, executionName))
    return new Set(rows.map((row) => row.providerId))
  }

  async hasResult(db: Db, executionName: string, providerId: string): Promise<boolean> {
    const rows = await db
      .select({ providerId: rollbackProviderResults.providerId })
      .from(rollbackProviderResults)
      .where(and(eq(rollbackProviderResults.executionName, executionName), eq(rollbackProviderResults.providerId, providerId)))
    return rows.length > 0
  }

  /** Records a provider's outcome; false when that provider was already done in this execution. */
  async recordResult(db: Db, executionName: string, providerId: string, outcome: 'reverted' | 'skipped' | 'failed', detail: Record<string, unknown>): Promise<boolean> {
    const inserted = await db.insert(rollbackProviderResults).values({ executionName, providerId, outcome, detail }).onConflictDoNothing().returning({ providerId: rollbackProviderResults.providerId })
    return inserted.length > 0
  }

  async lockProvider(db: Db, compact: string, providerId: string) {
    return (
      await db
        .select()
        .from(providers)
        .where(and(eq(providers.providerId, providerId), eq(providers.compact, compact)))
        .for('update')
    )[0]
  }

  async licensesOf(db: Db, providerId: string) {
    return db.select().from(licenses).where(eq(licenses.providerId, providerId)).orderBy(asc(licenses.id))
  }

  async privilegesOf(db: Db, providerId: string) {
    return db.select().from(privileges).where(eq(privileges.providerId, providerId)).orderBy(asc(privileges.id))
  }

  async updatesOf(db: Db, providerId: string) {
    return db.select().from(updateRecords).where(eq(updateRecords.providerId, providerId)).orderBy(asc(updateRecords.createDate), asc(updateRecords.id))
  }

  async deleteLicenses(db: Db, ids: readonly number[]): Promise<void> {
    if (ids.length > 0) await db.delete(licenses).where(inArray(licenses.id, [...ids]))
  }

  async updateLicense(db: Db, id: number, values: Partial<typeof licenses.$inferInsert>): Promise<void> {
    await db.update(licenses).set(values).where(eq(licenses.id, id))
  }

  async reactivatePrivilege(db: Db, id: number, now: Date): Promise<void> {
    await db.update(privileges).set({ licenseDeactivatedStatus: null, dateOfUpdate: now }).where(eq(privileges.id, id))
  }

  async deleteUpdates(db: Db, ids: readonly number[]): Promise<void> {
    if (ids.length > 0) await db.delete(updateRecords).where(inArray(updateRecords.id, [...ids]))
  }

  async updateProvider(db: Db, providerId: string, values: Partial<typeof providers.$inferInsert>): Promise<void> {
    await db.update(providers).set(values).where(eq(providers.providerId, providerId))
  }

  async deleteProvider(db: Db, providerId: string): Promise<void> {
    await db.delete(providers).where(eq(providers.providerId, providerId))
  }
}
