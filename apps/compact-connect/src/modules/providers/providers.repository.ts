import { and, asc, desc, eq, gt, gte, inArray, lt, or, sql, type Db } from '@hearth/kernel'
import type { SQL } from 'drizzle-orm'
import { providerFamGivMid } from '../../domain/ingest-rules.ts'
import type { PrivilegeUpdateForActiveSince } from '../../domain/status.ts'
import type { ProviderDetailView, ProviderSummaryView } from './providers.schemas.ts'
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

/**
 * The `provider_fam_giv_mid` range holding every name key whose family part starts with `prefix`: the key is the
 * URL-quoted lower-cased family name followed by `#`, and quoting is a prefix code, so a family name starting with
 * the prefix has a key starting with the quoted prefix. The keys are ASCII and the databases order text by code
 * point (`C` / `C.UTF-8`), so those keys are exactly `[quoted, quoted with its last character + 1)`: an index range
 * on `(compact, provider_fam_giv_mid)` instead of a walk of the compact's whole name order.
 */
export function familyNameKeyRange(prefix: string): { from: string; to: string } | undefined {
  const from = providerFamGivMid(prefix, '').split('#')[0]!
  if (from === '') return undefined
  return { from, to: from.slice(0, -1) + String.fromCharCode(from.charCodeAt(from.length - 1) + 1) }
}

/** A general-shape provider as PostgreSQL builds it, without the statuses calculated at read time (see providers.mappers.ts). */
export type StoredProviderSummary = Omit<ProviderSummaryView, 'licenseStatus' | 'compactEligibility'>

/** A general-shape provider with its records as PostgreSQL builds it (`providerDetailJson`), before the read-time statuses. */
export type StoredProviderDetail = StoredProviderSummary & {
  licenses: Omit<ProviderDetailView['licenses'][number], 'licenseStatus' | 'compactEligibility'>[]
  privileges: (Omit<ProviderDetailView['privileges'][number], 'status' | 'activeSince'> & { privilegeUpdates: PrivilegeUpdateForActiveSince[] })[]
  militaryAffiliations: ProviderDetailView['militaryAffiliations']
}

/** One row of the staff query: the provider's stored summary and what its page key is made of. */
export interface ProviderSummaryRow {
  summary: StoredProviderSummary
  providerId: string
  providerFamGivMid: string
  providerDateOfUpdate: Date
}

// ---- records as PostgreSQL builds them (the staff query, the search API) ----
// Each builds the record the mappers build (providers.mappers.ts) as `jsonb`, field for field: moments as
// `isoDateTime` writes them (whole seconds, `+00:00`), dates as `YYYY-MM-DD`, unset fields left out
// (`jsonb_strip_nulls` on each record's own fields only, before anything nested is added). What depends on the
// moment of the read (statuses, `activeSince`) is not built here: the mappers add it (`withReadTimeStatuses`).
// Key order is irrelevant: the response serializer writes fields in the schema's order.

/** `isoDateTime` in SQL: `YYYY-MM-DDTHH:MM:SS+00:00`, fractions cut off. */
const isoMoment = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')`

/** The provider's own general-shape fields (`toProviderSummary(row, 'general')` without the statuses) of table or alias `pr`. */
export function providerSummaryJson(pr: string): string {
  return `jsonb_strip_nulls(jsonb_build_object(
    'type', 'provider', 'providerId', ${pr}.provider_id, 'compact', ${pr}.compact, 'licenseJurisdiction', ${pr}.license_jurisdiction,
    'currentHomeJurisdiction', ${pr}.current_home_jurisdiction,
    'jurisdictionUploadedLicenseStatus', ${pr}.jurisdiction_uploaded_license_status,
    'jurisdictionUploadedCompactEligibility', ${pr}.jurisdiction_uploaded_compact_eligibility,
    'encumberedStatus', ${pr}.encumbered_status, 'npi', ${pr}.npi, 'givenName', ${pr}.given_name, 'middleName', ${pr}.middle_name,
    'familyName', ${pr}.family_name, 'suffix', ${pr}.suffix, 'dateOfExpiration', ${pr}.date_of_expiration,
    'compactConnectRegisteredEmailAddress', ${pr}.compact_connect_registered_email_address, 'militaryStatus', ${pr}.military_status,
    'privilegeJurisdictions', to_jsonb(ARRAY(SELECT j FROM unnest(${pr}.privilege_jurisdictions) AS j ORDER BY j COLLATE "C")),
    'birthMonthDay', ${pr}.birth_month_day, 'dateOfUpdate', ${isoMoment(`${pr}.date_of_update`)}))`
}

