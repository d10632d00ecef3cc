import { createJwtVerifier, TokenInvalidError, type Database, type JwtVerifier } from '@hearth/kernel'
import type { Role } from '../permissions.ts'
import { userKey, type DevmarktCaches } from '../cache/caches.ts'
import type { PublicUserId, UserRepository, UserRow } from '../modules/users/user.repository.ts'
import { isReservedType, parsePublicUserId } from '../modules/users/user.rules.ts'
import { parseAuthorizationHeader } from './authorization-header.ts'

/** Who is calling: the user row, plus the admin acting for them when the header was `Foreign`. */
export interface Caller {
  user: UserRow
  role: Role
  /** The sudoer's user id for `Foreign` calls. */
  actingAdminId?: number
}

interface VerifiedSubject {
  subject: PublicUserId
  /** `type:number`, the users cache key. */
  key: string
  /** Seconds since the epoch, or undefined for a token without `exp`. */
  expiresAt: number | undefined
}

const CACHE_LIMIT = 10_000

/**
 * Resolves an `Authorization` header to a caller, or undefined. A token's signature check depends
 * only on the token and the secret, so verified subjects are remembered (until `exp`). The user row
 * comes from the users cache (`DevmarktCaches`), which every process evicts when a user's role
 * changes or the user is deleted; a miss is one indexed lookup.
 */
export class CallerService {
  private readonly verify: JwtVerifier
  private readonly verified = new Map<string, VerifiedSubject>()

  constructor(
    private readonly database: Database,
    private readonly users: UserRepository,
    jwtSecret: string,
    private readonly caches: DevmarktCaches,
  ) {
    this.verify = createJwtVerifier({ key: { kind: 'secret', secret: jwtSecret }, algorithms: ['HS256'], requiredClaims: ['sub'] })
  }

  async resolve(header: string | undefined): Promise<Caller | undefined> {
    const parsed = parseAuthorizationHeader(header)
    if (!parsed) return undefined
    const subject = await this.subjectOf(parsed.token)
    if (!subject) return undefined
    if (parsed.method === 'Self') {
      // Self never creates users: the token's subject must exist.
      const user = await this.user(subject.key, subject.subject)
      return user && { user, role: user.role }
    }
    const sudoer = await this.user(subject.key, subject.subject)
    if (!sudoer || sudoer.role !== 'ADMIN') return undefined
    // The target is created on first sight with role USER, and is complete on this very request;
    // the reserved type `internal` is never created this way. (Absence is never cached.)
    const existing = await this.user(userKey(parsed.target.type, parsed.target.number), parsed.target)
    if (!existing && isReservedType(parsed.target.type)) return undefined
    const user = existing ?? (await this.users.findOrCreate(this.database.db, parsed.target, 'USER'))
    return { user, role: user.role, actingAdminId: sudoer.id }
  }

  private user(key: string, id: PublicUserId): Promise<UserRow | undefined> {
    return this.caches.users.getOrLoad(key, () => this.users.findByPublicId(this.database.db, id))
  }

  /** The token's subject when it is a valid HS256 token with a well-formed `sub` that has not expired. */
  private async subjectOf(token: string): Promise<VerifiedSubject | undefined> {
    const now = Date.now() / 1000
    let entry = this.verified.get(token)
    if (entry === undefined) {
      // Only valid tokens are remembered: a refused one may be not-yet-valid (nbf) now and fine later.
      entry = await this.verifyToken(token)
      if (entry === undefined) return undefined
      if (this.verified.size >= CACHE_LIMIT) this.verified.clear()
      this.verified.set(token, entry)
    }
    if (entry.expiresAt !== undefined && entry.expiresAt <= now) return undefined
    return entry
  }

  private async verifyToken(token: string): Promise<VerifiedSubject | undefined> {
    try {
      const payload = await this.verify(token)
      const subject = typeof payload.sub === 'string' ? parsePublicUserId(payload.sub) : undefined
      if (!subject) return undefined
      return { subject, key: userKey(subject.type, subject.number), expiresAt: typeof payload.exp === 'number' ? payload.exp : undefined }
    } catch (error) {
      if (error instanceof TokenInvalidError) return undefined
      throw error
    }
  }
}
