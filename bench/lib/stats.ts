// Small pure helpers for measurements the harness takes itself (the write paths).
import { randomBytes } from 'node:crypto'

/** The p-th percentile (0–100) of the values, nearest-rank; 0 for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A ULID (48-bit millisecond time, 80 random bits, Crockford base32). */
export function ulid(time = Date.now()): string {
  let head = ''
  let rest = time
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[rest % 32]! + head
    rest = Math.floor(rest / 32)
  }
  const random = randomBytes(16)
  let tail = ''
  for (let i = 0; i < 16; i++) tail += CROCKFORD[random[i]! % 32]
  return head + tail
}
