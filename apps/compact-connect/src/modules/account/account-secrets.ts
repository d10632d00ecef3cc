import { hash, verify } from '@node-rs/argon2'

/**
 * §4.5: the recovery token and the e-mail change code are kept as argon2id hashes (the library's defaults:
 * 19 MiB, 2 passes, a random salt in the PHC string). The comparison happens inside the library, in constant
 * time; a stored value that is not an argon2 PHC string (say, an scrypt hash written before this change) never
 * matches, and the user asks again.
 */
export function hashAccountSecret(secret: string): Promise<string> {
  return hash(secret)
}

export async function verifyAccountSecret(secret: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored?.startsWith('$argon2')) return false
  return verify(stored, secret).catch(() => false)
}
