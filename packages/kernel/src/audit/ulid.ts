import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * A ULID: 48 bits of milliseconds then 80 random bits, Crockford base32, upper case. Ids made in
 * the same millisecond are ordered randomly; across milliseconds they sort by creation time.
 */
export function ulid(now: number = Date.now()): string {
  let time = ''
  let remaining = now
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[remaining % 32] + time
    remaining = Math.floor(remaining / 32)
  }
  const bytes = randomBytes(16)
  let random = ''
  for (let i = 0; i < 16; i++) random += ALPHABET[bytes[i]! % 32]
  return time + random
}

export const ULID_PATTERN = '^[0123456789ABCDEFGHJKMNPQRSTVWXYZ]{26}$'
