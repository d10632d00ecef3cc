import { createHmac, timingSafeEqual } from 'node:crypto'
import { CompactConnectError } from './errors.ts'

/** What every signed upload policy binds; each kind of upload adds its own conditions. */
export interface SignedPolicy {
  expiration: string
  key: string
}

export interface UploadForm {
  url: string
  fields: Record<string, string>
}

const forbidden = (message: string) => new CompactConnectError(403, message)

/**
 * The app's stand-in for an S3 presigned POST, used by the state CSV bulk upload (§4.1) and the military documents
 * (§4.11): the form carries the object key, the policy (base64 JSON) and its HMAC, and the upload endpoint checks them
 * before it reads the file, with S3's `Invalid according to Policy` messages.
 */
export class SignedUploadForms<P extends SignedPolicy> {
  constructor(
    private readonly signingKey: string | Buffer,
    private readonly url: string,
  ) {}

  private sign(encoded: string): string {
    return createHmac('sha256', this.signingKey).update(encoded).digest('hex')
  }

  /** The form for one upload under `policy`. */
  create(policy: P): UploadForm {
    const encoded = Buffer.from(JSON.stringify(policy)).toString('base64')
    return { url: this.url, fields: { key: policy.key, policy: encoded, 'x-amz-algorithm': 'HMAC-SHA256', 'x-amz-signature': this.sign(encoded) } }
  }

  /** The form fields sent before the file: 403 for a missing, forged, unreadable or expired policy, or another key. */
  verify(fields: Readonly<Record<string, string>>, now: Date): P {
    const encoded = fields.policy
    const signature = fields['x-amz-signature']
    if (!encoded || !signature) throw forbidden('Invalid according to Policy: Policy missing')
    const expected = Buffer.from(this.sign(encoded))
    const given = Buffer.from(signature)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw forbidden('Invalid according to Policy: Policy signature does not match')
    let policy: P
    try {
      policy = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as P
    } catch {
      throw forbidden('Invalid according to Policy: Policy could not be read')
    }
    if (!(Date.parse(policy.expiration) > now.getTime())) throw forbidden('Invalid according to Policy: Policy expired')
    if (fields.key !== policy.key) throw forbidden('Invalid according to Policy: key does not match')
    return policy
  }
}
