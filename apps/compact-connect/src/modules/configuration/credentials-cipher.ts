import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/**
 * Encrypts payment processor secrets at rest (AES-256-GCM under `PAYMENT_CREDENTIALS_KEY`), the role Secrets
 * Manager played for the original. Stored form: `v1:` + base64(iv ‖ ciphertext ‖ tag).
 */
export class CredentialsCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('the credentials key must be 32 bytes')
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return `v1:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`
  }

  decrypt(stored: string): string {
    if (!stored.startsWith('v1:')) throw new Error('unknown credentials encoding')
    const raw = Buffer.from(stored.slice(3), 'base64')
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(raw.length - 16))
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8')
  }
}
