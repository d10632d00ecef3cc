import { randomUUID } from 'node:crypto'
import type { Database } from '@hearth/kernel'
import { isCompact, licenseTypeNames } from '../../domain/compacts.ts'
import { accessDenied, badRequest, internalError, tooManyRequests } from '../../errors.ts'
import type { IdentityRepository } from '../../auth/identity.repository.ts'
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
  ) {}

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
        // A registration never completed for more than a day may be redone (§4.4); otherwise the
        // registered address would be told of the attempt (e-mail not sent: see README).
        if (!abandoned) return REQUEST_PROCESSED
        if (existing.username.toLowerCase() === body.email.toLowerCase()) return REQUEST_PROCESSED
        await this.identities.delete(tx, existing.sub)
      }
      if (await this.identities.byUsername(tx, 'provider', body.email)) return REQUEST_PROCESSED
      await this.identities.insert(tx, {
        sub: randomUUID(),
        pool: 'provider',
        username: body.email,
        email: body.email,
        passwordHash: null,
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: true,
        attributes: { 'custom:compact': compact, 'custom:providerId': provider.providerId },
      })
      const now = new Date()
      const updatedValues = { compactConnectRegisteredEmailAddress: body.email, currentHomeJurisdiction: license.jurisdiction }
      await this.registration.updateProvider(tx, provider.providerId, { ...updatedValues, dateOfUpdate: now, providerDateOfUpdate: now })
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
