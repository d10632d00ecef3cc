import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A new per-session CSRF secret (kept in the server session, as csurf kept `csrfSecret`). */
export function newCsrfSecret(): string {
  return randomBytes(18).toString('base64url')
}

/**
 * A token for `secret`: `<hex salt>-<HMAC-SHA256(secret, salt)>`. Like csurf's, every token differs
 * (fresh salt) and any of them verifies against the one secret, so re-issuing the cookie at login
 * does not invalidate a page's earlier token.
 */
export function csrfToken(secret: string): string {
  const salt = randomBytes(6).toString('hex')
  return `${salt}-${mac(secret, salt)}`
}

export function verifyCsrfToken(secret: string | undefined, token: unknown): boolean {
  if (!secret || typeof token !== 'string' || token.length > 200) return false
  const dash = token.indexOf('-')
  if (dash <= 0) return false
  const expected = Buffer.from(mac(secret, token.slice(0, dash)))
  const given = Buffer.from(token.slice(dash + 1))
  return expected.length === given.length && timingSafeEqual(expected, given)
}

function mac(secret: string, salt: string): string {
  return createHmac('sha256', secret).update(salt).digest('base64url')
}
