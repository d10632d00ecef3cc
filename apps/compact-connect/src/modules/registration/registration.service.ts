import { randomUUID } from 'node:crypto'
import type { Database, Db } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import { isCompact, licenseTypeNames } from '../../domain/compacts.ts'
import { accessDenied, badRequest, internalError, tooManyRequests } from '../../errors.ts'
import type { IdentityRepository } from '../../auth/identity.repository.ts'
import type { IdentityInvitations } from '../../auth/invitations.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import { projectionOf } from '../ingest/ingest.service.ts'
import type { ConfigurationRepository } from '../configuration/configuration.repository.ts'
import type { RateLimits } from '../providers/rate-limits.ts'
import type { RecaptchaVerifier } from './recaptcha.ts'
import type { RegistrationRepository } from './registration.repository.ts'
import type { RegistrationBody } from './registration.schemas.ts'

export const REQUEST_PROCESSED = { message: 'request processed' } as const
/** More than this many attempts per source address in the window is a 429 (§4.4: 3 per 15 minutes). */
const ATTEMPTS_PER_WINDOW = 3
const ONE_DAY_MS = 24 * 3600 * 1000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Practitioner self-registration (§4.4), in the original's order: validation (schema) → per-address
 * limit → reCAPTCHA → compact and jurisdiction configuration → license match → identity. Every
 * non-error path answers the same `request processed` (no account enumeration), and every answer
 * takes at least the configured minimum time.
 */
export class RegistrationService {
  constructor(
    private readonly database: Database,
    private readonly registration: RegistrationRepository,
    private readonly configuration: ConfigurationRepository,
    private readonly identities: IdentityRepository,
    private readonly limits: RateLimits,
    private readonly recaptcha: RecaptchaVerifier,
    private readonly minimumMs: number,
    private readonly invitations: IdentityInvitations,
    private readonly jobs: JobRunner<CompactConnectJobs>,
  ) {}

  /** §4.15 `multipleRegistrationAttemptNotification`: someone tried to register with this account's details or address. */
  private async notifyAttempt(db: Db, compact: string, email: string): Promise<void> {
    await this.jobs.enqueue(db, 'notification.send', { template: 'multipleRegistrationAttemptNotification', recipientType: 'SPECIFIC', compact, specificEmails: [email], templateVariables: {} })
  }

  async register(body: RegistrationBody, sourceAddress: string): Promise<{ message: string }> {
    const started = Date.now()
    try {
      return await this.attempt(body, sourceAddress)
    } finally {
      const remaining = this.minimumMs - (Date.now() - started)
      if (remaining > 0) await sleep(remaining)
    }
  }

  private async attempt(body: RegistrationBody, sourceAddress: string): Promise<{ message: string }> {
    const compact = body.compact
    if (!isCompact(compact)) throw badRequest(`Invalid compact: ${compact}`)
    if (!licenseTypeNames(compact).includes(body.licenseType)) throw badRequest(`Invalid license type: ${body.licenseType}`)
    if ((await this.limits.hit('registration', sourceAddress)) > ATTEMPTS_PER_WINDOW) throw tooManyRequests()
    if (!(await this.recaptcha.verify(body.token, sourceAddress))) throw accessDenied('Invalid request')

    const db = this.database.db
    const compactConfig = await this.configuration.compact(db, compact)
    if (!compactConfig) throw badRequest('Registration is not currently available for this compact.')
    if (!compactConfig.licenseeRegistrationEnabled) throw badRequest('Registration is not currently available for this compact.')
    const jurisdictionConfig = await this.configuration.jurisdiction(db, compact, body.jurisdiction)
    if (!jurisdictionConfig) throw badRequest('Registration is not currently available for the specified state.')
    const live = compactConfig.configuredStates.some((state) => state.postalAbbreviation === body.jurisdiction && state.isLive)
    if (!live) throw badRequest('Registration is not currently available for the specified state.')

    const matches = await this.registration.matchingLicenses(db, {
      compact,
      jurisdiction: body.jurisdiction,
      givenName: body.givenName,
      familyName: body.familyName,
      ssnLastFour: body.partialSocial,
      dateOfBirth: body.dob,
      licenseType: body.licenseType,
    })
    if (matches.length === 0) return REQUEST_PROCESSED
    if (matches.length > 1) throw internalError()
    const license = matches[0]!

    return this.database.transaction(async (tx) => {
      const provider = await this.registration.lockProvider(tx, license.providerId)
      if (!provider) throw internalError()
      if (provider.compactConnectRegisteredEmailAddress) {
        const existing = await this.identities.byUsername(tx, 'provider', provider.compactConnectRegisteredEmailAddress)
        const abandoned = existing !== undefined && existing.status === 'FORCE_CHANGE_PASSWORD' && Date.now() - existing.updatedAt.getTime() > ONE_DAY_MS
        // A registration never completed for more than a day may be redone (§4.4); otherwise the registered
        // address is told of the attempt.
        if (!abandoned) {
          await this.notifyAttempt(tx, compact, provider.compactConnectRegisteredEmailAddress)
          return REQUEST_PROCESSED
        }
        if (existing.username.toLowerCase() === body.email.toLowerCase()) {
          // Same address: the invitation (a new temporary password) is sent again, nothing else changes.
          await this.invitations.invite(tx, existing)
          return REQUEST_PROCESSED
        }
        await this.identities.delete(tx, existing.sub)
      }
      if (await this.identities.byUsername(tx, 'provider', body.email)) {
        await this.notifyAttempt(tx, compact, body.email)
        return REQUEST_PROCESSED
      }
      const identity = await this.identities.insert(tx, {
        sub: randomUUID(),
        pool: 'provider',
        username: body.email,
        email: body.email,
        passwordHash: null,
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: true,
        attributes: { 'custom:compact': compact, 'custom:providerId': provider.providerId },
      })
      // Cognito e-mailed the temporary password on AdminCreateUser; here the job is sent once this commits.
      await this.invitations.invite(tx, identity)
      const now = new Date()
      // The provider is rebuilt from the matched license (§4.4), its home becomes that license's jurisdiction.
      const projection = projectionOf(license)
      const updatedValues: Record<string, unknown> = { compactConnectRegisteredEmailAddress: body.email, currentHomeJurisdiction: license.jurisdiction }
      for (const [key, value] of Object.entries(projection)) {
        if ((provider as Record<string, unknown>)[key] !== value) updatedValues[key] = value
      }
      await this.registration.updateProvider(tx, provider.providerId, {
        ...projection,
        compactConnectRegisteredEmailAddress: body.email,
        currentHomeJurisdiction: license.jurisdiction,
        dateOfUpdate: now,
        providerDateOfUpdate: now,
      })
      await this.registration.insertProviderUpdate(tx, {
        recordType: 'provider',
        providerId: provider.providerId,
        compact,
        updateType: 'registration',
        previous: JSON.parse(JSON.stringify(provider)) as Record<string, unknown>,
        updatedValues,
        createDate: now,
        effectiveDate: now,
        dateOfUpdate: now,
      })
      return REQUEST_PROCESSED
    })
  }
}
