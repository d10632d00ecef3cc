import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import type { Database, Db } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { IdentityRepository } from '../../auth/identity.repository.ts'
import type { IdentityInvitations } from '../../auth/invitations.ts'
import { verifySecret } from '../../auth/passwords.ts'
import { hashAccountSecret, verifyAccountSecret } from './account-secrets.ts'
import type { ProviderCaller } from '../../auth/tokens.ts'
import { isCompact, licenseTypeNames } from '../../domain/compacts.ts'
import { accessDenied, badRequest, CompactConnectError, internalError, tooManyRequests } from '../../errors.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import type { NotificationRequest } from '../notifications/notification.types.ts'
import type { RateLimits } from '../providers/rate-limits.ts'
import type { RecaptchaVerifier } from '../registration/recaptcha.ts'
import type { RegistrationRepository } from '../registration/registration.repository.ts'
import type { AccountRepository, ProviderRow } from './account.repository.ts'
import type { InitiateRecoveryBody, EmailChangeBody, EmailVerifyBody, VerifyRecoveryBody } from './account.schemas.ts'

const REQUEST_PROCESSED = { message: 'request processed' } as const
const FIFTEEN_MINUTES_MS = 15 * 60 * 1000
/** §4.14: recovery initiations per provider per hour (more are ignored); verifications per provider per 15 minutes (more are 429). */
const INITIATIONS_PER_HOUR = 3
const VERIFICATIONS_PER_WINDOW = 2
/** Wrong e-mail verification codes per provider per 15 minutes before a 429 (ours: 4 digits would otherwise be guessable). */
const EMAIL_CODE_GUESSES = 5

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function atLeast<T>(minimumMs: number, work: () => Promise<T>): Promise<T> {
  const started = Date.now()
  try {
    return await work()
  } finally {
    const remaining = minimumMs - (Date.now() - started)
    if (remaining > 0) await sleep(remaining)
  }
}

const invalidRecoveryLink = () => badRequest('Invalid or expired recovery link')
const emailInUse = () => badRequest('Email address is already in use')

/**
 * Practitioner account (MFA) recovery and e-mail change (§4.5). Recovery: a practitioner who lost their
 * authenticator proves who they are (license match, registered e-mail, password) and gets a link by e-mail; the
 * link's token (kept as a scrypt hash, 15 minutes) re-creates their identity without MFA and sends a new
 * invitation. E-mail change: a 4-digit code to the new address, then the registered address changes in the
 * identity and the provider in one transaction and the old address is told.
 */
export class AccountService {
  constructor(
    private readonly database: Database,
    private readonly accounts: AccountRepository,
    private readonly registration: RegistrationRepository,
    private readonly identities: IdentityRepository,
    private readonly invitations: IdentityInvitations,
    private readonly limits: RateLimits,
    private readonly recaptcha: RecaptchaVerifier,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly settings: { initiateMinimumMs: number; verifyMinimumMs: number; uiUrl: string },
  ) {}

  /** `secret`: the e-mail carries the recovery link or the code itself, so its job is sealed (kernel) and erased once sent. */
  private notify(db: Db, request: NotificationRequest, options: { secret?: boolean } = {}): Promise<boolean> {
    return this.jobs.enqueue(db, 'notification.send', request, { sealed: options.secret === true })
  }

  // ---- account recovery ----

  /** Always `request processed`, whatever failed (no enumeration), unless the service itself fails. */
  async initiateRecovery(body: InitiateRecoveryBody | undefined, sourceAddress: string): Promise<{ message: string }> {
    return atLeast(this.settings.initiateMinimumMs, async () => {
      try {
        await this.tryInitiate(body, sourceAddress)
      } catch (error) {
        if (!(error instanceof CompactConnectError) || error.status >= 500) throw error
      }
      return REQUEST_PROCESSED
    })
  }

