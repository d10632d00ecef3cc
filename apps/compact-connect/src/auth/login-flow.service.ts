import { createHash, randomBytes, randomInt } from 'node:crypto'
import type { Database, Db } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { CompactConnectJobs } from '../jobs.ts'
import type { RateLimits } from '../modules/providers/rate-limits.ts'
import { forgotPasswordMail, type IdentityMailContext } from './identity-mail.ts'
import type { IdentityPool, IdentityRepository, IdentityRow, LoginChallengeRow } from './identity.repository.ts'
import type { IdentityService } from './identity.service.ts'
import { hashSecret, verifySecret } from './passwords.ts'
import { newTotpSecret, totpEnrolment, totpStep } from './totp.ts'

/** The login request a hosted-login page answers in the end (the web app's authorization request). */
export interface LoginRequest {
  clientId: string
  redirectUri: string
  codeChallenge: string
  scope: string
  state: string
}

export type ChallengeName = 'NEW_PASSWORD_REQUIRED' | 'MFA_SETUP' | 'SOFTWARE_TOKEN_MFA'

/** Where a sign-in stands after a step: refused, a further step owed (with its session), or done (an authorization code). */
export type LoginStep =
  | { kind: 'failed'; message: string }
  | { kind: 'challenge'; challenge: ChallengeName; session: string; message?: string; enrolment?: { secret: string; uri: string; qrSvg: string } }
  | { kind: 'done'; code: string; request: LoginRequest }

/** §4.14: Cognito's password policy as the original configured it (12 characters at least). */
export const PASSWORD_MIN_LENGTH = 12
const PASSWORD_MAX_LENGTH = 256
const CHALLENGE_SECONDS = 600
const MAX_WRONG_ANSWERS = 5
const RESET_CODE_SECONDS = 3600
const MAX_RESET_CODES_PER_HOUR = 5

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url')
const INCORRECT = 'Incorrect username or password.'

export function passwordProblem(password: string, confirmation: string | undefined): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `Password must have at least ${PASSWORD_MIN_LENGTH} characters.`
  if (password.length > PASSWORD_MAX_LENGTH) return `Password must have at most ${PASSWORD_MAX_LENGTH} characters.`
  if (confirmation !== undefined && confirmation !== password) return 'The passwords do not match.'
  return undefined
}

/**
 * The hosted login's steps between the password and the authorization code (Cognito's auth challenges): an
 * invited identity (`FORCE_CHANGE_PASSWORD`) signs in with its temporary password and must choose a new one;
 * staff then enrol a TOTP authenticator at the first sign-in and give a 6-digit code at every sign-in
 * (practitioners only when they have one); and the forgotten-password flow (a 6-digit code by e-mail, hashed,
 * single use, one hour, five wrong guesses). A step's state lives in `login_challenges`, keyed by the hash of
 * the opaque session the page carries, so any process can answer the next step.
 */
export class LoginFlowService {
  constructor(
    private readonly database: Database,
    private readonly identities: IdentityRepository,
    private readonly identity: IdentityService,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly limits: RateLimits,
    private readonly settings: { staffMfaRequired: boolean; mail: IdentityMailContext },
  ) {}

  /** The password step. */
  async signIn(pool: IdentityPool, username: string, password: string, request: LoginRequest): Promise<LoginStep> {
    const db = this.database.db
    const identity = await this.identities.byUsername(db, pool, username)
    if (!identity || !identity.enabled) return { kind: 'failed', message: INCORRECT }
    if (identity.status === 'FORCE_CHANGE_PASSWORD') {
      // A 16-character random password cannot be guessed online: its tries are not counted (the login's own limits apply).
      const temporary = await this.identities.liveCode(db, identity.sub, 'temporary-password')
      if (!temporary || !(await verifySecret(password, temporary.codeHash))) {
        return { kind: 'failed', message: temporary ? INCORRECT : 'Temporary password has expired and must be reset by an administrator.' }
      }
      return this.challenge(db, pool, identity, 'NEW_PASSWORD_REQUIRED', request)
    }
    if (!(await verifySecret(password, identity.passwordHash))) return { kind: 'failed', message: INCORRECT }
    return this.afterPassword(db, pool, identity, request)
  }

  /** The answer to an owed step: a new password, or a TOTP code. */
  async respond(pool: IdentityPool, session: string, answer: { newPassword?: string; confirmPassword?: string; code?: string }): Promise<LoginStep> {
    return this.database.transaction(async (tx) => {
      const sessionHash = sha256(session)
      const challenge = await this.identities.lockChallenge(tx, sessionHash, pool)
      if (!challenge) return { kind: 'failed', message: 'Your session has expired. Please sign in again.' }
      const identity = await this.identities.bySub(tx, pool, challenge.sub)
      if (!identity || !identity.enabled) {
        await this.identities.deleteChallenge(tx, sessionHash)
        return { kind: 'failed', message: INCORRECT }
      }
      const kind = challenge.kind as ChallengeName
      if (kind === 'NEW_PASSWORD_REQUIRED') {
        const problem = passwordProblem(answer.newPassword ?? '', answer.confirmPassword ?? '')
        if (problem) return this.wrongAnswer(tx, challenge, session, problem)
        await this.identities.update(tx, identity.sub, { passwordHash: await hashSecret(answer.newPassword!), status: 'CONFIRMED' })
        await this.identities.deleteCodes(tx, identity.sub)
        return this.afterPassword(tx, pool, { ...identity, status: 'CONFIRMED' }, challenge.request, { sessionHash, session })
      }
      const mfa = await this.identities.mfa(tx, identity.sub)
      const step = mfa ? totpStep(mfa.secret, (answer.code ?? '').trim()) : undefined
      if (!mfa || step === undefined || !(await this.identities.acceptMfaStep(tx, identity.sub, step))) {
        return this.wrongAnswer(tx, challenge, session, 'Invalid code. Please try again.', kind === 'MFA_SETUP' ? mfa?.secret : undefined, identity)
      }
      await this.identities.deleteChallenge(tx, sessionHash)
      return this.done(tx, pool, identity, challenge.request)
    })
  }

