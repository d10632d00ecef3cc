import { and, asc, desc, eq, sql, type Db } from '@hearth/kernel'
import { adverseActions, dataEvents, licenses, militaryAffiliations, privilegeCounters, privileges, providers, transactions, updateRecords } from '../../db/schema.ts'

export type PurchaseProviderRow = typeof providers.$inferSelect
export type PurchaseLicenseRow = typeof licenses.$inferSelect
export type PurchasePrivilegeRow = typeof privileges.$inferSelect
export type PurchasePrivilegeInsert = typeof privileges.$inferInsert
export type PurchaseAdverseActionRow = typeof adverseActions.$inferSelect
export type PurchaseMilitaryRow = typeof militaryAffiliations.$inferSelect
export type UpdateRecordInsert = typeof updateRecords.$inferInsert
export type TransactionInsert = typeof transactions.$inferInsert
export type TransactionRow = typeof transactions.$inferSelect

/** What a privilege purchase reads and writes in the provider's partition (§4.6). */
export class PurchasesRepository {
  async provider(db: Db, compact: string, providerId: string): Promise<PurchaseProviderRow | undefined> {
    const [row] = await db
      .select()
      .from(providers)
      .where(and(eq(providers.compact, compact), eq(providers.providerId, providerId)))
    return row
  }

  /** The provider row locked for the rest of the transaction (one writer per partition). */
  async lockProvider(db: Db, providerId: string): Promise<PurchaseProviderRow | undefined> {
    const [row] = await db.select().from(providers).where(eq(providers.providerId, providerId)).for('update')
    return row
  }

  async licenses(db: Db, providerId: string): Promise<PurchaseLicenseRow[]> {
    return db.select().from(licenses).where(eq(licenses.providerId, providerId)).orderBy(asc(licenses.jurisdiction), asc(licenses.licenseType))
  }

  async privileges(db: Db, providerId: string): Promise<PurchasePrivilegeRow[]> {
    return db.select().from(privileges).where(eq(privileges.providerId, providerId)).orderBy(asc(privileges.jurisdiction), asc(privileges.licenseType))
  }

  async adverseActions(db: Db, providerId: string): Promise<PurchaseAdverseActionRow[]> {
    return db.select().from(adverseActions).where(eq(adverseActions.providerId, providerId))
  }

  /** The newest military affiliation record (only the newest matters, §1.8). */
  async latestMilitaryAffiliation(db: Db, providerId: string): Promise<PurchaseMilitaryRow | undefined> {
    const [row] = await db
      .select()
      .from(militaryAffiliations)
      .where(eq(militaryAffiliations.providerId, providerId))
      .orderBy(desc(militaryAffiliations.dateOfUpload), desc(militaryAffiliations.id))
      .limit(1)
    return row
  }

  /** The compact-wide privilege number: atomic, gaps allowed (a rolled-back purchase may still consume one). */
  async nextPrivilegeNumber(db: Db, compact: string): Promise<number> {
    const [row] = await db
      .insert(privilegeCounters)
      .values({ compact, privilegeCount: 1 })
      .onConflictDoUpdate({ target: privilegeCounters.compact, set: { privilegeCount: sql`${privilegeCounters.privilegeCount} + 1` } })
      .returning({ count: privilegeCounters.privilegeCount })
    return row!.count
  }

  async insertPrivilege(db: Db, values: PurchasePrivilegeInsert): Promise<void> {
    await db.insert(privileges).values(values)
  }

  async updatePrivilege(db: Db, id: number, values: Partial<PurchasePrivilegeInsert>): Promise<void> {
    await db.update(privileges).set(values).where(eq(privileges.id, id))
  }

  async insertUpdateRecord(db: Db, values: UpdateRecordInsert): Promise<void> {
    await db.insert(updateRecords).values(values)
  }

  async updateProvider(db: Db, providerId: string, values: Partial<typeof providers.$inferInsert>): Promise<void> {
    await db.update(providers).set(values).where(eq(providers.providerId, providerId))
  }

  async insertTransaction(db: Db, values: TransactionInsert): Promise<void> {
    await db.insert(transactions).values(values)
  }

  /** A data event (§5: kept 366 days), written in the purchase's transaction. */
  async insertDataEvent(db: Db, values: typeof dataEvents.$inferInsert): Promise<void> {
    await db.insert(dataEvents).values(values)
  }

  /** The highest numeric transaction id recorded in any compact (the local fake continues after it). */
  async highestTransactionId(db: Db): Promise<number | undefined> {
    const [row] = await db
      .select({ highest: sql<string | null>`max(${transactions.transactionId}::numeric)` })
      .from(transactions)
      .where(sql`${transactions.transactionId} ~ '^[0-9]{1,15}$'`)
    return row?.highest ? Number(row.highest) : undefined
  }

  async transactionsOfProvider(db: Db, providerId: string): Promise<TransactionRow[]> {
    return db.select().from(transactions).where(eq(transactions.providerId, providerId)).orderBy(asc(transactions.createdAt))
  }
}
