import { and, asc, eq, inArray, lt, sql, type Db } from '@hearth/kernel'
import type { SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { adverseActions, investigations, licenses, militaryAffiliations, privilegeExports, privileges, providers, updateRecords } from '../../db/schema.ts'
import type { LicenseRow, PrivilegeRow, ProviderBundle, ProviderRow } from '../providers/providers.repository.ts'

/** The providers table under the alias the query translator writes its conditions against. */
const pr = alias(providers, 'pr')

export interface SearchPage {
  compact: string
  where: SQL
  after?: SQL
  order: SQL
  offset: number
  limit: number
}

export type PrivilegeExportRow = typeof privilegeExports.$inferSelect

/** The search API's SQL (§2.8): a translated condition over one compact's providers, and batch loads of their records. */
export class SearchRepository {
  /** One page of matching providers in the requested order. */
  async page(db: Db, page: SearchPage): Promise<ProviderRow[]> {
    const conditions = [eq(pr.compact, page.compact), page.where, page.after].filter((condition): condition is SQL => condition !== undefined)
    return (await db
      .select()
      .from(pr)
      .where(and(...conditions))
      .orderBy(page.order)
      .limit(page.limit)
      .offset(page.offset)) as ProviderRow[]
  }

  /** How many providers match, counting no further than `cap` (OpenSearch's `track_total_hits`). */
  async count(db: Db, compact: string, where: SQL, cap: number): Promise<number> {
    const inner = db
      .select({ one: sql`1` })
      .from(pr)
      .where(and(eq(pr.compact, compact), where))
      .limit(cap)
    const [row] = await db.select({ total: sql<number>`count(*)::int` }).from(inner.as('matches'))
    return Number(row?.total ?? 0)
  }

  /** Ids of every matching provider (the export: at most `limit`), in provider id order. */
  async matchingIds(db: Db, compact: string, where: SQL, limit: number): Promise<string[]> {
    const rows = await db
      .select({ providerId: pr.providerId })
      .from(pr)
      .where(and(eq(pr.compact, compact), where))
      .orderBy(pr.providerId)
      .limit(limit)
    return rows.map((row) => row.providerId)
  }

  /** The records of many providers in six statements, keyed by provider id, in the page's order. */
  async bundles(db: Db, rows: readonly ProviderRow[]): Promise<ProviderBundle[]> {
    if (rows.length === 0) return []
    const ids = rows.map((row) => row.providerId)
    const [licenseRows, privilegeRows, actionRows, investigationRows, militaryRows, updateRows] = await Promise.all([
      db.select().from(licenses).where(inArray(licenses.providerId, ids)).orderBy(asc(licenses.jurisdiction), asc(licenses.licenseType)),
      db.select().from(privileges).where(inArray(privileges.providerId, ids)).orderBy(asc(privileges.jurisdiction), asc(privileges.licenseType)),
      db.select().from(adverseActions).where(inArray(adverseActions.providerId, ids)).orderBy(asc(adverseActions.creationDate)),
      db.select().from(investigations).where(inArray(investigations.providerId, ids)).orderBy(asc(investigations.creationDate)),
      db.select().from(militaryAffiliations).where(inArray(militaryAffiliations.providerId, ids)).orderBy(asc(militaryAffiliations.dateOfUpload)),
      db
        .select()
        .from(updateRecords)
        .where(and(inArray(updateRecords.providerId, ids), eq(updateRecords.recordType, 'privilege')))
        .orderBy(asc(updateRecords.effectiveDate), asc(updateRecords.id)),
    ])
    const of = <T extends { providerId: string }>(list: T[], id: string) => list.filter((item) => item.providerId === id)
    return rows.map((provider) => ({
      provider,
      licenses: of(licenseRows, provider.providerId),
      privileges: of(privilegeRows, provider.providerId),
      adverseActions: of(actionRows, provider.providerId),
      investigations: of(investigationRows, provider.providerId),
      militaryAffiliations: of(militaryRows, provider.providerId),
      privilegeUpdates: of(updateRows, provider.providerId),
    }))
  }

  // ---- export (§2.8) ----

  async providersByIds(db: Db, ids: readonly string[]): Promise<ProviderRow[]> {
    if (ids.length === 0) return []
    return db
      .select()
      .from(providers)
      .where(inArray(providers.providerId, [...ids]))
      .orderBy(asc(providers.providerId))
  }

  /** The providers' privileges; with `only`, just those the condition (on alias `p`) holds for (inner hits). */
  async privilegesOf(db: Db, ids: readonly string[], only?: SQL): Promise<PrivilegeRow[]> {
    if (ids.length === 0) return []
    const p = alias(privileges, 'p')
    return (await db
      .select()
      .from(p)
      .where(and(inArray(p.providerId, [...ids]), only))
      .orderBy(asc(p.providerId), asc(p.jurisdiction), asc(p.licenseType))) as PrivilegeRow[]
  }

  async licensesOf(db: Db, ids: readonly string[]): Promise<LicenseRow[]> {
    if (ids.length === 0) return []
    return db
      .select()
      .from(licenses)
      .where(inArray(licenses.providerId, [...ids]))
  }

  /** True when any matching provider holds a privilege (the condition on `p` limits which, for inner hits). */
  async anyPrivilege(db: Db, compact: string, where: SQL, only?: SQL): Promise<boolean> {
    const p = alias(privileges, 'p')
    const rows = await db
      .select({ one: sql`1` })
      .from(pr)
      .innerJoin(p, eq(p.providerId, pr.providerId))
      .where(
        and(
          eq(pr.compact, compact),
          where,
          only,
          // exported only with its home license, as the original flattens them
          sql`EXISTS (SELECT 1 FROM licenses hl WHERE hl.provider_id = p.provider_id AND hl.jurisdiction = p.license_jurisdiction AND hl.license_type = p.license_type)`,
        ),
      )
      .limit(1)
    return rows.length > 0
  }

  async createExport(db: Db, row: PrivilegeExportRow): Promise<void> {
    await db.insert(privilegeExports).values(row)
    await db.delete(privilegeExports).where(lt(privilegeExports.expiresAt, new Date(row.createdAt.getTime() - 60 * 60 * 1000)))
  }

  async export(db: Db, token: string): Promise<PrivilegeExportRow | undefined> {
    const [row] = await db.select().from(privilegeExports).where(eq(privilegeExports.token, token))
    return row
  }
}
