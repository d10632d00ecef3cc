import type { Database } from '@hearth/kernel'
import { isCompact } from '../../domain/compacts.ts'
import { badRequest, notFound } from '../../errors.ts'
import type { ConfigurationService } from '../configuration/configuration.service.ts'
import { isProviderId, queryProviders } from '../providers/provider-query.ts'
import type { ProvidersRepository } from '../providers/providers.repository.ts'
import type { ProviderQueryBody } from '../providers/providers.schemas.ts'
import { toPublicProvider, toPublicProviderDetail } from './public.mappers.ts'
import type { PublicProviderQueryResult, PublicProviderView } from './public.schemas.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The public lookup (§2.1): no token, the public field subset only. Name, jurisdiction and update-ordered queries
 * list only providers holding a privilege, and a jurisdiction that is not live in the compact lists nobody; a
 * `providerId` query returns that provider regardless. `GET` a provider takes at least the configured minimum
 * time (§4.14), found or not, so timing tells nothing.
 */
export class PublicLookupService {
  constructor(
    private readonly database: Database,
    private readonly providers: ProvidersRepository,
    private readonly configuration: ConfigurationService,
    private readonly minimumMs: number,
  ) {}

  async query(compact: string, body: ProviderQueryBody): Promise<PublicProviderQueryResult> {
    if (!isCompact(compact)) throw badRequest('Invalid compact')
    return queryProviders(this.providers, compact, body, {
      load: (query) => this.providers.query(this.database.db, query),
      toView: (row) => toPublicProvider(row),
      withPrivileges: body.query.providerId === undefined,
      jurisdictionListed: async (jurisdiction) => ((await this.configuration.liveJurisdictions(compact))[compact] ?? []).includes(jurisdiction),
    })
  }

  async get(compact: string, providerId: string): Promise<PublicProviderView> {
    const started = Date.now()
    try {
      if (!isCompact(compact)) throw badRequest('Invalid compact')
      const bundle = isProviderId(providerId) ? await this.providers.bundle(this.database.db, compact, providerId.toLowerCase()) : undefined
      if (!bundle || bundle.privileges.length === 0) throw notFound('Provider not found')
      return toPublicProviderDetail(bundle)
    } finally {
      const remaining = this.minimumMs - (Date.now() - started)
      if (remaining > 0) await sleep(remaining)
    }
  }
}