/** The adverse actions and open investigations of one license or privilege row `r` (`against`: license | privilege). */
function actionsAndInvestigationsJson(r: string, against: 'license' | 'privilege'): string {
  return `'adverseActions', (SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
      'type', 'adverseAction', 'adverseActionId', aa.adverse_action_id, 'compact', aa.compact, 'providerId', aa.provider_id,
      'jurisdiction', aa.jurisdiction, 'licenseType', aa.license_type, 'licenseTypeAbbreviation', aa.license_type_abbreviation,
      'actionAgainst', aa.action_against, 'encumbranceType', aa.encumbrance_type,
      'clinicalPrivilegeActionCategories', to_jsonb(aa.clinical_privilege_action_categories),
      'effectiveStartDate', aa.effective_start_date, 'submittingUser', aa.submitting_user, 'creationDate', ${isoMoment('aa.creation_date')},
      'effectiveLiftDate', aa.effective_lift_date, 'liftingUser', aa.lifting_user, 'dateOfUpdate', ${isoMoment('aa.date_of_update')}))
      ORDER BY aa.creation_date), '[]'::jsonb)
      FROM adverse_actions aa
      WHERE aa.provider_id = ${r}.provider_id AND aa.action_against = '${against}' AND aa.jurisdiction = ${r}.jurisdiction AND aa.license_type = ${r}.license_type),
    'investigations', (SELECT coalesce(jsonb_agg(jsonb_build_object(
      'type', 'investigation', 'investigationId', inv.investigation_id, 'compact', inv.compact, 'providerId', inv.provider_id,
      'jurisdiction', inv.jurisdiction, 'licenseType', inv.license_type, 'investigationAgainst', inv.investigation_against,
      'submittingUser', inv.submitting_user, 'creationDate', ${isoMoment('inv.creation_date')}, 'dateOfUpdate', ${isoMoment('inv.date_of_update')})
      ORDER BY inv.creation_date), '[]'::jsonb)
      FROM investigations inv
      WHERE inv.provider_id = ${r}.provider_id AND inv.close_date IS NULL AND inv.investigation_against = '${against}'
        AND inv.jurisdiction = ${r}.jurisdiction AND inv.license_type = ${r}.license_type)`
}

/**
 * The general-shape provider with licenses, privileges and military affiliations (`toProviderDetail(bundle, 'general')`
 * without what is calculated at read time) of alias `pr`. Each privilege carries its update records as
 * `privilegeUpdates` (`updateType`, `effectiveDate` to the millisecond, `updatedValues`) for `activeSince`.
 */
