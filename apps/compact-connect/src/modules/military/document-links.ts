import { createHmac, timingSafeEqual } from 'node:crypto'
import { CompactConnectError } from '../../errors.ts'

/** The original's download links lived two hours (presigned S3 GETs). */
const LINK_TTL_SECONDS = 2 * 60 * 60

/**
 * Signed, expiring download links to military documents (§2.6 `downloadLinks`, compact admins only): the presigned
 * S3 GET's role, answered by the app's own `GET /v1/military-affiliation-documents`.
 */
export class DocumentLinks {
  private readonly key: Buffer

  constructor(
    private readonly publicUrl: string,
    secret: string,
  ) {
    this.key = createHmac('sha256', secret).update('military-document-links').digest()
  }

  private sign(documentKey: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${expires}\n${documentKey}`).digest('hex')
  }

  link(documentKey: string, now: Date = new Date()): string {
    const expires = Math.floor(now.getTime() / 1000) + LINK_TTL_SECONDS
    const query = new URLSearchParams({ key: documentKey, expires: String(expires), signature: this.sign(documentKey, expires) })
    return `${this.publicUrl}/v1/military-affiliation-documents?${query.toString()}`
  }

  /** The document key a link names; 403 for a tampered or expired link. */
  verify(query: { key: string; expires: number; signature: string }, now: Date = new Date()): string {
    const expected = Buffer.from(this.sign(query.key, query.expires))
    const given = Buffer.from(query.signature)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new CompactConnectError(403, 'Access denied')
    if (query.expires * 1000 <= now.getTime()) throw new CompactConnectError(403, 'Request has expired')
    return query.key
  }
}
