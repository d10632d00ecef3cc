import { and, asc, desc, eq, gt, inArray, lt, or, sql, type Db } from '@hearth/kernel'
import type { SQL } from 'drizzle-orm'
import { adverseActions, investigations, licenses, militaryAffiliations, privileges, providers, systemFlags, updateRecords } from '../../db/schema.ts'

export type ProviderRow = typeof providers.$inferSelect
export type LicenseRow = typeof licenses.$inferSelect
export type PrivilegeRow = typeof privileges.$inferSelect
export type AdverseActionRow = typeof adverseActions.$inferSelect
export type InvestigationRow = typeof investigations.$inferSelect
export type MilitaryAffiliationRow = typeof militaryAffiliations.$inferSelect
export type UpdateRecordRow = typeof updateRecords.$inferSelect

/** Everything of one provider partition that a read shows. */
export interface ProviderBundle {
  provider: ProviderRow
  licenses: LicenseRow[]
  privileges: PrivilegeRow[]
  adverseActions: AdverseActionRow[]
  investigations: InvestigationRow[]
  militaryAffiliations: MilitaryAffiliationRow[]
  privilegeUpdates: UpdateRecordRow[]
}

export type SortKey = 'familyName' | 'dateOfUpdate'
export type Direction = 'ascending' | 'descending'

export interface ProviderQuery {
  compact: string
  providerId?: string
  jurisdiction?: string
  givenName?: string
  familyName?: string
  sortKey: SortKey
  direction: Direction
  /** Position after which the page starts (decoded `lastKey`). */
  after?: { sortValue: string; providerId: string }
  limit: number
  /** cc-search: the public lookup lists only providers holding at least one privilege (§2.1). */
  withPrivileges?: boolean
}

const likePrefix = (value: string) => `${value.toLowerCase().replace(/[\\%_]/g, (match) => `\\${match}`)}%`

/** Provider reads (§2.6, §4.12) over the tables CC-A's ingest writes. */
export class ProvidersRepository {
  async provider(db: Db, compact: string, providerId: string): Promise<ProviderRow | undefined> {
    const [row] = await db
      .select()
      .from(providers)
      .where(and(eq(providers.compact, compact), eq(providers.providerId, providerId)))
    return row
  }

  async bundle(db: Db, compact: string, providerId: string): Promise<ProviderBundle | undefined> {
    const provider = await this.provider(db, compact, providerId)
    if (!provider) return undefined
    const [licenseRows, privilegeRows, actionRows, investigationRows, militaryRows, updateRows] = await Promise.all([
      db.select().from(licenses).where(eq(licenses.providerId, providerId)).orderBy(asc(licenses.jurisdiction), asc(licenses.licenseType)),
      db.select().from(privileges).where(eq(privileges.providerId, providerId)).orderBy(asc(privileges.jurisdiction), asc(privileges.licenseType)),
      db.select().from(adverseActions).where(eq(adverseActions.providerId, providerId)).orderBy(asc(adverseActions.creationDate)),
      db.select().from(investigations).where(eq(investigations.providerId, providerId)).orderBy(asc(investigations.creationDate)),
      db.select().from(militaryAffiliations).where(eq(militaryAffiliations.providerId, providerId)).orderBy(asc(militaryAffiliations.dateOfUpload)),
      db
        .select()
        .from(updateRecords)
        .where(and(eq(updateRecords.providerId, providerId), eq(updateRecords.recordType, 'privilege')))
        .orderBy(asc(updateRecords.effectiveDate), asc(updateRecords.id)),
    ])
    return {
      provider,
      licenses: licenseRows,
      privileges: privilegeRows,
      adverseActions: actionRows,
      investigations: investigationRows,
      militaryAffiliations: militaryRows,
      privilegeUpdates: updateRows,
    }
  }

  /** One page of a compact's providers, filtered and sorted as §2.1/§2.6 say; `limit` rows at most. */
  async query(db: Db, query: ProviderQuery): Promise<ProviderRow[]> {
    const conditions: (SQL | undefined)[] = [eq(providers.compact, query.compact)]
    if (query.providerId !== undefined) conditions.push(eq(providers.providerId, query.providerId))
    if (query.familyName !== undefined) conditions.push(sql`lower(${providers.familyName}) LIKE ${likePrefix(query.familyName)}`)
    if (query.givenName !== undefined) conditions.push(sql`lower(${providers.givenName}) LIKE ${likePrefix(query.givenName)}`)
    if (query.withPrivileges) conditions.push(sql`cardinality(${providers.privilegeJurisdictions}) > 0`) // cc-search
    if (query.jurisdiction !== undefined) {
      conditions.push(or(eq(providers.licenseJurisdiction, query.jurisdiction), sql`${query.jurisdiction} = ANY(${providers.privilegeJurisdictions})`))
    }
    const sortColumn = query.sortKey === 'familyName' ? providers.providerFamGivMid : sql`to_char(${providers.providerDateOfUpdate} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`
    const ascending = query.direction === 'ascending'
    if (query.after) {
      const { sortValue, providerId } = query.after
      const beyond = ascending ? gt : lt
      conditions.push(or(beyond(sortColumn as never, sortValue), and(eq(sortColumn as never, sortValue), beyond(providers.providerId, providerId))))
    }
    return db
      .select()
      .from(providers)
      .where(and(...conditions))
      .orderBy(ascending ? asc(sortColumn) : desc(sortColumn), ascending ? asc(providers.providerId) : desc(providers.providerId))
      .limit(query.limit)
  }

  /** The value a row sorts by, as the page key stores it. */
  sortValueOf(row: ProviderRow, key: SortKey): string {
    return key === 'familyName' ? row.providerFamGivMid : row.providerDateOfUpdate.toISOString().replace('Z', '').padEnd(26, '0')
  }

  async providersByIds(db: Db, ids: readonly string[]): Promise<ProviderRow[]> {
    if (ids.length === 0) return []
    return db
      .select()
      .from(providers)
      .where(inArray(providers.providerId, [...ids]))
  }

  // ---- the SSN endpoint's shut-off (§4.14, §9.9) ----

  async ssnShutOff(db: Db): Promise<boolean> {
    const [row] = await db.select().from(systemFlags).where(eq(systemFlags.name, SSN_SHUT_OFF))
    return row !== undefined
  }

  async setSsnShutOff(db: Db): Promise<void> {
    await db
      .insert(systemFlags)
      .values({ name: SSN_SHUT_OFF, value: { reason: 'global SSN read limit exceeded' } })
      .onConflictDoNothing()
  }
}

export const SSN_SHUT_OFF = 'ssn-endpoint-shut-off'
