import type { PublicUserId } from './user.repository.ts'

export const INT64_MAX = 2n ** 63n - 1n

/** The built-in administrator, seeded by a migration; it can be neither demoted nor deleted. */
export const BUILT_IN_ADMIN: PublicUserId = { type: 'internal', number: 1n }

export const isBuiltInAdmin = (id: PublicUserId) => id.type === BUILT_IN_ADMIN.type && id.number === BUILT_IN_ADMIN.number

/** The type `internal` is reserved for the service's own users (any letter case). */
export const isReservedType = (type: string) => type.toLowerCase() === 'internal'

/**
 * `type:number` as tokens and Foreign targets write it: ASCII letters, a colon, a non-negative
 * decimal that fits a signed 64-bit integer. Anything else is no user id at all.
 */
export function parsePublicUserId(text: string): PublicUserId | undefined {
  const match = /^([a-zA-Z]+):([0-9]+)$/.exec(text)
  if (!match) return undefined
  const number = BigInt(match[2]!)
  if (number > INT64_MAX) return undefined
  return { type: match[1]!, number }
}

export const formatPublicUserId = (id: PublicUserId) => `${id.type}:${id.number}`