export function providerDetailJson(pr: string): string {
  return `${providerSummaryJson(pr)} || jsonb_build_object(
    'licenses', (SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
        'type', 'license-home', 'providerId', l.provider_id, 'compact', l.compact, 'jurisdiction', l.jurisdiction,
        'licenseType', l.license_type, 'licenseNumber', l.license_number, 'npi', l.npi, 'givenName', l.given_name,
        'middleName', l.middle_name, 'familyName', l.family_name, 'suffix', l.suffix, 'dateOfIssuance', l.date_of_issuance,
        'dateOfRenewal', l.date_of_renewal, 'dateOfExpiration', l.date_of_expiration, 'homeAddressStreet1', l.home_address_street1,
        'homeAddressStreet2', l.home_address_street2, 'homeAddressCity', l.home_address_city, 'homeAddressState', l.home_address_state,
        'homeAddressPostalCode', l.home_address_postal_code, 'emailAddress', l.email_address, 'phoneNumber', l.phone_number,
        'licenseStatusName', l.license_status_name, 'jurisdictionUploadedLicenseStatus', l.jurisdiction_uploaded_license_status,
        'jurisdictionUploadedCompactEligibility', l.jurisdiction_uploaded_compact_eligibility, 'encumberedStatus', l.encumbered_status,
        'investigationStatus', l.investigation_status, 'firstUploadDate', ${isoMoment('l.first_upload_date')},
        'dateOfUpdate', ${isoMoment('l.date_of_update')})) || jsonb_build_object(${actionsAndInvestigationsJson('l', 'license')})
        ORDER BY l.jurisdiction, l.license_type), '[]'::jsonb)
      FROM licenses l WHERE l.provider_id = ${pr}.provider_id),
    'privileges', (SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
        'type', 'privilege', 'providerId', p.provider_id, 'compact', p.compact, 'jurisdiction', p.jurisdiction,
        'licenseJurisdiction', p.license_jurisdiction, 'licenseType', p.license_type, 'dateOfIssuance', ${isoMoment('p.date_of_issuance')},
        'dateOfRenewal', ${isoMoment('p.date_of_renewal')}, 'dateOfExpiration', p.date_of_expiration,
        'compactTransactionId', p.compact_transaction_id, 'privilegeId', p.privilege_id, 'administratorSetStatus', p.administrator_set_status,
        'encumberedStatus', p.encumbered_status, 'investigationStatus', p.investigation_status,
        'homeJurisdictionChangeStatus', p.home_jurisdiction_change_status, 'licenseDeactivatedStatus', p.license_deactivated_status,
        'dateOfUpdate', ${isoMoment('p.date_of_update')})) || jsonb_build_object('attestations', p.attestations,
        ${actionsAndInvestigationsJson('p', 'privilege')},
        'privilegeUpdates', (SELECT coalesce(jsonb_agg(jsonb_build_object(
            'updateType', u.update_type, 'effectiveDate', to_char(u.effective_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'updatedValues', u.updated_values) ORDER BY u.effective_date, u.id), '[]'::jsonb)
          FROM update_records u
          WHERE u.provider_id = p.provider_id AND u.record_type = 'privilege' AND u.jurisdiction = p.jurisdiction AND u.license_type = p.license_type))
        ORDER BY p.jurisdiction, p.license_type), '[]'::jsonb)
      FROM privileges p WHERE p.provider_id = ${pr}.provider_id),
    'militaryAffiliations', (SELECT coalesce(jsonb_agg(jsonb_build_object(
        'type', 'militaryAffiliation', 'providerId', m.provider_id, 'compact', m.compact, 'affiliationType', m.affiliation_type,
        'fileNames', to_jsonb(m.file_names), 'dateOfUpload', ${isoMoment('m.date_of_upload')}, 'status', m.status,
        'dateOfUpdate', ${isoMoment('m.date_of_update')}) ORDER BY m.date_of_upload), '[]'::jsonb)
      FROM military_affiliations m WHERE m.provider_id = ${pr}.provider_id))`
}

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
    const { where, order } = this.pageConditions(query)
    return db
      .select()
      .from(providers)
      .where(where)
      .orderBy(...order)
      .limit(query.limit)
  }

  /**
   * The staff query's page (§2.6) in one statement: each provider's general-shape record built by PostgreSQL
   * (`providerSummaryJson`), with the columns its page key is made of.
   */
  async querySummaries(db: Db, query: ProviderQuery): Promise<ProviderSummaryRow[]> {
    const { where, order } = this.pageConditions(query)
    return db
      .select({
        summary: sql<StoredProviderSummary>`${sql.raw(providerSummaryJson('providers'))}`,
        providerId: providers.providerId,
        providerFamGivMid: providers.providerFamGivMid,
        providerDateOfUpdate: providers.providerDateOfUpdate,
      })
      .from(providers)
      .where(where)
      .orderBy(...order)
      .limit(query.limit)
  }

  private pageConditions(query: ProviderQuery): { where: SQL | undefined; order: SQL[] } {
    const conditions: (SQL | undefined)[] = [eq(providers.compact, query.compact)]
    if (query.providerId !== undefined) conditions.push(eq(providers.providerId, query.providerId))
    if (query.familyName !== undefined) {
      const range = familyNameKeyRange(query.familyName)
      // The range makes the name-order index serve the prefix; the LIKE stays the rule of what matches.
      if (range) conditions.push(gte(providers.providerFamGivMid, range.from), lt(providers.providerFamGivMid, range.to))
      conditions.push(sql`lower(${providers.familyName}) LIKE ${likePrefix(query.familyName)}`)
    }
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
    return { where: and(...conditions), order: [ascending ? asc(sortColumn) : desc(sortColumn), ascending ? asc(providers.providerId) : desc(providers.providerId)] }
  }

  /** The value a row sorts by, as the page key stores it. */
  sortValueOf(row: Pick<ProviderRow, 'providerFamGivMid' | 'providerDateOfUpdate'>, key: SortKey): string {
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