  private async tryInitiate(raw: InitiateRecoveryBody | undefined, sourceAddress: string): Promise<void> {
    if (raw === undefined) return
    const body = raw
    if (!isCompact(body.compact) || !licenseTypeNames(body.compact).includes(body.licenseType)) return
    if (!(await this.recaptcha.verify(body.recaptchaToken, sourceAddress))) return
    const db = this.database.db
    const matches = await this.registration.matchingLicenses(db, {
      compact: body.compact,
      jurisdiction: body.jurisdiction,
      givenName: body.givenName,
      familyName: body.familyName,
      ssnLastFour: body.partialSocial,
      dateOfBirth: body.dob,
      licenseType: body.licenseType,
    })
    if (matches.length !== 1) return
    const providerId = matches[0]!.providerId
    if ((await this.limits.hit('recovery-initiate', providerId)) > INITIATIONS_PER_HOUR) return
    const provider = await this.accounts.provider(db, body.compact, providerId)
    const registered = provider?.compactConnectRegisteredEmailAddress
    if (!provider || !registered || registered.toLowerCase() !== body.username.toLowerCase()) return
    const identity = await this.identities.byUsername(db, 'provider', registered)
    if (!identity || !identity.enabled || identity.status !== 'CONFIRMED' || !(await verifySecret(body.password, identity.passwordHash))) return

    const token = randomBytes(32).toString('base64url')
    const tokenHash = await hashAccountSecret(token)
    await this.database.transaction(async (tx) => {
      await this.accounts.update(tx, providerId, { recoveryToken: tokenHash, recoveryExpiry: new Date(Date.now() + FIFTEEN_MINUTES_MS) })
      await this.notify(
        tx,
        {
          template: 'providerAccountRecoveryConfirmation',
          recipientType: 'SPECIFIC',
          compact: body.compact,
          specificEmails: [registered],
          templateVariables: { providerId, recoveryToken: token, recoveryUrl: recoveryLink(this.settings.uiUrl, body.compact, providerId, token) },
        },
        { secret: true },
      )
    })
  }

  /** The link's token: the identity is re-created without MFA and invited again; the recovery data is cleared. */
  async verifyRecovery(body: VerifyRecoveryBody, sourceAddress: string): Promise<{ message: string }> {
    return atLeast(this.settings.verifyMinimumMs, async () => {
      if (!(await this.recaptcha.verify(body.recaptchaToken, sourceAddress))) throw accessDenied('Invalid request')
      if ((await this.limits.hit('recovery-verify', body.providerId)) > VERIFICATIONS_PER_WINDOW) throw tooManyRequests()
      if (!isCompact(body.compact)) throw invalidRecoveryLink()
      const provider = await this.accounts.provider(this.database.db, body.compact, body.providerId)
      if (!provider?.recoveryToken || !provider.recoveryExpiry) throw invalidRecoveryLink()
      if (provider.recoveryExpiry.getTime() <= Date.now()) {
        await this.accounts.update(this.database.db, provider.providerId, { recoveryToken: null, recoveryExpiry: null })
        throw invalidRecoveryLink()
      }
      if (!(await verifyAccountSecret(body.recoveryToken, provider.recoveryToken))) throw invalidRecoveryLink()
      await this.database.transaction(async (tx) => {
        const locked = await this.accounts.lockProvider(tx, body.compact, body.providerId)
        // Spent by a concurrent verification meanwhile.
        if (!locked || locked.recoveryToken !== provider.recoveryToken) throw invalidRecoveryLink()
        const registered = locked.compactConnectRegisteredEmailAddress
        if (!registered) throw internalError()
        const old = await this.identities.byUsername(tx, 'provider', registered)
        // Cognito's AdminDeleteUser + AdminCreateUser: a new identity (new sub, no authenticator), invited again.
        if (old) await this.identities.delete(tx, old.sub)
        const identity = await this.identities.insert(tx, {
          sub: randomUUID(),
          pool: 'provider',
          username: registered,
          email: registered,
          passwordHash: null,
          status: 'FORCE_CHANGE_PASSWORD',
          enabled: true,
          attributes: { 'custom:compact': locked.compact, 'custom:providerId': locked.providerId },
        })
        await this.invitations.invite(tx, identity)
        await this.accounts.update(tx, locked.providerId, { recoveryToken: null, recoveryExpiry: null })
      })
      return REQUEST_PROCESSED
    })
  }

  // ---- e-mail change ----

  async requestEmailChange(caller: ProviderCaller, body: EmailChangeBody): Promise<{ message: string }> {
    const newEmail = body.newEmailAddress
    if (await this.identities.byUsername(this.database.db, 'provider', newEmail)) throw emailInUse()
    const code = String(randomInt(1000, 10_000))
    const codeHash = await hashAccountSecret(code)
    await this.database.transaction(async (tx) => {
      const provider = await this.requireProvider(tx, caller)
      await this.accounts.update(tx, provider.providerId, { pendingEmailAddress: newEmail, emailVerificationCode: codeHash, emailVerificationExpiry: new Date(Date.now() + FIFTEEN_MINUTES_MS) })
      await this.notify(
        tx,
        {
          template: 'providerEmailVerificationCode',
          recipientType: 'SPECIFIC',
          compact: provider.compact,
          specificEmails: [newEmail],
          templateVariables: { verificationCode: code },
        },
        { secret: true },
      )
    })
    return { message: 'Verification code sent to new email address' }
  }

