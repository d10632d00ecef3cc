import type { Database } from '@hearth/kernel'
import { isCompact, licenseTypeByAbbreviation } from '../../domain/compacts.ts'
import { accessDenied, badRequest, internalError, notFound, tooManyRequests } from '../../errors.ts'
import { hasCompactOrAnyJurisdiction } from '../../permissions.ts'
import { mayAdministerCompact, mayReadGeneral, mayReadPrivate, mayReadSsn, providerJurisdictions } from '../../policies.ts'
import type { DocumentLinks } from '../military/document-links.ts'
import type { ProviderCaller, StaffCaller } from '../../auth/tokens.ts'
import type { IdentityRepository } from '../../auth/identity.repository.ts'
import type { SsnService } from '../licenses/ssn.service.ts'
import { toPrivilegeHistory, toProviderDetail, withSummaryStatuses } from './providers.mappers.ts'
import { isProviderId, queryProviders } from './provider-query.ts'
import type { ProviderBundle, ProvidersRepository } from './providers.repository.ts'
import type { PrivilegeHistoryView, ProviderDetailView, ProviderQueryBody, ProviderQueryResult } from './providers.schemas.ts'
import type { RateLimits } from './rate-limits.ts'

export interface SsnLimits {
  perUser: number
  global: number
}

/**
 * Provider reads: the staff query and detail with §3.3 redaction, the SSN endpoint with its limits
 * (§4.14), privilege history (§4.12) on its three endpoints, and the practitioner's own record.
 */
export class ProvidersService {
  constructor(
    private readonly database: Database,
    private readonly providers: ProvidersRepository,
    private readonly ssn: SsnService,
    private readonly identities: IdentityRepository,
    private readonly limits: RateLimits,
    private readonly ssnLimits: SsnLimits,
    /** cc-enforcement: signs compact admins' military document download links. */
    private readonly documentLinks?: DocumentLinks,
  ) {}

  /** POST /v1/compacts/{c}/providers/query: always the general shape, whoever asks (§2.6). */
  async query(caller: StaffCaller, compact: string, body: ProviderQueryBody): Promise<ProviderQueryResult> {
    if (!mayReadGeneral(caller.scopes, compact) || !isCompact(compact)) throw accessDenied()
    const now = new Date()
    return queryProviders(this.providers, compact, body, {
      // PostgreSQL builds each summary; only the statuses that depend on the moment of the read are added here.
      load: (query) => this.providers.querySummaries(this.database.db, query),
      toView: (row) => withSummaryStatuses(row.summary, now),
    })
  }

  /** GET /v1/compacts/{c}/providers/{id}: private shape for readPrivate for the provider, or compact admin (§3.3). */
  async get(caller: StaffCaller, compact: string, providerId: string): Promise<ProviderDetailView> {
    if (!mayReadGeneral(caller.scopes, compact) || !isCompact(compact)) throw accessDenied()
    const bundle = await this.bundle(compact, providerId)
    const shape = mayReadPrivate(caller.scopes, compact, providerJurisdictions(bundle)) ? 'private' : 'general'
    const links = this.documentLinks
    const downloadLink = links && mayAdministerCompact(caller.scopes, compact) ? (key: string) => links.link(key) : undefined
    return toProviderDetail(bundle, shape, new Date(), downloadLink)
  }

  /**
   * GET .../providers/{id}/ssn (§2.6, §4.14, §9.9): past the readSSN scope check every request counts;
   * the endpoint stays shut while the global flag is set; a user's 6th read in the window is refused and
   * the 7th and later also disable the user; more than the global limit shuts the endpoint off.
   */
  async ssnOf(caller: StaffCaller, compact: string, providerId: string): Promise<{ ssn: string }> {
    if (!hasCompactOrAnyJurisdiction(caller.scopes, compact, 'readSSN') || !isCompact(compact)) throw accessDenied()
    if (await this.providers.ssnShutOff(this.database.db)) throw tooManyRequests()
    const globalCount = await this.limits.hit('ssn-global', 'all')
    const userCount = await this.limits.hit('ssn-user', caller.sub)
    if (globalCount > this.ssnLimits.global) {
      await this.providers.setSsnShutOff(this.database.db)
      throw tooManyRequests()
    }
    if (userCount > this.ssnLimits.perUser + 1) await this.identities.update(this.database.db, caller.sub, { enabled: false })
    if (userCount > this.ssnLimits.perUser) throw tooManyRequests()
    const bundle = await this.bundle(compact, providerId)
    if (!mayReadSsn(caller.scopes, compact, providerJurisdictions(bundle))) throw accessDenied()
    const ssn = await this.ssn.readSsn(compact, providerId)
    if (ssn === undefined) throw notFound('Provider not found')
    return { ssn }
  }

  /** Staff privilege history (with `npdbCategories`). */
  async staffHistory(caller: StaffCaller, compact: string, providerId: string, jurisdiction: string, licenseTypeAbbreviation: string): Promise<PrivilegeHistoryView> {
    if (!mayReadGeneral(caller.scopes, compact) || !isCompact(compact)) throw accessDenied()
    return this.history(compact, providerId, jurisdiction, licenseTypeAbbreviation, true)
  }

  /** Public privilege history (no `npdbCategories`, §2.1). */
  async publicHistory(compact: string, providerId: string, jurisdiction: string, licenseTypeAbbreviation: string): Promise<PrivilegeHistoryView> {
    if (!isCompact(compact)) throw badRequest('Invalid compact')
    return this.history(compact, providerId, jurisdiction, licenseTypeAbbreviation, false)
  }

  /** The practitioner's own privilege history (§2.2). */
  async myHistory(caller: ProviderCaller, jurisdiction: string, licenseTypeAbbreviation: string): Promise<PrivilegeHistoryView> {
    return this.history(caller.compact, caller.providerId, jurisdiction, licenseTypeAbbreviation, true)
  }

  /** GET /v1/provider-users/me: the full record in the private shape; a token naming no provider is a 500, as the original. */
  async me(caller: ProviderCaller): Promise<ProviderDetailView> {
    const bundle = isProviderId(caller.providerId) && isCompact(caller.compact) ? await this.providers.bundle(this.database.db, caller.compact, caller.providerId) : undefined
    if (!bundle) throw internalError()
    return toProviderDetail(bundle, 'private')
  }

  private async history(compact: string, providerId: string, jurisdiction: string, licenseTypeAbbreviation: string, npdbCategories: boolean): Promise<PrivilegeHistoryView> {
    if (!isCompact(compact)) throw badRequest('Invalid compact')
    const licenseType = licenseTypeByAbbreviation(compact, licenseTypeAbbreviation)
    if (licenseType === undefined) throw badRequest(`Invalid license type abbreviation: ${licenseTypeAbbreviation}`)
    const bundle = await this.bundle(compact, providerId)
    const privilege = bundle.privileges.find((row) => row.jurisdiction === jurisdiction.toLowerCase() && row.licenseType === licenseType)
    if (!privilege) throw notFound('Privilege not found')
    return toPrivilegeHistory(bundle, privilege, { npdbCategories })
  }

  private async bundle(compact: string, providerId: string): Promise<ProviderBundle> {
    const bundle = isProviderId(providerId) ? await this.providers.bundle(this.database.db, compact, providerId) : undefined
    if (!bundle) throw notFound('Provider not found')
    return bundle
  }
}
