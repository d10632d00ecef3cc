import { and, asc, eq, inArray, type Db } from '@hearth/kernel'
import { adverseActions, dataEvents, investigations, militaryAffiliations, militaryDocuments, staffUsers } from '../../db/schema.ts'

export type AdverseActionRow = typeof adverseActions.$inferSelect
export type InvestigationRow = typeof investigations.$inferSelect
export type InvestigationInsert = typeof investigations.$inferInsert
export type MilitaryAffiliationRow = typeof militaryAffiliations.$inferSelect
export type MilitaryDocumentRow = typeof militaryDocuments.$inferSelect
export type DataEventInsert = typeof dataEvents.$inferInsert

/**
 * The statements of encumbrances, investigations, privilege deactivation, the home-jurisdiction change and military
 * affiliations that part 1's `LicensesRepository` (providers, licenses, privileges, update records) does not have.
 */
export class EnforcementRepository {
  async liftAdverseAction(db: Db, adverseActionId: string, values: { effectiveLiftDate: string; liftingUser: string; dateOfUpdate: Date }): Promise<void> {
    await db.update(adverseActions).set(values).where(eq(adverseActions.adverseActionId, adverseActionId))
  }

  async insertInvestigation(db: Db, values: InvestigationInsert): Promise<void> {
    await db.insert(investigations).values(values)
  }

  async closeInvestigation(db: Db, investigationId: string, values: { closeDate: Date; closingUser: string; resultingEncumbranceId: string | null; dateOfUpdate: Date }): Promise<void> {
    await db.update(investigations).set(values).where(eq(investigations.investigationId, investigationId))
  }

  async setMilitaryStatuses(db: Db, ids: readonly number[], status: string, dateOfUpdate: Date): Promise<void> {
    if (ids.length === 0) return
    await db
      .update(militaryAffiliations)
      .set({ status, dateOfUpdate })
      .where(inArray(militaryAffiliations.id, [...ids]))
  }

  async insertMilitaryAffiliation(db: Db, values: typeof militaryAffiliations.$inferInsert): Promise<MilitaryAffiliationRow> {
    const [row] = await db.insert(militaryAffiliations).values(values).returning()
    return row!
  }

  async militaryAffiliations(db: Db, providerId: string): Promise<MilitaryAffiliationRow[]> {
    return db.select().from(militaryAffiliations).where(eq(militaryAffiliations.providerId, providerId)).orderBy(asc(militaryAffiliations.dateOfUpload), asc(militaryAffiliations.id))
  }

  /** Records a received document; false when that key was already uploaded (the form is single-use). */
  async insertMilitaryDocument(db: Db, values: MilitaryDocumentRow): Promise<boolean> {
    const inserted = await db.insert(militaryDocuments).values(values).onConflictDoNothing().returning({ key: militaryDocuments.documentKey })
    return inserted.length > 0
  }

  async recordMilitaryDocumentSize(db: Db, documentKey: string, sizeBytes: number): Promise<void> {
    await db.update(militaryDocuments).set({ sizeBytes }).where(eq(militaryDocuments.documentKey, documentKey))
  }

  async deleteMilitaryDocument(db: Db, documentKey: string): Promise<void> {
    await db.delete(militaryDocuments).where(eq(militaryDocuments.documentKey, documentKey))
  }

  async militaryDocument(db: Db, documentKey: string): Promise<MilitaryDocumentRow | undefined> {
    const [row] = await db.select().from(militaryDocuments).where(eq(militaryDocuments.documentKey, documentKey))
    return row
  }

  /** The staff user's names in one compact (the deactivating admin's full name, §4.7). */
  async staffUserNames(db: Db, userId: string, compact: string): Promise<{ givenName: string; familyName: string } | undefined> {
    const [row] = await db
      .select({ givenName: staffUsers.givenName, familyName: staffUsers.familyName })
      .from(staffUsers)
      .where(and(eq(staffUsers.userId, userId), eq(staffUsers.compact, compact)))
    return row
  }

  async insertDataEvents(db: Db, values: readonly DataEventInsert[]): Promise<void> {
    if (values.length === 0) return
    await db.insert(dataEvents).values([...values])
  }
}
