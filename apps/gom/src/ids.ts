import { randomBytes } from 'node:crypto'

/**
 * A Prisma-1-style CUID: 25 lower-case base-36 characters starting with `c` (Prisma generated
 * these for every `@id`, e.g. `cjyi3ewi3006r07953qhkfzfr`, and clients may have stored them). Layout as in
 * the `cuid` package: `c` + 8 characters of milliseconds + 4 of a per-process counter + 12 random ones
 * (from `crypto.randomBytes`; the original's 4-character host fingerprint is replaced by 4 more random
 * characters). Ids sort roughly by creation time. The kernel's ULID (26 upper-case characters) would
 * not look like the ids the original's clients know.
 */
let counter = Math.floor(Math.random() * 36 ** 4)

const base36 = (value: number, width: number) => value.toString(36).padStart(width, '0').slice(-width)

export function cuid(now: number = Date.now()): string {
  counter = (counter + 1) % 36 ** 4
  const bytes = randomBytes(12)
  let random = ''
  for (const byte of bytes) random += (byte % 36).toString(36)
  return `c${base36(now, 8)}${base36(counter, 4)}${random}`
}

export const CUID_PATTERN = /^c[0-9a-z]{24}$/

/**
 * A Bp's share code (`extUid`), as the original made it: random bytes in base64, the first 10
 * characters, `+` and `/` replaced by `0`.
 */
export function shareCode(): string {
  return randomBytes(9).toString('base64').slice(0, 10).replace(/[+/]/g, '0')
}
