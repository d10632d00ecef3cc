import { and, defineStatement, eq, runStatement, type Db } from '@hearth/kernel'
import { ssnRecords } from '../../db/schema.ts'

// Set-based vault statements (cc-ingest): one statement per batch, the rows passed as one JSON parameter.
const LOOKUP = defineStatement(
  'cc_ssn_lookup',
  `SELECT ssn_hmac, provider_id::text AS provider_id FROM ssn_records
    WHERE compact = $1 AND ssn_hmac IN (SELECT json_array_elements_text($2::json))`,
)
const INSERT_MISSING = defineStatement(
  'cc_ssn_insert_missing',
  `INSERT INTO ssn_records (compact, ssn_hmac, provider_id, key_id, ssn_ciphertext)
   SELECT compact, ssn_hmac, provider_id, key_id, ssn_ciphertext
     FROM json_populate_recordset(null::ssn_records, $1::json) ORDER BY ssn_hmac
   ON CONFLICT (compact, ssn_hmac) DO NOTHING
   RETURNING ssn_hmac, provider_id::text AS provider_id`,
)

export interface SsnRow {
  compact: string
  ssnHmac: string
  providerId: string
  keyId: string
  ssnCiphertext: string
}

/**
 * The SSN vault's SQL (§1.12): the only repository that touches `ssn_records`. Lookups go by keyed hash, never by
 * decrypting rows; there is no "list all" method on purpose.
 */
export class SsnRepository {
  /**
   * Inserts mappings that do not exist yet (conditional put, in hash order so concurrent batches take the key locks
   * in one order); existing ones are left untouched. Returns hash → provider id of the rows inserted here.
   */
  async insertMissing(db: Db, rows: readonly SsnRow[]): Promise<Map<string, string>> {
    if (rows.length === 0) return new Map()
    const json = JSON.stringify(rows.map((row) => ({ compact: row.compact, ssn_hmac: row.ssnHmac, provider_id: row.providerId, key_id: row.keyId, ssn_ciphertext: row.ssnCiphertext })))
    const inserted = await runStatement<{ ssn_hmac: string; provider_id: string }>(db, INSERT_MISSING, [json])
    return new Map(inserted.map((row) => [row.ssn_hmac, row.provider_id]))
  }

  async providerIdsByHmac(db: Db, compact: string, hmacs: readonly string[]): Promise<Map<string, string>> {
    if (hmacs.length === 0) return new Map()
    const rows = await runStatement<{ ssn_hmac: string; provider_id: string }>(db, LOOKUP, [compact, JSON.stringify(hmacs)])
    return new Map(rows.map((row) => [row.ssn_hmac, row.provider_id]))
  }

  async byProvider(db: Db, compact: string, providerId: string): Promise<SsnRow | undefined> {
    const [row] = await db
      .select()
      .from(ssnRecords)
      .where(and(eq(ssnRecords.compact, compact), eq(ssnRecords.providerId, providerId)))
    return row
  }

  async deleteAll(db: Db): Promise<void> {
    await db.delete(ssnRecords)
  }
}
