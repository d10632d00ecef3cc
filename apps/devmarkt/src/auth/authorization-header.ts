import { parsePublicUserId } from '../modules/users/user.rules.ts'
import type { PublicUserId } from '../modules/users/user.repository.ts'

export type ParsedAuthorization = { method: 'Self'; token: string } | { method: 'Foreign'; token: string; target: PublicUserId }

/**
 * The original's header grammar. The whole value must match `(Self|Foreign) .+` (case-sensitive,
 * one space, no line breaks). Self: everything after the space is the token. Foreign: the rest
 * splits at its first space into the sudoer's token and a `type:number` target. Anything else is
 * no credential (the request runs anonymously; guarded fields then say UNAUTHORIZED).
 */
export function parseAuthorizationHeader(header: string | undefined): ParsedAuthorization | undefined {
  if (header === undefined || !/^(Self|Foreign) .+$/.test(header)) return undefined
  const space = header.indexOf(' ')
  const method = header.slice(0, space)
  const rest = header.slice(space + 1)
  if (method === 'Self') return { method, token: rest }
  const split = rest.indexOf(' ')
  if (split < 0) return undefined
  const target = parsePublicUserId(rest.slice(split + 1))
  if (!target) return undefined
  return { method: 'Foreign', token: rest.slice(0, split), target }
}
