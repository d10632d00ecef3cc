import type { Database } from '@hearth/kernel'
import { isCompact } from '../../domain/compacts.ts'
import { badRequest, notFound } from '../../errors.ts'
import type { ConfigurationService } from '../configuration/configuration.service.ts'
import type { Direction, ProvidersRepository, SortKey } from '../providers/providers.repository.ts'
import type { ProviderQueryBody } from '../providers/providers.schemas.ts'
import { toPublicProvider, toPublicProviderDetail } from './public.mappers.ts'
import type { PublicProviderQueryResult, PublicProviderView } from './public.schemas.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DEFAULT_PAGE_SIZE = 100
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function decodeLastKey(lastKey: string | undefined): { sortValue: string; providerId: string } | undefined {
  if (lastKey === undefined) return undefined
  try {
    const parsed = JSON.parse(Buffer.from(lastKey, 'base64').toString('utf8')) as Record<string, unknown>
    if (typeof parsed.sortValue === 'string' && typeof parsed.providerId === 'string' && UUID.test(parsed.providerId)) return { sortValue: parsed.sortValue, providerId: parsed.providerId }
  } catch {
    // the 400 below
  }
  throw badRequest('Invalid lastKey')
}

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
    const { query } = body
    if (query.givenName !== undefined && query.familyName === undefined) throw badRequest('familyName is required if givenName is provided')
    const key: SortKey = body.sorting?.key ?? 'dateOfUpdate'
    const direction: Direction = body.sorting?.direction ?? 'ascending'
    if ((query.givenName !== undefined || query.familyName !== undefined) && key === 'dateOfUpdate' && body.sorting !== undefined) throw badRequest('Invalid sort key for a name search: familyName')
    const sortKey: SortKey = query.familyName !== undefined ? 'familyName' : key
    const pageSize = body.pagination?.pageSize ?? DEFAULT_PAGE_SIZE
    const after = decodeLastKey(body.pagination?.lastKey)
    const result = (providers: PublicProviderView[], lastKey: string | null): PublicProviderQueryResult => ({
      query,
      sorting: { key: sortKey, direction },
      providers,
      pagination: { pageSize, prevLastKey: body.pagination?.lastKey ?? null, lastKey },
    })
    const jurisdiction = query.jurisdiction?.toLowerCase()
    if (jurisdiction !== undefined) {
      const live = (await this.configuration.liveJurisdictions(compact))[compact] ?? []
      if (!live.includes(jurisdiction)) return result([], null)
    }
    const rows = await this.providers.query(this.database.db, {
      compact,
      providerId: query.providerId,
      jurisdiction,
      givenName: query.givenName,
      familyName: query.familyName,
      sortKey,
      direction,
      after,
      limit: pageSize + 1,
      withPrivileges: query.providerId === undefined,
    })
    const page = rows.slice(0, pageSize)
    const last = page[page.length - 1]
    const lastKey = rows.length > pageSize && last ? Buffer.from(JSON.stringify({ sortValue: this.providers.sortValueOf(last, sortKey), providerId: last.providerId })).toString('base64') : null
    return result(
      page.map((row) => toPublicProvider(row)),
      lastKey,
    )
  }

  async get(compact: string, providerId: string): Promise<PublicProviderView> {
    const started = Date.now()
    try {
      if (!isCompact(compact)) throw badRequest('Invalid compact')
      const bundle = UUID.test(providerId) ? await this.providers.bundle(this.database.db, compact, providerId.toLowerCase()) : undefined
      if (!bundle || bundle.privileges.length === 0) throw notFound('Provider not found')
      return toPublicProviderDetail(bundle)
    } finally {
      const remaining = this.minimumMs - (Date.now() - started)
      if (remaining > 0) await sleep(remaining)
    }
  }
}
