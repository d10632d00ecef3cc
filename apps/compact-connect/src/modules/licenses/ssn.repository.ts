import { and, eq, inArray, type Db } from '@hearth/kernel'
import { ssnRecords } from '../../db/schema.ts'

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
  /** Inserts mappings that do not exist yet (conditional put); existing ones are left untouched. */
  async insertMissing(db: Db, rows: readonly SsnRow[]): Promise<void> {
    if (rows.length === 0) return
    await db
      .insert(ssnRecords)
      .values([...rows])
      .onConflictDoNothing({ target: [ssnRecords.compact, ssnRecords.ssnHmac] })
  }

  async providerIdsByHmac(db: Db, compact: string, hmacs: readonly string[]): Promise<Map<string, string>> {
    if (hmacs.length === 0) return new Map()
    const rows = await db
      .select({ ssnHmac: ssnRecords.ssnHmac, providerId: ssnRecords.providerId })
      .from(ssnRecords)
      .where(and(eq(ssnRecords.compact, compact), inArray(ssnRecords.ssnHmac, [...hmacs])))
    return new Map(rows.map((row) => [row.ssnHmac, row.providerId]))
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
