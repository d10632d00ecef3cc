import { and, asc, desc, eq, gt, gte, lt, lte, or, sql, type Db } from '@hearth/kernel'
import type { SQL } from 'drizzle-orm'
import { licenses, privileges, providers } from '../../db/schema.ts'
import type { LicenseRow, PrivilegeRow, ProviderRow } from '../licenses/licenses.repository.ts'

/** The State API's reads (§2.7): providers with a privilege in one jurisdiction, by update time. */
export class StateApiRepository {
  /** Providers of `compact` holding a privilege in `jurisdiction` whose `providerDateOfUpdate` is in [start, end]. */
  async updatedProviders(
    db: Db,
    query: { compact: string; jurisdiction: string; start: Date; end: Date; ascending: boolean; after?: { at: Date; providerId: string }; limit: number },
  ): Promise<ProviderRow[]> {
    const conditions: (SQL | undefined)[] = [
      eq(providers.compact, query.compact),
      sql`${query.jurisdiction} = ANY(${providers.privilegeJurisdictions})`,
      gte(providers.providerDateOfUpdate, query.start),
      lte(providers.providerDateOfUpdate, query.end),
    ]
    if (query.after) {
      const beyond = query.ascending ? gt : lt
      conditions.push(or(beyond(providers.providerDateOfUpdate, query.after.at), and(eq(providers.providerDateOfUpdate, query.after.at), beyond(providers.providerId, query.after.providerId))))
    }
    const order = query.ascending ? asc : desc
    return db
      .select()
      .from(providers)
      .where(and(...conditions))
      .orderBy(order(providers.providerDateOfUpdate), order(providers.providerId))
      .limit(query.limit)
  }

  async provider(db: Db, compact: string, providerId: string): Promise<ProviderRow | undefined> {
    const [row] = await db
      .select()
      .from(providers)
      .where(and(eq(providers.compact, compact), eq(providers.providerId, providerId)))
    return row
  }

  async licensesOf(db: Db, providerId: string): Promise<LicenseRow[]> {
    return db.select().from(licenses).where(eq(licenses.providerId, providerId))
  }

  async privilegesOf(db: Db, providerId: string): Promise<PrivilegeRow[]> {
    return db.select().from(privileges).where(eq(privileges.providerId, providerId)).orderBy(asc(privileges.jurisdiction), asc(privileges.licenseType))
  }
}
