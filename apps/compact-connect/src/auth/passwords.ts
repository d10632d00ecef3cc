import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// @node-rs/argon2 is not installed in this workspace: passwords and client secrets are hashed with
// node:crypto's scrypt (N=2^15, r=8, p=1), stored as `scrypt$N$r$p$salt$hash` (base64url).
const N = 32768
const R = 8
const P = 1
const LENGTH = 32

function derive(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, LENGTH, { ...options, maxmem: 128 * N * R * 2 }, (error, key) => (error ? reject(error) : resolve(key))))
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(secret, salt, { N, r: R, p: P })
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

export async function verifySecret(secret: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored) return false
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await derive(secret, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) })
  return key.length === expected.length && timingSafeEqual(key, expected)
}
