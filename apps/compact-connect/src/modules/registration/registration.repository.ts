import { and, eq, sql, type Db } from '@hearth/kernel'
import { licenses, providers, updateRecords } from '../../db/schema.ts'

export type MatchedLicense = typeof licenses.$inferSelect
export type ProviderRow = typeof providers.$inferSelect

/** Registration's reads and writes (§4.4): the license name index and the provider's registration fields. */
export class RegistrationRepository {
  /** Licenses matching the registrant exactly: compact, jurisdiction, names (case-insensitive), last four, DOB, type. */
  async matchingLicenses(
    db: Db,
    match: { compact: string; jurisdiction: string; givenName: string; familyName: string; ssnLastFour: string; dateOfBirth: string; licenseType: string },
  ): Promise<MatchedLicense[]> {
    return db
      .select()
      .from(licenses)
      .where(
        and(
          eq(licenses.compact, match.compact),
          eq(licenses.jurisdiction, match.jurisdiction),
          sql`lower(${licenses.familyName}) = lower(${match.familyName})`,
          sql`lower(${licenses.givenName}) = lower(${match.givenName})`,
          eq(licenses.ssnLastFour, match.ssnLastFour),
          eq(licenses.dateOfBirth, match.dateOfBirth),
          eq(licenses.licenseType, match.licenseType),
        ),
      )
      .limit(2)
  }

  async lockProvider(db: Db, providerId: string): Promise<ProviderRow | undefined> {
    const [row] = await db.select().from(providers).where(eq(providers.providerId, providerId)).for('update')
    return row
  }

  async updateProvider(db: Db, providerId: string, values: Partial<typeof providers.$inferInsert>): Promise<void> {
    await db.update(providers).set(values).where(eq(providers.providerId, providerId))
  }

  async insertProviderUpdate(db: Db, values: typeof updateRecords.$inferInsert): Promise<void> {
    await db.insert(updateRecords).values(values)
  }
}
