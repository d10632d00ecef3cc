import { and, asc, eq, inArray, sql, type Db } from '@hearth/kernel'
import { adverseActions, investigations, licenses, militaryAffiliations, privilegeCounters, privileges, providers, updateRecords } from '../../db/schema.ts'

export type ProviderRow = typeof providers.$inferSelect
export type ProviderInsert = typeof providers.$inferInsert
export type LicenseRow = typeof licenses.$inferSelect
export type LicenseInsert = typeof licenses.$inferInsert
export type PrivilegeRow = typeof privileges.$inferSelect
export type PrivilegeInsert = typeof privileges.$inferInsert
export type UpdateRecordRow = typeof updateRecords.$inferSelect
export type UpdateRecordInsert = typeof updateRecords.$inferInsert
export type AdverseActionRow = typeof adverseActions.$inferSelect
export type AdverseActionInsert = typeof adverseActions.$inferInsert
export type InvestigationRow = typeof investigations.$inferSelect
export type MilitaryAffiliationRow = typeof militaryAffiliations.$inferSelect
export type MilitaryAffiliationInsert = typeof militaryAffiliations.$inferInsert

/**
 * Provider partitions (§1.2–§1.5, §1.12): providers, their licenses, privileges and update records. Every method
 * takes the `Db` to run on; the ingest and other writers pass their transaction.
 */
export class LicensesRepository {
  async providerById(db: Db, compact: string, providerId: string): Promise<ProviderRow | undefined> {
    const [row] = await db
      .select()
      .from(providers)
      .where(and(eq(providers.compact, compact), eq(providers.providerId, providerId)))
    return row
  }

  /** The provider row, locked for the rest of the transaction (one writer per provider partition at a time). */
  async lockProvider(db: Db, providerId: string): Promise<ProviderRow | undefined> {
    const [row] = await db.select().from(providers).where(eq(providers.providerId, providerId)).for('update')
    return row
  }

  /** Inserts the provider if it does not exist yet (concurrent ingests of a new provider create it once). */
  async insertProviderIfMissing(db: Db, values: ProviderInsert): Promise<void> {
    await db.insert(providers).values(values).onConflictDoNothing({ target: providers.providerId })
  }

  /** Inserts the providers that do not exist yet, in id order (concurrent batches take the key locks in one order). */
  async insertProvidersIfMissing(db: Db, values: readonly ProviderInsert[]): Promise<Set<string>> {
    if (values.length === 0) return new Set()
    const sorted = [...values].sort((a, b) => (a.providerId < b.providerId ? -1 : a.providerId > b.providerId ? 1 : 0))
    const inserted = await db.insert(providers).values(sorted).onConflictDoNothing({ target: providers.providerId }).returning({ providerId: providers.providerId })
    return new Set(inserted.map((row) => row.providerId))
  }

  async insertLicenses(db: Db, values: readonly LicenseInsert[]): Promise<void> {
    if (values.length === 0) return
    await db.insert(licenses).values([...values])
  }

  /** Provider rows locked for the rest of the transaction, taken in id order (no deadlock between batches). */
  async lockProviders(db: Db, providerIds: readonly string[]): Promise<ProviderRow[]> {
    if (providerIds.length === 0) return []
    return db
      .select()
      .from(providers)
      .where(inArray(providers.providerId, [...providerIds]))
      .orderBy(asc(providers.providerId))
      .for('update')
  }

  async privilegesOfProviders(db: Db, providerIds: readonly string[]): Promise<PrivilegeRow[]> {
    if (providerIds.length === 0) return []
    return db
      .select()
      .from(privileges)
      .where(inArray(privileges.providerId, [...providerIds]))
  }

  async updateProvider(db: Db, providerId: string, values: Partial<ProviderInsert>): Promise<void> {
    await db.update(providers).set(values).where(eq(providers.providerId, providerId))
  }

  async licensesOfProvider(db: Db, providerId: string): Promise<LicenseRow[]> {
    return db.select().from(licenses).where(eq(licenses.providerId, providerId)).orderBy(asc(licenses.jurisdiction), asc(licenses.licenseType))
  }

