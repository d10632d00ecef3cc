import { badRequest } from '../../errors.ts'
import type { Direction, ProviderQuery, ProviderRow, ProvidersRepository, SortKey } from './providers.repository.ts'
import type { ProviderQueryBody } from './providers.schemas.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DEFAULT_PAGE_SIZE = 100

/** Provider ids are UUIDs; anything else names no provider. */
export const isProviderId = (value: string) => UUID.test(value)

export interface ProviderQueryPage<View> {
  query: ProviderQueryBody['query']
  sorting: { key: SortKey; direction: Direction }
  providers: View[]
  pagination: { pageSize: number; prevLastKey: string | null; lastKey: string | null }
}

/** What a page key is made of; each endpoint reads the rest it shows. */
type KeyedRow = Pick<ProviderRow, 'providerId' | 'providerFamGivMid' | 'providerDateOfUpdate'>

export interface ProviderQueryOptions<Row extends KeyedRow, View> {
  /** Reads the rows of one page (and one more, to know whether another follows). */
  load: (query: ProviderQuery) => Promise<Row[]>
  toView: (row: Row) => View
  /** The public lookup lists only providers holding a privilege, unless it asks for one `providerId` (§2.1). */
  withPrivileges?: boolean
  /** The public lookup answers an empty page for a jurisdiction that is not live (§2.1). */
  jurisdictionListed?: (jurisdiction: string) => Promise<boolean>
}

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
 * The provider query shared by the staff (§2.6) and public (§2.1) endpoints: `givenName` needs `familyName`, a name
 * search sorts by family name (asking for `dateOfUpdate` with it is a 400), and pages are keyed by the last row's
 * sort value and id (base64 JSON, `Invalid lastKey` when unreadable).
 */
export async function queryProviders<Row extends KeyedRow, View>(
  repository: Pick<ProvidersRepository, 'sortValueOf'>,
  compact: string,
  body: ProviderQueryBody,
  options: ProviderQueryOptions<Row, View>,
): Promise<ProviderQueryPage<View>> {
  const { query } = body
  if (query.givenName !== undefined && query.familyName === undefined) throw badRequest('familyName is required if givenName is provided')
  const key: SortKey = body.sorting?.key ?? 'dateOfUpdate'
  const direction: Direction = body.sorting?.direction ?? 'ascending'
  if ((query.givenName !== undefined || query.familyName !== undefined) && key === 'dateOfUpdate' && body.sorting !== undefined) throw badRequest('Invalid sort key for a name search: familyName')
  const sortKey: SortKey = query.familyName !== undefined ? 'familyName' : key
  const pageSize = body.pagination?.pageSize ?? DEFAULT_PAGE_SIZE
  const after = decodeLastKey(body.pagination?.lastKey)
  const page = (providers: View[], lastKey: string | null): ProviderQueryPage<View> => ({
    query,
    sorting: { key: sortKey, direction },
    providers,
    pagination: { pageSize, prevLastKey: body.pagination?.lastKey ?? null, lastKey },
  })
  const jurisdiction = query.jurisdiction?.toLowerCase()
  if (jurisdiction !== undefined && options.jurisdictionListed && !(await options.jurisdictionListed(jurisdiction))) return page([], null)
  const rows = await options.load({
    compact,
    providerId: query.providerId,
    jurisdiction,
    givenName: query.givenName,
    familyName: query.familyName,
    sortKey,
    direction,
    after,
    limit: pageSize + 1,
    ...(options.withPrivileges ? { withPrivileges: true } : {}),
  })
  const shown = rows.slice(0, pageSize)
  const last = shown[shown.length - 1]
  const lastKey = rows.length > pageSize && last ? Buffer.from(JSON.stringify({ sortValue: repository.sortValueOf(last, sortKey), providerId: last.providerId })).toString('base64') : null
  return page(shown.map(options.toView), lastKey)
}