  async verifyEmailChange(caller: ProviderCaller, body: EmailVerifyBody): Promise<{ message: string }> {
    const pending = await this.requireProvider(this.database.db, caller)
    if (!pending.pendingEmailAddress || !pending.emailVerificationCode || !pending.emailVerificationExpiry) throw badRequest('No email change is pending')
    if (pending.emailVerificationExpiry.getTime() <= Date.now()) {
      await this.clearPending(this.database.db, pending.providerId)
      throw badRequest('Verification code has expired')
    }
    if ((await this.limits.hit('email-verify', pending.providerId)) > EMAIL_CODE_GUESSES) throw tooManyRequests()
    if (!(await verifyAccountSecret(body.verificationCode, pending.emailVerificationCode))) throw badRequest('Invalid verification code')

    const outcome = await this.database.transaction(async (tx) => {
      const provider = await this.accounts.lockProvider(tx, caller.compact, caller.providerId)
      if (!provider || provider.emailVerificationCode !== pending.emailVerificationCode) return 'changed' as const
      const newEmail = provider.pendingEmailAddress!
      if (await this.identities.byUsername(tx, 'provider', newEmail)) {
        await this.clearPending(tx, provider.providerId)
        return 'taken' as const
      }
      const oldEmail = provider.compactConnectRegisteredEmailAddress
      const identity = (await this.identities.bySub(tx, 'provider', caller.sub)) ?? (oldEmail ? await this.identities.byUsername(tx, 'provider', oldEmail) : undefined)
      if (!identity) throw internalError()
      // The login and the registered address change together, or neither does (the original rolled Cognito back).
      await this.identities.update(tx, identity.sub, { username: newEmail, email: newEmail })
      const now = new Date()
      await this.accounts.update(tx, provider.providerId, {
        compactConnectRegisteredEmailAddress: newEmail,
        pendingEmailAddress: null,
        emailVerificationCode: null,
        emailVerificationExpiry: null,
        dateOfUpdate: now,
        providerDateOfUpdate: now,
      })
      await this.accounts.insertProviderUpdate(tx, {
        recordType: 'provider',
        providerId: provider.providerId,
        compact: provider.compact,
        updateType: 'emailChange',
        previous: snapshot(provider),
        updatedValues: { compactConnectRegisteredEmailAddress: newEmail },
        removedValues: ['pendingEmailAddress', 'emailVerificationCode', 'emailVerificationExpiry'],
        createDate: now,
        effectiveDate: now,
        dateOfUpdate: now,
      })
      if (oldEmail) {
        await this.notify(tx, {
          template: 'providerEmailChangeNotification',
          recipientType: 'SPECIFIC',
          compact: provider.compact,
          specificEmails: [oldEmail],
          templateVariables: { newEmailAddress: newEmail },
        })
      }
      return 'updated' as const
    })
    if (outcome === 'taken') throw emailInUse()
    if (outcome === 'changed') throw badRequest('Invalid verification code')
    return { message: 'Email address updated successfully' }
  }

  private async requireProvider(db: Db, caller: ProviderCaller): Promise<ProviderRow> {
    const provider = await this.accounts.provider(db, caller.compact, caller.providerId)
    // A practitioner token naming no provider: the original's handlers failed the same way (§2.2 `me`).
    if (!provider) throw internalError()
    return provider
  }

  private clearPending(db: Db, providerId: string): Promise<void> {
    return this.accounts.update(db, providerId, { pendingEmailAddress: null, emailVerificationCode: null, emailVerificationExpiry: null })
  }
}

/** The update record's `previous`: the provider as it was, without the secrets of §3.3. */
function snapshot(provider: ProviderRow): Record<string, unknown> {
  const { recoveryToken: _recoveryToken, emailVerificationCode: _code, ...rest } = provider
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>
}

/**
 * The link the recovery e-mail carries (§4.5: it names the compact, the provider and the token); the web app's page
 * reads them and calls `POST /v1/provider-users/verifyRecovery`. The page path is ours.
 */
export function recoveryLink(uiUrl: string, compact: string, providerId: string, token: string): string {
  const query = new URLSearchParams({ compact, providerId, recoveryToken: token })
  return `${uiUrl.replace(/\/$/, '')}/Dashboard/MfaRecovery?${query.toString()}`
}
