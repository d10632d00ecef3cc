import { Type, type Static } from 'typebox'
import { ProviderDetailView } from '../providers/providers.schemas.ts'

/** Wire shapes of the search API (§2.8). The query itself is checked by query-translator.ts (its refusals are 400s). */

const QueryDsl = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'Restricted OpenSearch query DSL: match_all, term, terms, match, match_phrase_prefix, range, bool {must, filter, should, must_not, minimum_should_match}, nested {path, query, inner_hits {from, name, size}}; at most 20 levels deep; no index/_index keys.',
  },
)
const SortValue = Type.Union([Type.String({ maxLength: 1024 }), Type.Number({ minimum: -8.64e15, maximum: 8.64e15, description: 'epoch milliseconds for a date sort' })])

export const SearchProvidersBody = Type.Object(
  {
    query: QueryDsl,
    from: Type.Optional(Type.Integer({ minimum: 0, maximum: 9900 })),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    sort: Type.Optional(
      Type.Array(Type.Object({}, { additionalProperties: true }), {
        maxItems: 5,
        description: '[{field: {order: asc|desc}}]; sortable: dateOfExpiration, dateOfUpdate, familyName.keyword, givenName.keyword, providerId',
      }),
    ),
    search_after: Type.Optional(Type.Array(SortValue, { maxItems: 5, description: 'The previous page’s lastSort (requires sort)' })),
  },
  { additionalProperties: false },
)
export type SearchProvidersBody = Static<typeof SearchProvidersBody>

export const SearchProvidersResult = Type.Object({
  providers: Type.Array(ProviderDetailView),
  total: Type.Object({ value: Type.Integer(), relation: Type.Union([Type.Literal('eq'), Type.Literal('gte')]) }),
  lastSort: Type.Optional(Type.Array(SortValue)),
})
export type SearchProvidersResult = Static<typeof SearchProvidersResult>

/** The web app builds the export body with the search's helper; paging and sort fields are accepted and ignored. */
export const ExportPrivilegesBody = Type.Object(
  {
    query: QueryDsl,
    from: Type.Optional(Type.Unknown()),
    size: Type.Optional(Type.Unknown()),
    sort: Type.Optional(Type.Unknown()),
    search_after: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
)
export type ExportPrivilegesBody = Static<typeof ExportPrivilegesBody>

export const ExportPrivilegesResult = Type.Object({ fileUrl: Type.String({ description: 'Where the CSV can be fetched for 60 seconds (no token needed)' }) })
export type ExportPrivilegesResult = Static<typeof ExportPrivilegesResult>
