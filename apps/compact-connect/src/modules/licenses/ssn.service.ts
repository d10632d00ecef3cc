import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import type { Database, Db } from '@hearth/kernel'
import type { SsnKey } from '../../config.ts'
import { SsnRepository, type SsnRow } from './ssn.repository.ts'

const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * The SSN vault (§1.12, §3.3, §4.2): full SSNs exist only here, encrypted with AES-256-GCM (the key id is kept per
 * row, so old keys keep decrypting after a rotation); a keyed HMAC-SHA-256 finds a provider by SSN without
 * decrypting anything. The compact and provider id are bound into the ciphertext as additional data, so a row
 * copied onto another provider does not decrypt. Nothing here logs.
 */
export class SsnService {
  // Key objects made once: a raw key Buffer is imported again on every createHmac / createCipheriv call (per SSN).
  private readonly keysById: Map<string, KeyObject>
  private readonly currentKey: { id: string; key: KeyObject }
  private readonly hmacKeyObject: KeyObject

  constructor(
    private readonly database: Database,
    private readonly repository: SsnRepository,
    encryptionKeys: readonly SsnKey[],
    hmacKey: Buffer,
  ) {
    this.keysById = new Map(encryptionKeys.map((key) => [key.id, createSecretKey(key.key)]))
    this.currentKey = { id: encryptionKeys[0]!.id, key: createSecretKey(encryptionKeys[0]!.key) }
    this.hmacKeyObject = createSecretKey(hmacKey)
  }

  /** Hex HMAC of the normalised SSN (digits only) within a compact. */
  hmac(compact: string, ssn: string): string {
    return createHmac('sha256', this.hmacKeyObject)
      .update(`${compact}#${ssn.replace(/\D/g, '')}`)
      .digest('hex')
  }

  /** `iv`: 12 fresh random bytes (a batch draws all of its IVs in one call; one call per SSN cost more than the cipher). */
  encrypt(compact: string, providerId: string, ssn: string, iv: Buffer = randomBytes(IV_BYTES)): { keyId: string; ssnCiphertext: string } {
    const { id, key } = this.currentKey
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(Buffer.from(`${compact}#${providerId}`))
    const body = Buffer.concat([cipher.update(ssn, 'utf8'), cipher.final()])
    return { keyId: id, ssnCiphertext: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64') }
  }

  decrypt(row: Pick<SsnRow, 'compact' | 'providerId' | 'keyId' | 'ssnCiphertext'>): string {
    const key = this.keysById.get(row.keyId)
    if (!key) throw new Error(`SSN encryption key ${row.keyId} is not configured`)
    const data = Buffer.from(row.ssnCiphertext, 'base64')
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(`${row.compact}#${row.providerId}`))
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES))
    return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]).toString('utf8')
  }

  /**
   * §4.2: the provider id of each SSN in a compact, minting a fresh UUID (conditional insert) for new ones. Safe to
   * run concurrently in several processes: the (compact, hmac) key decides, and the loser reads the winner's id.
   */
  async resolveProviderIds(db: Db, compact: string, ssns: readonly string[], mint: () => string = randomUUID): Promise<Map<string, string>> {
    const unique = [...new Set(ssns)]
    const hmacs = new Map(unique.map((ssn) => [ssn, this.hmac(compact, ssn)]))
    // One conditional insert for every SSN (new ones get a fresh id; the statement inserts in hash order, so
    // concurrent uploads with overlapping SSNs take the key locks in one order), then one read for those that existed.
    const ivs = randomBytes(IV_BYTES * unique.length)
    const known = await this.repository.insertMissing(
      db,
      unique.map((ssn, index) => {
        const providerId = mint()
        return { compact, ssnHmac: hmacs.get(ssn)!, providerId, ...this.encrypt(compact, providerId, ssn, ivs.subarray(index * IV_BYTES, (index + 1) * IV_BYTES)) }
      }),
    )
    const existing = unique.map((ssn) => hmacs.get(ssn)!).filter((hmac) => !known.has(hmac))
    if (existing.length > 0) for (const [hmac, providerId] of await this.repository.providerIdsByHmac(db, compact, existing)) known.set(hmac, providerId)
    return new Map(unique.map((ssn) => [ssn, known.get(hmacs.get(ssn)!)!]))
  }

  /** The provider ids the vault holds for these SSNs (no insert, no decryption): SSN → provider id. */
  async findProviderIds(db: Db, compact: string, ssns: readonly string[]): Promise<Map<string, string>> {
    const hmacs = new Map([...new Set(ssns)].map((ssn) => [ssn, this.hmac(compact, ssn)]))
    const known = await this.repository.providerIdsByHmac(db, compact, [...hmacs.values()])
    const found = new Map<string, string>()
    for (const [ssn, hmac] of hmacs) if (known.has(hmac)) found.set(ssn, known.get(hmac)!)
    return found
  }

  /** Stores a known (compact, SSN) → providerId mapping (seeds). */
  async store(db: Db, compact: string, providerId: string, ssn: string): Promise<void> {
    await this.repository.insertMissing(db, [{ compact, ssnHmac: this.hmac(compact, ssn), providerId, ...this.encrypt(compact, providerId, ssn) }])
  }

  /** The provider id for one SSN, if the vault knows it (no decryption). */
  async findProviderId(compact: string, ssn: string, db: Db = this.database.db): Promise<string | undefined> {
    return (await this.repository.providerIdsByHmac(db, compact, [this.hmac(compact, ssn)])).get(this.hmac(compact, ssn))
  }

  /** The full SSN of a provider, formatted `123-45-6789` — for the SSN endpoint only (§2.6). */
  async readSsn(compact: string, providerId: string, db: Db = this.database.db): Promise<string | undefined> {
    const row = await this.repository.byProvider(db, compact, providerId)
    return row ? this.decrypt(row) : undefined
  }
}
