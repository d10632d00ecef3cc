import { and, eq, lt, type Db } from '@hearth/kernel'
import { signatureKeys, signatureNonces } from '../../db/schema.ts'

/** Signature public keys and used nonces of the State API (§2.7). */
export class SignatureRepository {
  async hasKeys(db: Db, compact: string, jurisdiction: string): Promise<boolean> {
    const rows = await db
      .select({ keyId: signatureKeys.keyId })
      .from(signatureKeys)
      .where(and(eq(signatureKeys.compact, compact), eq(signatureKeys.jurisdiction, jurisdiction)))
      .limit(1)
    return rows.length > 0
  }

  async publicKey(db: Db, compact: string, jurisdiction: string, keyId: string): Promise<string | undefined> {
    const [row] = await db
      .select({ publicKeyPem: signatureKeys.publicKeyPem })
      .from(signatureKeys)
      .where(and(eq(signatureKeys.compact, compact), eq(signatureKeys.jurisdiction, jurisdiction), eq(signatureKeys.keyId, keyId)))
    return row?.publicKeyPem
  }

  async putKey(db: Db, values: { compact: string; jurisdiction: string; keyId: string; publicKeyPem: string }): Promise<void> {
    await db
      .insert(signatureKeys)
      .values(values)
      .onConflictDoUpdate({ target: [signatureKeys.compact, signatureKeys.jurisdiction, signatureKeys.keyId], set: { publicKeyPem: values.publicKeyPem } })
  }

  /** Records a nonce; false when it was already used (single use per compact/jurisdiction, across processes). */
  async useNonce(db: Db, values: { compact: string; jurisdiction: string; nonce: string; expiresAt: Date }): Promise<boolean> {
    const rows = await db.insert(signatureNonces).values(values).onConflictDoNothing().returning({ nonce: signatureNonces.nonce })
    return rows.length === 1
  }

  async deleteExpiredNonces(db: Db, now: Date): Promise<void> {
    await db.delete(signatureNonces).where(lt(signatureNonces.expiresAt, now))
  }
}
