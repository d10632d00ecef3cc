import { and, desc, eq, type Db } from '@hearth/kernel'
import { attestations } from '../../db/schema.ts'

export type AttestationRow = typeof attestations.$inferSelect
export type AttestationInsert = typeof attestations.$inferInsert

/** Versioned attestations per compact and locale (§1.9); "latest" = highest version. */
export class AttestationsRepository {
  async latest(db: Db, compact: string, locale: string, attestationId: string): Promise<AttestationRow | undefined> {
    const [row] = await db
      .select()
      .from(attestations)
      .where(and(eq(attestations.compact, compact), eq(attestations.locale, locale), eq(attestations.attestationId, attestationId)))
      .orderBy(desc(attestations.version))
      .limit(1)
    return row
  }

  /** The latest version of every attestation of a compact and locale. */
  async latestAll(db: Db, compact: string, locale: string): Promise<AttestationRow[]> {
    const rows = await db
      .select()
      .from(attestations)
      .where(and(eq(attestations.compact, compact), eq(attestations.locale, locale)))
      .orderBy(attestations.attestationId, desc(attestations.version))
    const latest = new Map<string, AttestationRow>()
    for (const row of rows) if (!latest.has(row.attestationId)) latest.set(row.attestationId, row)
    return [...latest.values()]
  }

  async insert(db: Db, values: AttestationInsert): Promise<void> {
    await db.insert(attestations).values(values)
  }
}
