import { randomInt } from 'node:crypto'
import type { Db } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { CompactConnectJobs } from '../jobs.ts'
import { invitationMail, type IdentityMailContext } from './identity-mail.ts'
import type { IdentityPool, IdentityRepository } from './identity.repository.ts'
import { hashSecret } from './passwords.ts'

const LOWER = 'abcdefghijkmnopqrstuvwxyz'
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
const DIGITS = '23456789'
const SYMBOLS = '!#$%*+-=?@^_'

/** A 16-character temporary password with every character class (what a strict Cognito policy would accept). */
export function temporaryPassword(): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS
  const pick = (set: string) => set[randomInt(set.length)]!
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS), ...Array.from({ length: 12 }, () => pick(all))]
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1)
    ;[chars[i], chars[j]] = [chars[j]!, chars[i]!]
  }
  return chars.join('')
}

/**
 * Cognito's `AdminCreateUser` invitation: the identity is put in `FORCE_CHANGE_PASSWORD` with a new temporary
 * password (kept hashed as a `temporary-password` code, valid `temporaryPasswordDays`), its sessions end, and the
 * e-mail is enqueued as a sealed `mail.send` job in the caller's transaction — sent once, and only if that commits;
 * the temporary password never rests in clear in `jobs` (sealed, erased once sent).
 */
export class IdentityInvitations {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly settings: { temporaryPasswordDays: number; mail: IdentityMailContext },
  ) {}

  async invite(db: Db, identity: { sub: string; pool: string; email: string }): Promise<void> {
    const password = temporaryPassword()
    await this.identities.update(db, identity.sub, { status: 'FORCE_CHANGE_PASSWORD', passwordHash: null })
    await this.identities.replaceCode(db, {
      sub: identity.sub,
      purpose: 'temporary-password',
      codeHash: await hashSecret(password),
      expiresAt: new Date(Date.now() + this.settings.temporaryPasswordDays * 86_400_000),
    })
    await this.identities.endSessions(db, identity.sub)
    await this.jobs.enqueue(db, 'mail.send', invitationMail(identity.pool as IdentityPool, identity.email, password, this.settings.temporaryPasswordDays, this.settings.mail), { sealed: true })
  }
}