  /** After the password: a TOTP code when the identity has an authenticator, enrolment when staff must have one, else the code. */
  private async afterPassword(db: Db, pool: IdentityPool, identity: IdentityRow, request: LoginRequest, existing?: { sessionHash: string; session: string }): Promise<LoginStep> {
    const mfa = await this.identities.mfa(db, identity.sub)
    let next: ChallengeName | undefined
    if (mfa?.confirmedAt) next = 'SOFTWARE_TOKEN_MFA'
    else if (pool === 'staff' && this.settings.staffMfaRequired) next = 'MFA_SETUP'
    if (next === undefined) {
      if (existing) await this.identities.deleteChallenge(db, existing.sessionHash)
      return this.done(db, pool, identity, request)
    }
    if (existing) {
      await this.identities.updateChallenge(db, existing.sessionHash, { kind: next, attempts: 0 })
      return this.challengeStep(db, identity, next, existing.session)
    }
    return this.challenge(db, pool, identity, next, request)
  }

  private async challenge(db: Db, pool: IdentityPool, identity: IdentityRow, kind: ChallengeName, request: LoginRequest): Promise<LoginStep> {
    const session = randomBytes(32).toString('base64url')
    await this.identities.insertChallenge(db, { sessionHash: sha256(session), pool, sub: identity.sub, kind, request, expiresAt: new Date(Date.now() + CHALLENGE_SECONDS * 1000) })
    return this.challengeStep(db, identity, kind, session)
  }

  private async challengeStep(db: Db, identity: IdentityRow, kind: ChallengeName, session: string): Promise<LoginStep> {
    if (kind !== 'MFA_SETUP') return { kind: 'challenge', challenge: kind, session }
    const secret = newTotpSecret()
    await this.identities.startMfaEnrolment(db, identity.sub, secret)
    return { kind: 'challenge', challenge: kind, session, enrolment: { secret, ...(await totpEnrolment(secret, identity.username)) } }
  }

  private async wrongAnswer(db: Db, challenge: LoginChallengeRow, session: string, message: string, enrolmentSecret?: string, identity?: IdentityRow): Promise<LoginStep> {
    const attempts = challenge.attempts + 1
    if (attempts >= MAX_WRONG_ANSWERS) {
      await this.identities.deleteChallenge(db, challenge.sessionHash)
      return { kind: 'failed', message: 'Too many attempts. Please sign in again.' }
    }
    await this.identities.updateChallenge(db, challenge.sessionHash, { attempts })
    const enrolment = enrolmentSecret && identity ? { secret: enrolmentSecret, ...(await totpEnrolment(enrolmentSecret, identity.username)) } : undefined
    return { kind: 'challenge', challenge: challenge.kind as ChallengeName, session, message, ...(enrolment ? { enrolment } : {}) }
  }

  private async done(db: Db, pool: IdentityPool, identity: IdentityRow, request: LoginRequest): Promise<LoginStep> {
    const code = await this.identity.issueCode(pool, identity, request, db)
    return { kind: 'done', code, request }
  }

  // ---- forgotten password ----

  /**
   * Sends a reset code to a confirmed, enabled identity (Cognito refuses the others); says nothing either way, so
   * the page cannot tell who has an account. At most five codes an hour per identity; each replaces the last.
   */
  async requestReset(pool: IdentityPool, username: string): Promise<void> {
    const identity = await this.identities.byUsername(this.database.db, pool, username)
    if (!identity || !identity.enabled || identity.status !== 'CONFIRMED') return
    if ((await this.limits.hit('forgot-password', identity.sub)) > MAX_RESET_CODES_PER_HOUR) return
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    const codeHash = await hashSecret(code)
    await this.database.transaction(async (tx) => {
      await this.identities.replaceCode(tx, { sub: identity.sub, purpose: 'forgot-password', codeHash, expiresAt: new Date(Date.now() + RESET_CODE_SECONDS * 1000) })
      await this.jobs.enqueue(tx, 'mail.send', forgotPasswordMail(identity.email, code, this.settings.mail), { sealed: true })
    })
  }

  /** The code and a new password: the password is set, the code used up, every session of the identity ended. */
  async confirmReset(pool: IdentityPool, input: { username: string; code: string; newPassword: string; confirmPassword: string }): Promise<{ ok: true } | { ok: false; message: string }> {
    const problem = passwordProblem(input.newPassword, input.confirmPassword)
    if (problem) return { ok: false, message: problem }
    const invalid = { ok: false as const, message: 'Invalid verification code provided, please try again.' }
    const identity = await this.identities.byUsername(this.database.db, pool, input.username)
    if (!identity || !identity.enabled) return invalid
    const passwordHash = await hashSecret(input.newPassword)
    return this.database.transaction(async (tx) => {
      const code = await this.identities.liveCode(tx, identity.sub, 'forgot-password', MAX_WRONG_ANSWERS)
      if (!code) return invalid
      if (!/^[0-9]{6}$/.test(input.code.trim()) || !(await verifySecret(input.code.trim(), code.codeHash))) {
        await this.identities.countWrongGuess(tx, code.id)
        return invalid
      }
      if (!(await this.identities.useCode(tx, code.id))) return invalid
      await this.identities.update(tx, identity.sub, { passwordHash, status: 'CONFIRMED' })
      await this.identities.endSessions(tx, identity.sub)
      return { ok: true as const }
    })
  }
}