  async licensesOfProviders(db: Db, providerIds: readonly string[]): Promise<LicenseRow[]> {
    if (providerIds.length === 0) return []
    return db
      .select()
      .from(licenses)
      .where(inArray(licenses.providerId, [...providerIds]))
  }

  async insertLicense(db: Db, values: LicenseInsert): Promise<LicenseRow> {
    const [row] = await db.insert(licenses).values(values).returning()
    return row!
  }

  async updateLicense(db: Db, id: number, values: Partial<LicenseInsert>): Promise<void> {
    await db.update(licenses).set(values).where(eq(licenses.id, id))
  }

  async privilegesOfProvider(db: Db, providerId: string): Promise<PrivilegeRow[]> {
    return db.select().from(privileges).where(eq(privileges.providerId, providerId)).orderBy(asc(privileges.jurisdiction), asc(privileges.licenseType))
  }

  async insertPrivilege(db: Db, values: PrivilegeInsert): Promise<PrivilegeRow> {
    const [row] = await db.insert(privileges).values(values).returning()
    return row!
  }

  async updatePrivilege(db: Db, id: number, values: Partial<PrivilegeInsert>): Promise<void> {
    await db.update(privileges).set(values).where(eq(privileges.id, id))
  }

  async insertUpdateRecord(db: Db, values: UpdateRecordInsert): Promise<void> {
    await db.insert(updateRecords).values(values)
  }

  async updateRecordsOf(db: Db, providerId: string, recordType?: 'license' | 'privilege' | 'provider'): Promise<UpdateRecordRow[]> {
    return db
      .select()
      .from(updateRecords)
      .where(recordType ? and(eq(updateRecords.providerId, providerId), eq(updateRecords.recordType, recordType)) : eq(updateRecords.providerId, providerId))
      .orderBy(asc(updateRecords.effectiveDate), asc(updateRecords.id))
  }

  async insertAdverseAction(db: Db, values: AdverseActionInsert): Promise<void> {
    await db.insert(adverseActions).values(values)
  }

  async adverseActionsOfProvider(db: Db, providerId: string): Promise<AdverseActionRow[]> {
    return db.select().from(adverseActions).where(eq(adverseActions.providerId, providerId)).orderBy(asc(adverseActions.creationDate))
  }

  async investigationsOfProvider(db: Db, providerId: string): Promise<InvestigationRow[]> {
    return db.select().from(investigations).where(eq(investigations.providerId, providerId)).orderBy(asc(investigations.creationDate))
  }

  async insertMilitaryAffiliation(db: Db, values: MilitaryAffiliationInsert): Promise<void> {
    await db.insert(militaryAffiliations).values(values)
  }

  async militaryAffiliationsOfProvider(db: Db, providerId: string): Promise<MilitaryAffiliationRow[]> {
    return db.select().from(militaryAffiliations).where(eq(militaryAffiliations.providerId, providerId)).orderBy(asc(militaryAffiliations.dateOfUpload))
  }

  /** Sets a compact's privilege counter (seeds); purchases use `nextPrivilegeNumber`. */
  async setPrivilegeCount(db: Db, compact: string, count: number): Promise<void> {
    await db
      .insert(privilegeCounters)
      .values({ compact, privilegeCount: count })
      .onConflictDoUpdate({ target: privilegeCounters.compact, set: { privilegeCount: count } })
  }

  /** The compact-wide atomic privilege counter (§4.6 step 10): gaps allowed, never repeats. */
  async nextPrivilegeNumber(db: Db, compact: string): Promise<number> {
    const [row] = await db
      .insert(privilegeCounters)
      .values({ compact, privilegeCount: 1 })
      .onConflictDoUpdate({ target: privilegeCounters.compact, set: { privilegeCount: sql`${privilegeCounters.privilegeCount} + 1` } })
      .returning({ count: privilegeCounters.privilegeCount })
    return row!.count
  }
}
