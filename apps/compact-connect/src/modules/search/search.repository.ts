import { and, asc, defineStatement, eq, inArray, lt, runStatement, sql, type Db } from '@hearth/kernel'
import type { SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { licenses, privilegeExports, privileges, providers } from '../../db/schema.ts'
import { providerDetailJson, type LicenseRow, type PrivilegeRow, type ProviderRow, type StoredProviderDetail } from '../providers/providers.repository.ts'

/** The search hits' records, by provider id (`$1`: uuid[]). */
const HIT_DOCUMENTS = defineStatement(
  'cc_search_hit_documents',
  `SELECT pr.provider_id::text AS provider_id, ${providerDetailJson('pr')} AS document FROM providers pr WHERE pr.provider_id = ANY($1::uuid[])`,
)

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

/** A search hit: its record as PostgreSQL built it and the provider's sort fields. */
export type SearchHit = { document: StoredProviderDetail } & Pick<ProviderRow, 'familyName' | 'givenName' | 'providerId' | 'dateOfExpiration' | 'dateOfUpdate'>

export type PrivilegeExportRow = typeof privilegeExports.$inferSelect

/** The search API's SQL (§2.8): a translated condition over one compact's providers, and batch loads of their records. */
export class SearchRepository {
  /**
   * One page of matching providers in the requested order, each with its record as PostgreSQL builds it
   * (`providerDetailJson`: licenses, privileges and military affiliations). Two statements: the page (its text
   * depends on the query, so it is planned each time, and it is small) and the records of the page's providers, one
   * named prepared statement for every search, planned once per connection: planning the records' subqueries
   * took longer than building 25 records (EXPLAIN: 6–11 ms against about 3 ms on the loaded machine).
   */
  async page(db: Db, page: SearchPage): Promise<SearchHit[]> {
    const conditions = [eq(pr.compact, page.compact), page.where, page.after].filter((condition): condition is SQL => condition !== undefined)
    const rows = await db
      .select({ familyName: pr.familyName, givenName: pr.givenName, providerId: pr.providerId, dateOfExpiration: pr.dateOfExpiration, dateOfUpdate: pr.dateOfUpdate })
      .from(pr)
      .where(and(...conditions))
      .orderBy(page.order)
      .limit(page.limit)
      .offset(page.offset)
    if (rows.length === 0) return []
    const documents = await runStatement<{ provider_id: string; document: StoredProviderDetail }>(db, HIT_DOCUMENTS, [rows.map((row) => row.providerId)])
    const documentOf = new Map(documents.map((row) => [row.provider_id, row.document]))
    return rows.map((row) => ({ ...row, document: documentOf.get(row.providerId)! }))
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
