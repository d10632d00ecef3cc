import { randomBytes } from 'node:crypto'
import type { Database } from '@hearth/kernel'
import { sql, type SQL } from 'drizzle-orm'
import type { StaffCaller } from '../../auth/index.ts'
import { isCompact } from '../../domain/compacts.ts'
import { today } from '../../domain/dates.ts'
import { accessDenied, badRequest, notFound } from '../../errors.ts'
import { maySearch } from '../../policies.ts'
import { withDetailStatuses } from '../providers/providers.mappers.ts'
import { toStatePrivilege } from '../state-api/state-api.service.ts'
import { csvHeader, csvRow } from './privilege-export.ts'
import { orderBy, parseSort, searchAfter, SearchQueryError, sortValues, translateQuery, type Translation } from './query-translator.ts'
import type { SearchRepository } from './search.repository.ts'
import type { ExportPrivilegesBody, ExportPrivilegesResult, SearchProvidersBody, SearchProvidersResult } from './search.schemas.ts'

/** OpenSearch's default `track_total_hits`: totals above it are reported as `{value: 10000, relation: "gte"}`. */
const TOTAL_HITS_TRACKED = 10_000
const DEFAULT_SIZE = 100
/** The export refuses a query matching this many providers (the original's `MAX_MATCH_TOTAL_ALLOWED`). */
export const EXPORT_MAX_MATCHES = 10_000
const EXPORT_URL_SECONDS = 60
const EXPORT_BATCH = 500

/**
 * The search API (§2.8) on PostgreSQL: the request's OpenSearch DSL becomes one SQL condition (query-translator.ts);
 * hits are the compact's providers in the general shape with licenses, privileges and military affiliations.
 * The export answers a URL that streams the matching privileges as CSV for 60 seconds.
 */
export class SearchService {
  constructor(
    private readonly database: Database,
    private readonly repository: SearchRepository,
    private readonly publicUrl: string,
  ) {}

  private authorize(caller: StaffCaller, compact: string): void {
    if (!maySearch(caller.scopes, compact) || !isCompact(compact)) throw accessDenied()
  }

  private translate(query: unknown, now: Date): Translation {
    try {
      return translateQuery(query, { today: today(now) })
    } catch (error) {
      if (error instanceof SearchQueryError) throw badRequest(error.message)
      throw error
    }
  }

  async search(caller: StaffCaller, compact: string, body: SearchProvidersBody, now = new Date()): Promise<SearchProvidersResult> {
    this.authorize(caller, compact)
    const { where, nameSearch } = this.translate(body.query, now)
    let sort: ReturnType<typeof parseSort>
    let after: SQL | undefined
    try {
      sort = parseSort(body.sort)
      if (body.search_after !== undefined) {
        if (sort === undefined) throw new SearchQueryError('sort is required when using search_after pagination')
        if ((body.from ?? 0) !== 0) throw new SearchQueryError('Invalid request: from must be 0 when using search_after')
        after = searchAfter(sort, body.search_after)
      }
    } catch (error) {
      if (error instanceof SearchQueryError) throw badRequest(error.message)
      throw error
    }
    const db = this.database.db
    // The page and the total are independent statements (two pooled connections on a server).
    const [rows, matches] = await Promise.all([
      this.repository.page(db, { compact, where, after, order: orderBy(sort, { nameSearch }), offset: body.from ?? 0, limit: body.size ?? DEFAULT_SIZE }),
      this.repository.count(db, compact, where, TOTAL_HITS_TRACKED + 1),
    ])
    const last = rows[rows.length - 1]
    const result: SearchProvidersResult = {
      providers: rows.map((row) => withDetailStatuses(row.document, now)),
      total: matches > TOTAL_HITS_TRACKED ? { value: TOTAL_HITS_TRACKED, relation: 'gte' } : { value: matches, relation: 'eq' },
    }
    if (sort && last) result.lastSort = sortValues(sort, last)
    return result
  }

  /** POST …/privileges/export: checks the query, its breadth and that a privilege matches, then answers the download URL. */
  async export(caller: StaffCaller, compact: string, body: ExportPrivilegesBody, now = new Date()): Promise<ExportPrivilegesResult> {
    this.authorize(caller, compact)
    const translation = this.translate(body.query, now)
    const db = this.database.db
    if ((await this.repository.count(db, compact, translation.where, EXPORT_MAX_MATCHES)) >= EXPORT_MAX_MATCHES) throw badRequest('Search scope too broad. Please narrow your search.')
    if (!(await this.repository.anyPrivilege(db, compact, translation.where, innerHitsCondition(translation)))) throw notFound('The search parameters did not match any privileges.')
    const token = randomBytes(32).toString('base64url')
    await this.repository.createExport(db, { token, compact, requestedBy: caller.sub, query: body.query, createdAt: now, expiresAt: new Date(now.getTime() + EXPORT_URL_SECONDS * 1000) })
    return { fileUrl: `${this.publicUrl}/v1/compacts/${compact}/privileges/export/${token}` }
  }

  /**
   * GET of the export URL: the CSV, streamed in batches of providers. Privileges come flattened with their home
   * license (the State API's general shape); with `inner_hits` on a privileges `nested` clause only the matching
   * privileges; a privilege whose home license is missing is left out, as in the original.
   */
  async download(compact: string, token: string, now = new Date()): Promise<AsyncIterable<string>> {
    const row = await this.repository.export(this.database.db, token)
    if (!row || row.compact !== compact) throw notFound('Export not found')
    if (row.expiresAt < now) throw accessDenied('Request has expired')
    const translation = this.translate(row.query, now)
    const ids = await this.repository.matchingIds(this.database.db, compact, translation.where, EXPORT_MAX_MATCHES)
    const only = innerHitsCondition(translation)
    const repository = this.repository
    const db = this.database.db
    return (async function* () {
      yield csvHeader()
      for (let start = 0; start < ids.length; start += EXPORT_BATCH) {
        const batch = ids.slice(start, start + EXPORT_BATCH)
        const [providers, privileges, licenses] = [await repository.providersByIds(db, batch), await repository.privilegesOf(db, batch, only), await repository.licensesOf(db, batch)]
        const providerOf = new Map(providers.map((provider) => [provider.providerId, provider]))
        let chunk = ''
        for (const privilege of privileges) {
          const provider = providerOf.get(privilege.providerId)
          const license = licenses.find((item) => item.providerId === privilege.providerId && item.jurisdiction === privilege.licenseJurisdiction && item.licenseType === privilege.licenseType)
          if (!provider || !license || privilege.compact !== compact) continue
          chunk += csvRow(toStatePrivilege(provider, privilege, license, false, now))
        }
        if (chunk !== '') yield chunk
      }
    })()
  }
}

/** The privileges the export keeps: those matching any `nested` privileges clause with `inner_hits` (alias `p`), else all. */
function innerHitsCondition(translation: Translation): SQL | undefined {
  if (translation.privilegeInnerHits.length === 0) return undefined
  return sql`(${sql.join(
    translation.privilegeInnerHits.map((hits) => hits.condition('p')),
    sql.raw(' OR '),
  )})`
}
