import { randomFillSync } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const RANDOM_CHARACTERS = 16

// Random bytes are drawn from the CSPRNG a pool at a time, as Node's randomUUID does: one
// randomFillSync per 256 ids instead of one randomBytes call (a buffer and a call into OpenSSL)
// per id. Under Raise's write load the per-id calls were about 4 % of the server's CPU, since a
// donation makes five ids. Each pool byte is used once.
const pool = Buffer.alloc(RANDOM_CHARACTERS * 256)
let poolOffset = pool.length

function takeRandomBytes(): number {
  if (poolOffset + RANDOM_CHARACTERS > pool.length) {
    randomFillSync(pool)
    poolOffset = 0
  }
  const at = poolOffset
  poolOffset += RANDOM_CHARACTERS
  return at
}

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
  const at = takeRandomBytes()
  let random = ''
  // 256 is a multiple of 32, so each byte's low five bits are uniform.
  for (let i = at; i < at + RANDOM_CHARACTERS; i++) random += ALPHABET[pool[i]! % 32]
  return time + random
}

export const ULID_PATTERN = '^[0123456789ABCDEFGHJKMNPQRSTVWXYZ]{26}$'
