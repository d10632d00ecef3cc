import { and, asc, defineStatement, eq, inArray, runStatement, sql, type Db } from '@hearth/kernel'
import { adverseActions, investigations, licenses, militaryAffiliations, privilegeCounters, privileges, providers, updateRecords } from '../../db/schema.ts'

// ---- cc-ingest: set-based ingest statements. One statement per batch; the rows travel as one JSON parameter
// (column names in snake_case) and `json_populate_recordset(null::<table>, …)` types them by the table itself.
const columnNames = new Map<string, string>()
const snake = (key: string) => {
  let name = columnNames.get(key)
  if (name === undefined) columnNames.set(key, (name = key.replace(/[A-Z]/g, (char) => `_${char.toLowerCase()}`)))
  return name
}
/** Rows → one JSON array with the table's column names (Dates as ISO strings); nested jsonb values keep their keys. */
export function jsonRows(rows: readonly object[]): string {
  const renamed = rows.map((row) => {
    const out: Record<string, unknown> = {}
    for (const key in row) out[snake(key)] = (row as Record<string, unknown>)[key]
    return out
  })
  return JSON.stringify(renamed)
}

const PROJECTION_COLUMNS = [
  'license_jurisdiction',
  'jurisdiction_uploaded_license_status',
  'jurisdiction_uploaded_compact_eligibility',
  'ssn_last_four',
  'npi',
  'given_name',
  'middle_name',
  'family_name',
  'suffix',
  'date_of_expiration',
  'date_of_birth',
  'birth_month_day',
  'provider_fam_giv_mid',
]
const INSERT_PROVIDERS = defineStatement(
  'cc_ingest_insert_providers',
  `INSERT INTO providers (provider_id, compact, ${PROJECTION_COLUMNS.join(', ')}, privilege_jurisdictions, current_home_jurisdiction, provider_date_of_update, date_of_update)
   SELECT provider_id, compact, ${PROJECTION_COLUMNS.join(', ')}, '{}'::text[], 'unknown', provider_date_of_update, date_of_update
     FROM json_populate_recordset(null::providers, $1::json) ORDER BY provider_id
   ON CONFLICT (provider_id) DO NOTHING
   RETURNING provider_id::text AS provider_id`,
)
const UPDATE_PROJECTIONS = defineStatement(
  'cc_ingest_update_projections',
  `UPDATE providers p SET ${[...PROJECTION_COLUMNS, 'privilege_jurisdictions', 'provider_date_of_update', 'date_of_update'].map((column) => `${column} = r.${column}`).join(', ')}
     FROM json_populate_recordset(null::providers, $1::json) r WHERE p.provider_id = r.provider_id`,
)
const LICENSE_UPLOAD_COLUMNS = [
  'license_number',
  'npi',
  'ssn_last_four',
  'given_name',
  'middle_name',
  'family_name',
  'suffix',
  'date_of_issuance',
  'date_of_renewal',
  'date_of_expiration',
  'date_of_birth',
  'home_address_street1',
  'home_address_street2',
  'home_address_city',
  'home_address_state',
  'home_address_postal_code',
  'email_address',
  'phone_number',
  'license_status_name',
  'jurisdiction_uploaded_license_status',
  'jurisdiction_uploaded_compact_eligibility',
  'date_of_update',
]
const INSERT_LICENSES = defineStatement(
  'cc_ingest_insert_licenses',
  `INSERT INTO licenses (provider_id, compact, jurisdiction, license_type, first_upload_date, ${LICENSE_UPLOAD_COLUMNS.join(', ')})
   SELECT provider_id, compact, jurisdiction, license_type, first_upload_date, ${LICENSE_UPLOAD_COLUMNS.join(', ')}
     FROM json_populate_recordset(null::licenses, $1::json)`,
)
const UPDATE_LICENSES = defineStatement(
  'cc_ingest_update_licenses',
  `UPDATE licenses l SET ${LICENSE_UPLOAD_COLUMNS.map((column) => `${column} = r.${column}`).join(', ')}
     FROM json_populate_recordset(null::licenses, $1::json) r WHERE l.id = r.id`,
)
const INSERT_UPDATE_RECORDS = defineStatement(
  'cc_ingest_insert_update_records',
  `INSERT INTO update_records (record_type, provider_id, compact, jurisdiction, license_type, update_type, previous, updated_values, removed_values, create_date, effective_date, date_of_update)
   SELECT record_type, provider_id, compact, jurisdiction, license_type, update_type, previous, updated_values, removed_values, create_date, effective_date, date_of_update
     FROM json_populate_recordset(null::update_records, $1::json)`,
)
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
  async insertProvidersIfMissing(db: Db, values: readonly ProviderInsert[]): Promise<Set<string>> {
    if (values.length === 0) return new Set()
    const inserted = await runStatement<{ provider_id: string }>(db, INSERT_PROVIDERS, [jsonRows(values)])
    return new Set(inserted.map((row) => row.provider_id))
  }

  /** Rewrites the best-license projection (and privilege jurisdictions, update dates) of several providers at once. */
  async updateProjections(db: Db, values: readonly (Partial<ProviderInsert> & { providerId: string })[]): Promise<void> {
    if (values.length === 0) return
    await runStatement(db, UPDATE_PROJECTIONS, [jsonRows(values)])
  }

  async insertLicenses(db: Db, values: readonly LicenseInsert[]): Promise<void> {
    if (values.length === 0) return
    await runStatement(db, INSERT_LICENSES, [jsonRows(values)])
  }

  /** Writes the uploaded fields of several existing licenses at once (by id). */
  async updateLicenses(db: Db, values: readonly (Partial<LicenseInsert> & { id: number })[]): Promise<void> {
    if (values.length === 0) return
    await runStatement(db, UPDATE_LICENSES, [jsonRows(values)])
  }

  async insertUpdateRecords(db: Db, values: readonly UpdateRecordInsert[]): Promise<void> {
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
