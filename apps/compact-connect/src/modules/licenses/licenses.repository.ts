import { getTableColumns } from 'drizzle-orm'
import { and, asc, defineStatement, eq, inArray, runStatement, sql, type Db } from '@hearth/kernel'
import { adverseActions, investigations, licenses, militaryAffiliations, privilegeCounters, privileges, providers, updateRecords } from '../../db/schema.ts'
import { LICENSE_DIFF_FIELDS } from './licenses.types.ts'

// ---- cc-ingest: set-based ingest statements. One statement per batch; the rows travel as one JSON parameter,
// `JSON.stringify` of the rows as they are (TypeScript field names, Dates as ISO strings, undefined fields left out),
// and `json_to_recordset` types each field by the table's own column (renaming every row into snake_case objects
// first cost more Node CPU than the statement it fed: profile of a 20,000-row CSV ingest).
type AnyTable = Parameters<typeof getTableColumns>[0]
/** The rows of one JSON parameter as a typed recordset `r` with the given fields of `table` (`r."providerId"` …). */
export function recordsetOf(table: AnyTable, fields: readonly string[], parameter = '$1'): { from: string; columns: string; values: string } {
  const columns = getTableColumns(table) as Record<string, { name: string; getSQLType(): string }>
  const typeOf = (field: string) => {
    const column = columns[field]
    if (!column) throw new Error(`recordsetOf: no column for field ${field}`)
    const type = column.getSQLType()
    return type === 'bigserial' ? 'bigint' : type === 'serial' ? 'integer' : type
  }
  return {
    from: `json_to_recordset(${parameter}::json) AS r(${fields.map((field) => `"${field}" ${typeOf(field)}`).join(', ')})`,
    columns: fields.map((field) => columns[field]!.name).join(', '),
    values: fields.map((field) => `r."${field}"`).join(', '),
  }
}
/** Rows → the JSON parameter of a `recordsetOf` statement. */
export const jsonRows = (rows: readonly object[]): string => JSON.stringify(rows)
/**
 * A row for a `recordsetOf` statement: its timestamps may be ISO strings already. A batch stamps every row with the
 * same moment, so it formats that moment once; `JSON.stringify` of a `Date` calls its `toJSON` for every row and
 * leaves the serialiser's fast path (a third of the cost of the licenses' JSON).
 */
export type RecordsetRow<T> = { [Field in keyof T]: Date extends T[Field] ? T[Field] | string : T[Field] }

const PROJECTION_FIELDS = [
  'licenseJurisdiction',
  'jurisdictionUploadedLicenseStatus',
  'jurisdictionUploadedCompactEligibility',
  'ssnLastFour',
  'npi',
  'givenName',
  'middleName',
  'familyName',
  'suffix',
  'dateOfExpiration',
  'dateOfBirth',
  'birthMonthDay',
  'providerFamGivMid',
]
const newProviders = recordsetOf(providers, ['providerId', 'compact', ...PROJECTION_FIELDS, 'providerDateOfUpdate', 'dateOfUpdate'])
const INSERT_PROVIDERS = defineStatement(
  'cc_ingest_insert_providers',
  `INSERT INTO providers (${newProviders.columns}, privilege_jurisdictions, current_home_jurisdiction)
   SELECT ${newProviders.values}, '{}'::text[], 'unknown' FROM ${newProviders.from} ORDER BY r."providerId"
   ON CONFLICT (provider_id) DO NOTHING
   RETURNING provider_id::text AS provider_id`,
)
const projectionFields = [...PROJECTION_FIELDS, 'privilegeJurisdictions', 'providerDateOfUpdate', 'dateOfUpdate']
const projections = recordsetOf(providers, ['providerId', ...projectionFields])
const UPDATE_PROJECTIONS = defineStatement(
  'cc_ingest_update_projections',
  `UPDATE providers p SET ${projectionFields.map((field) => `${getTableColumns(providers)[field as keyof typeof providers.$inferSelect]!.name} = r."${field}"`).join(', ')}
     FROM ${projections.from} WHERE p.provider_id = r."providerId"`,
)
/** What an upload writes on a license: the fields the ingest diff compares, and when. */
const LICENSE_UPLOAD_FIELDS = [...LICENSE_DIFF_FIELDS, 'dateOfUpdate'] as const
const newLicenses = recordsetOf(licenses, ['providerId', 'compact', 'jurisdiction', 'licenseType', 'firstUploadDate', ...LICENSE_UPLOAD_FIELDS])
const INSERT_LICENSES = defineStatement('cc_ingest_insert_licenses', `INSERT INTO licenses (${newLicenses.columns}) SELECT ${newLicenses.values} FROM ${newLicenses.from}`)
const changedLicenses = recordsetOf(licenses, ['id', ...LICENSE_UPLOAD_FIELDS])
const UPDATE_LICENSES = defineStatement(
  'cc_ingest_update_licenses',
  `UPDATE licenses l SET ${LICENSE_UPLOAD_FIELDS.map((field) => `${getTableColumns(licenses)[field as keyof typeof licenses.$inferSelect]!.name} = r."${field}"`).join(', ')}
     FROM ${changedLicenses.from} WHERE l.id = r.id`,
)
const newUpdates = recordsetOf(updateRecords, [
  'recordType',
  'providerId',
  'compact',
  'jurisdiction',
  'licenseType',
  'updateType',
  'previous',
  'updatedValues',
  'removedValues',
  'createDate',
  'effectiveDate',
  'dateOfUpdate',
])
const INSERT_UPDATE_RECORDS = defineStatement('cc_ingest_insert_update_records', `INSERT INTO update_records (${newUpdates.columns}) SELECT ${newUpdates.values} FROM ${newUpdates.from}`)
// ---- end cc-ingest statements

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

  /**
   * Inserts the providers that do not exist yet, in id order (concurrent batches take the key locks in one order),
   * with the projection fields, empty privileges and an unknown home jurisdiction; returns the ids inserted here.
   */
  async insertProvidersIfMissing(db: Db, values: readonly RecordsetRow<ProviderInsert>[]): Promise<Set<string>> {
    if (values.length === 0) return new Set()
    const inserted = await runStatement<{ provider_id: string }>(db, INSERT_PROVIDERS, [jsonRows(values)])
    return new Set(inserted.map((row) => row.provider_id))
  }

  /** Rewrites the best-license projection (and privilege jurisdictions, update dates) of several providers at once. */
  async updateProjections(db: Db, values: readonly (Partial<RecordsetRow<ProviderInsert>> & { providerId: string })[]): Promise<void> {
    if (values.length === 0) return
    await runStatement(db, UPDATE_PROJECTIONS, [jsonRows(values)])
  }

  async insertLicenses(db: Db, values: readonly RecordsetRow<LicenseInsert>[]): Promise<void> {
    if (values.length === 0) return
    await runStatement(db, INSERT_LICENSES, [jsonRows(values)])
  }

  /** Writes the uploaded fields of several existing licenses at once (by id). */
  async updateLicenses(db: Db, values: readonly (Partial<RecordsetRow<LicenseInsert>> & { id: number })[]): Promise<void> {
    if (values.length === 0) return
    await runStatement(db, UPDATE_LICENSES, [jsonRows(values)])
  }

  async insertUpdateRecords(db: Db, values: readonly RecordsetRow<UpdateRecordInsert>[]): Promise<void> {
    if (values.length === 0) return
    await runStatement(db, INSERT_UPDATE_RECORDS, [jsonRows(values)])
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
