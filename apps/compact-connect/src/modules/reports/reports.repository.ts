import { and, asc, count, eq, gte, inArray, isNotNull, lt, ne, or, isNull, type Db } from '@hearth/kernel'
import { compactConfigurations, dataEvents, jurisdictionConfigurations, licenseUploads, privileges, providers, transactionHistory } from '../../db/schema.ts'
import type { Window } from './report-rules.ts'

/** The reads of the §5 scheduled jobs: configuration, data events, settled history, expiring privileges. */
export class ReportsRepository {
  async compacts(db: Db) {
    return db.select({ compact: compactConfigurations.compact, configuredStates: compactConfigurations.configuredStates }).from(compactConfigurations).orderBy(asc(compactConfigurations.compact))
  }

  async configuredJurisdictions(db: Db) {
    return db
      .select({ compact: jurisdictionConfigurations.compact, jurisdiction: jurisdictionConfigurations.jurisdiction })
      .from(jurisdictionConfigurations)
      .orderBy(asc(jurisdictionConfigurations.compact), asc(jurisdictionConfigurations.jurisdiction))
  }

  /** Data events of one jurisdiction in a window, counted by type. */
  async eventCounts(db: Db, compact: string, jurisdiction: string, window: Window): Promise<Map<string, number>> {
    const rows = await db
      .select({ eventType: dataEvents.eventType, total: count() })
      .from(dataEvents)
      .where(and(eq(dataEvents.compact, compact), eq(dataEvents.jurisdiction, jurisdiction), gte(dataEvents.eventTime, window.start), lt(dataEvents.eventTime, window.end)))
      .groupBy(dataEvents.eventType)
    return new Map(rows.map((row) => [row.eventType, Number(row.total)]))
  }

  /** The first `limit` validation errors and ingest failures of a window (their error texts, never the record's data). */
  async errorEvents(db: Db, compact: string, jurisdiction: string, window: Window, limit: number) {
    return db
      .select({ eventType: dataEvents.eventType, eventTime: dataEvents.eventTime, detail: dataEvents.detail })
      .from(dataEvents)
      .where(
        and(
          eq(dataEvents.compact, compact),
          eq(dataEvents.jurisdiction, jurisdiction),
          inArray(dataEvents.eventType, ['license.validation-error', 'license.ingest-failure']),
          gte(dataEvents.eventTime, window.start),
          lt(dataEvents.eventTime, window.end),
        ),
      )
      .orderBy(asc(dataEvents.eventTime), asc(dataEvents.id))
      .limit(limit)
  }

  /** CSV uploads received for a jurisdiction in a window. */
  async uploadCount(db: Db, compact: string, jurisdiction: string, window: Window): Promise<number> {
    const [row] = await db
      .select({ total: count() })
      .from(licenseUploads)
      .where(and(eq(licenseUploads.compact, compact), eq(licenseUploads.jurisdiction, jurisdiction), gte(licenseUploads.createdAt, window.start), lt(licenseUploads.createdAt, window.end)))
    return Number(row?.total ?? 0)
  }

  async settledHistory(db: Db, compact: string, window: Window) {
    return db
      .select()
      .from(transactionHistory)
      .where(and(eq(transactionHistory.compact, compact), gte(transactionHistory.settlementTime, window.start), lt(transactionHistory.settlementTime, window.end)))
      .orderBy(asc(transactionHistory.settlementTime), asc(transactionHistory.transactionId))
  }

  /** Active (administrator status active, not encumbered) privileges expiring on `date`, with the holder's registered e-mail. */
  async privilegesExpiringOn(db: Db, date: string) {
    return db
      .select({
        compact: privileges.compact,
        providerId: privileges.providerId,
        jurisdiction: privileges.jurisdiction,
        licenseType: privileges.licenseType,
        privilegeId: privileges.privilegeId,
        givenName: providers.givenName,
        email: providers.compactConnectRegisteredEmailAddress,
      })
      .from(privileges)
      .innerJoin(providers, eq(providers.providerId, privileges.providerId))
      .where(
        and(
          eq(privileges.dateOfExpiration, date),
          eq(privileges.administratorSetStatus, 'active'),
          or(isNull(privileges.encumberedStatus), ne(privileges.encumberedStatus, 'encumbered')),
          isNotNull(providers.compactConnectRegisteredEmailAddress),
        ),
      )
      .orderBy(asc(privileges.compact), asc(privileges.providerId), asc(privileges.jurisdiction))
  }
}
