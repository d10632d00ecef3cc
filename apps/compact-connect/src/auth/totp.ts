import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'

/** Cognito's software-token MFA: RFC 6238 TOTP, SHA-1, 6 digits, 30-second steps (what authenticator apps expect). */
const PERIOD = 30
const ISSUER = 'CompactConnect'

const totpOf = (secret: string, label = '') => new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) })

/** A new random 160-bit secret, base32 (what the user types into an authenticator app). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

/** The `otpauth://` URI an authenticator app scans, and the same as an SVG QR code. */
export async function totpEnrolment(secret: string, account: string): Promise<{ uri: string; qrSvg: string }> {
  const uri = totpOf(secret, account).toString()
  return { uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1, width: 200 }) }
}

/**
 * The 30-second step a 6-digit code belongs to (the current one, or one step either side for clock
 * drift), or undefined when it matches none. The caller refuses a step already used (no replay).
 */
export function totpStep(secret: string, code: string, now = Date.now()): number | undefined {
  if (!/^[0-9]{6}$/.test(code)) return undefined
  const delta = totpOf(secret).validate({ token: code, timestamp: now, window: 1 })
  if (delta === null) return undefined
  return Math.floor(now / 1000 / PERIOD) + delta
}

/** A code for `secret` at `now` (tests, and the QA helper that signs in through the page). */
export function totpCode(secret: string, now = Date.now()): string {
  return totpOf(secret).generate({ timestamp: now })
}
