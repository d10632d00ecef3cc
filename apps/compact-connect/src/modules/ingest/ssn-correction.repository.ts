import { defineStatement, runStatement, type Db } from '@hearth/kernel'

// cc-ingest: the SQL of the previousSSN correction (§4.2). $1 = old provider, $2 = new provider,
// $3 = license jurisdiction, $4 = license type, $5 = JSON array of the moved privileges' jurisdictions.
const MOVE_LICENSE = defineStatement(
  'cc_ssn_correction_move_license',
  `UPDATE licenses SET provider_id = $2 WHERE provider_id = $1 AND jurisdiction = $3 AND license_type = $4
      AND NOT EXISTS (SELECT 1 FROM licenses WHERE provider_id = $2 AND jurisdiction = $3 AND license_type = $4)
   RETURNING id`,
)
const DROP_LICENSE = defineStatement('cc_ssn_correction_drop_license', `DELETE FROM licenses WHERE provider_id = $1 AND jurisdiction = $2 AND license_type = $3 RETURNING id`)
const MOVE_PRIVILEGES = defineStatement(
  'cc_ssn_correction_move_privileges',
  `UPDATE privileges p SET provider_id = $2
    WHERE p.provider_id = $1 AND ($3::text IS NULL OR (p.license_jurisdiction = $3 AND p.license_type = $4))
      AND NOT EXISTS (SELECT 1 FROM privileges q WHERE q.provider_id = $2 AND q.jurisdiction = p.jurisdiction AND q.license_type = p.license_type)
   RETURNING jurisdiction`,
)
const MOVE_UPDATE_RECORDS = defineStatement(
  'cc_ssn_correction_move_update_records',
  `UPDATE update_records SET provider_id = $2
    WHERE provider_id = $1 AND ($3::text IS NULL OR (license_type = $4 AND (
      (record_type = 'license' AND jurisdiction = $3) OR (record_type = 'privilege' AND jurisdiction IN (SELECT json_array_elements_text($5::json))))))`,
)
const MOVE_ADVERSE_ACTIONS = defineStatement(
  'cc_ssn_correction_move_adverse_actions',
  `UPDATE adverse_actions SET provider_id = $2
    WHERE provider_id = $1 AND ($3::text IS NULL OR (license_type = $4 AND (
      (action_against = 'license' AND jurisdiction = $3) OR (action_against = 'privilege' AND jurisdiction IN (SELECT json_array_elements_text($5::json))))))`,
)
const MOVE_INVESTIGATIONS = defineStatement(
  'cc_ssn_correction_move_investigations',
  `UPDATE investigations SET provider_id = $2
    WHERE provider_id = $1 AND ($3::text IS NULL OR (license_type = $4 AND (
      (investigation_against = 'license' AND jurisdiction = $3) OR (investigation_against = 'privilege' AND jurisdiction IN (SELECT json_array_elements_text($5::json))))))`,
)
const MOVE_MILITARY = defineStatement('cc_ssn_correction_move_military', `UPDATE military_affiliations SET provider_id = $2 WHERE provider_id = $1`)
const COUNT_LICENSES = defineStatement('cc_ssn_correction_count_licenses', `SELECT count(*)::int AS n FROM licenses WHERE provider_id = $1`)
const DELETE_IDENTITIES = defineStatement('cc_ssn_correction_delete_identities', `DELETE FROM identities WHERE pool = 'provider' AND attributes->>'custom:providerId' = $1`)
const DELETE_VAULT_ENTRY = defineStatement('cc_ssn_correction_delete_vault_entry', `DELETE FROM ssn_records WHERE provider_id = $1`)
const DELETE_PROVIDER = defineStatement('cc_ssn_correction_delete_provider', `DELETE FROM providers WHERE provider_id = $1`)

/** Moves records between provider partitions for an SSN correction; every method runs in the ingest transaction. */
export class SsnCorrectionRepository {
  /** 'moved'; 'dropped' when the new provider already holds that license (the upload overwrites it); 'none'. */
  async moveLicense(db: Db, from: string, to: string, jurisdiction: string, licenseType: string): Promise<'moved' | 'dropped' | 'none'> {
    if ((await runStatement(db, MOVE_LICENSE, [from, to, jurisdiction, licenseType])).length > 0) return 'moved'
    const dropped = await runStatement(db, DROP_LICENSE, [from, jurisdiction, licenseType])
    return dropped.length > 0 ? 'dropped' : 'none'
  }

  /** The license's privileges and the history, encumbrances and investigations of both (all of them when `license` is null). */
  async moveAssociated(db: Db, from: string, to: string, license: { jurisdiction: string; licenseType: string } | null): Promise<void> {
    const params = [from, to, license?.jurisdiction ?? null, license?.licenseType ?? null]
    const moved = await runStatement<{ jurisdiction: string }>(db, MOVE_PRIVILEGES, params)
    const jurisdictions = JSON.stringify(moved.map((row) => row.jurisdiction))
    for (const statement of [MOVE_UPDATE_RECORDS, MOVE_ADVERSE_ACTIONS, MOVE_INVESTIGATIONS]) await runStatement(db, statement, [...params, jurisdictions])
    if (license === null) await runStatement(db, MOVE_MILITARY, [from, to])
  }

  async licenseCount(db: Db, providerId: string): Promise<number> {
    return (await runStatement<{ n: number }>(db, COUNT_LICENSES, [providerId]))[0]!.n
  }

  /** Full migration: the old provider, its vault entry and its practitioner login are removed. */
  async deleteProvider(db: Db, providerId: string): Promise<void> {
    await runStatement(db, DELETE_IDENTITIES, [providerId])
    await runStatement(db, DELETE_VAULT_ENTRY, [providerId])
    await runStatement(db, DELETE_PROVIDER, [providerId])
  }
}
