// The search API's query translator (§2.8) as plain functions: a table of OpenSearch DSL → SQL fragments and
// parameters, then hostile inputs, each refused with a SearchQueryError (a 400 at the API), never anything else.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PgDialect } from 'drizzle-orm/pg-core'
import { checkQueryShape, orderBy, parseSort, searchAfter, SearchQueryError, sortValues, translateQuery } from '../src/modules/search/query-translator.ts'

const dialect = new PgDialect()
const render = (query: unknown) => dialect.sqlToQuery(translateQuery(query, { today: '2026-01-15' }).where)
const collapse = (text: string) => text.replace(/\s+/g, ' ').trim()

const cases: { name: string; query: unknown; sql: string[]; params: unknown[] }[] = [
  { name: 'match_all', query: { match_all: {} }, sql: ['TRUE'], params: [] },
  {
    name: 'match_phrase_prefix on an analysed name (folded, phrase prefix)',
    query: { match_phrase_prefix: { familyName: 'Mü' } },
    sql: ["pr.family_name_folded LIKE '%' || rtrim(cc_search_fold($1)) || '%'"],
    params: ['Mü'],
  },
  { name: 'term on a keyword field', query: { term: { licenseJurisdiction: 'oh' } }, sql: ['pr.license_jurisdiction = $1'], params: ['oh'] },
  { name: 'term with {value}', query: { term: { licenseJurisdiction: { value: 'oh', boost: 2 } } }, sql: ['pr.license_jurisdiction = $1'], params: ['oh'] },
  { name: 'term on a text field is one token as given', query: { term: { givenName: 'theo' } }, sql: ['pr.given_name_folded LIKE $1'], params: ['% theo %'] },
  { name: 'term on a uuid field', query: { term: { providerId: 'C0000000-0000-4000-8000-000000000002' } }, sql: ['pr.provider_id = $1::uuid'], params: ['c0000000-0000-4000-8000-000000000002'] },
  { name: 'term on a uuid field with a non-uuid matches nothing', query: { term: { providerId: 'x' } }, sql: ['FALSE'], params: [] },
  { name: 'terms on a keyword field', query: { terms: { licenseJurisdiction: ['oh', 'ky'] } }, sql: ['pr.license_jurisdiction = ANY($1::text[])'], params: [['oh', 'ky']] },
  {
    name: 'terms on an array field',
    query: { terms: { privilegeJurisdictions: ['co'] } },
    sql: ['EXISTS (SELECT 1 FROM unnest(pr.privilege_jurisdictions) AS element(value) WHERE element.value = ANY($1::text[]))'],
    params: [['co']],
  },
  { name: 'match on a keyword field is exact', query: { match: { npi: '1000000002' } }, sql: ['pr.npi = $1'], params: ['1000000002'] },
  {
    name: 'match on a text field: any analysed token',
    query: { match: { familyName: 'van Berg' } },
    sql: ["(pr.family_name_folded LIKE '%' || cc_search_fold($1) || '%' OR pr.family_name_folded LIKE '%' || cc_search_fold($2) || '%')"],
    params: ['van', 'Berg'],
  },
  {
    name: 'top-level licenseNumber reaches the licenses',
    query: { match: { licenseNumber: 'OH-SLP-1002' } },
    sql: ['EXISTS (SELECT 1 FROM licenses ln WHERE ln.provider_id = pr.provider_id AND ln.license_number = $1)'],
    params: ['OH-SLP-1002'],
  },
  {
    name: 'calculated licenseStatus uses today (UTC−4)',
    query: { term: { licenseStatus: 'active' } },
    sql: ['>= $1::date', "THEN 'active' ELSE 'inactive' END) = $2"],
    params: ['2026-01-15', 'active'],
  },
  {
    name: 'range on a date field',
    query: { range: { dateOfExpiration: { gte: '2025-01-01', lt: '2026-01-01' } } },
    sql: ['(pr.date_of_expiration >= $1::date AND pr.date_of_expiration < $2::date)'],
    params: ['2025-01-01', '2026-01-01'],
  },
  {
    name: 'range on a date-time field rounds a bare lte date up to the end of the day',
    query: { range: { dateOfUpdate: { gte: '2026-01-15', lte: '2026-01-15' } } },
    sql: ['(pr.date_of_update >= $1::timestamptz AND pr.date_of_update < $2::timestamptz)'],
    params: ['2026-01-15T00:00:00.000Z', '2026-01-16T00:00:00.000Z'],
  },
  { name: 'range with epoch milliseconds', query: { range: { dateOfUpdate: { gt: 0 } } }, sql: ['(pr.date_of_update > $1::timestamptz)'], params: ['1970-01-01T00:00:00.000Z'] },
  {
    name: 'bool must + must_not',
    query: { bool: { must: [{ term: { compact: 'aslp' } }], must_not: [{ term: { npi: '1' } }] } },
    sql: ['(pr.compact = $1 AND NOT (pr.npi = $2))'],
    params: ['aslp', '1'],
  },
  { name: 'bool should alone needs one', query: { bool: { should: [{ term: { npi: '1' } }, { term: { npi: '2' } }] } }, sql: ['((pr.npi = $1 OR pr.npi = $2))'], params: ['1', '2'] },
  { name: 'bool should beside must only scores', query: { bool: { must: [{ term: { npi: '1' } }], should: [{ term: { npi: '2' } }] } }, sql: ['(pr.npi = $1)'], params: ['1'] },
  {
    name: 'bool minimum_should_match 2',
    query: { bool: { should: [{ term: { npi: '1' } }, { term: { npi: '2' } }, { term: { npi: '3' } }], minimum_should_match: 2 } },
    sql: ['(CASE WHEN pr.npi = $1 THEN 1 ELSE 0 END) + (CASE WHEN pr.npi = $2 THEN 1 ELSE 0 END) + (CASE WHEN pr.npi = $3 THEN 1 ELSE 0 END)) >= $4'],
    params: ['1', '2', '3', 2],
  },
  { name: 'empty bool matches all', query: { bool: {} }, sql: ['TRUE'], params: [] },
  {
    name: 'nested privileges (the web app’s privilege state and purchase dates)',
    query: {
      nested: {
        path: 'privileges',
        query: {
          bool: {
            must: [{ term: { 'privileges.jurisdiction': 'co' } }],
            should: [{ range: { 'privileges.dateOfIssuance': { gte: '2025-01-01' } } }, { range: { 'privileges.dateOfRenewal': { gte: '2025-01-01' } } }],
            minimum_should_match: 1,
          },
        },
        inner_hits: {},
      },
    },
    sql: [
      'EXISTS (SELECT 1 FROM privileges n1 WHERE n1.provider_id = pr.provider_id AND (n1.jurisdiction = $1 AND ((n1.date_of_issuance >= $2::timestamptz) OR (n1.date_of_renewal >= $3::timestamptz))))',
    ],
    params: ['co', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
  },
  {
    name: 'nested two levels (the web app’s encumbrance dates)',
    query: { nested: { path: 'licenses', query: { nested: { path: 'licenses.adverseActions', query: { range: { 'licenses.adverseActions.effectiveStartDate': { gte: '2025-01-01' } } } } } } },
    sql: [
      "EXISTS (SELECT 1 FROM licenses n1 WHERE n1.provider_id = pr.provider_id AND EXISTS (SELECT 1 FROM adverse_actions n2 WHERE n2.provider_id = n1.provider_id AND n2.action_against = 'license' AND n2.jurisdiction = n1.jurisdiction AND n2.license_type = n1.license_type AND (n2.effective_start_date >= $1::date)))",
    ],
    params: ['2025-01-01'],
  },
  {
    name: 'nested open investigations',
    query: { nested: { path: 'privileges', query: { nested: { path: 'privileges.investigations', query: { term: { 'privileges.investigations.type': 'investigation' } } } } } },
    sql: ["n2.investigation_against = 'privilege'", 'n2.close_date IS NULL', '$1::text = $2'],
    params: ['investigation', 'investigation'],
  },
  { name: 'familyName.keyword is exact and case-sensitive', query: { term: { 'familyName.keyword': 'Marsh' } }, sql: ['pr.family_name = $1'], params: ['Marsh'] },
  { name: 'match_phrase_prefix on a keyword escapes LIKE characters', query: { match_phrase_prefix: { npi: '1%_' } }, sql: ['pr.npi LIKE $1'], params: ['1\\%\\_%'] },
  { name: 'a phrase prefix with no word matches nothing', query: { match_phrase_prefix: { familyName: '%%' } }, sql: ['FALSE'], params: [] },
]

for (const entry of cases) {
  test(`translate: ${entry.name}`, () => {
    const { sql, params } = render(entry.query)
    for (const fragment of entry.sql) assert.ok(collapse(sql).includes(fragment), `${collapse(sql)}\n  lacks\n${fragment}`)
    assert.deepEqual(params, entry.params)
  })
}

test('values never reach the SQL text', () => {
  const hostile = "x'); DROP TABLE providers; --"
  const { sql, params } = render({ bool: { must: [{ term: { licenseJurisdiction: hostile } }, { match_phrase_prefix: { familyName: hostile } }, { match: { npi: hostile } }] } })
  assert.ok(!sql.includes('DROP'))
  assert.ok(params.includes(hostile))
})

const refused: { name: string; query: unknown; message: RegExp }[] = [
  { name: 'an unknown clause', query: { script: { source: '1' } }, message: /unknown query clause 'script'/ },
  { name: 'query_string (free-form)', query: { query_string: { query: 'familyName:x' } }, message: /unknown query clause 'query_string'/ },
  { name: 'two clauses in one object', query: { term: { npi: '1' }, match_all: {} }, message: /exactly one query clause/ },
  { name: 'a clause that is not an object', query: 'match_all', message: /must be a query clause object/ },
  { name: 'an unknown field', query: { term: { ssn: '123456789' } }, message: /unknown or unsearchable field 'ssn'/ },
  { name: 'a private field (date of birth)', query: { term: { dateOfBirth: '1985-03-14' } }, message: /unknown or unsearchable field 'dateOfBirth'/ },
  { name: 'a prototype key as field', query: { term: { __proto__: 'x', constructor: 'y' } }, message: /exactly one field|unknown or unsearchable field/ },
  { name: '.keyword of a keyword field', query: { term: { 'npi.keyword': '1' } }, message: /unknown or unsearchable/ },
  { name: 'a nested field outside nested', query: { term: { 'privileges.jurisdiction': 'co' } }, message: /inside a nested query on path 'privileges'/ },
  { name: 'a root field inside nested', query: { nested: { path: 'privileges', query: { term: { npi: '1' } } } }, message: /is not a field of nested path 'privileges'/ },
  { name: 'an unknown nested path', query: { nested: { path: 'attestations', query: { match_all: {} } } }, message: /unknown nested path/ },
  { name: 'a grandchild path from the root', query: { nested: { path: 'privileges.adverseActions', query: { match_all: {} } } }, message: /unknown nested path/ },
  { name: 'inner_hits _source', query: { nested: { path: 'privileges', query: { match_all: {} }, inner_hits: { _source: ['x'] } } }, message: /'_source' is not allowed in inner_hits/ },
  { name: 'an unknown bool key', query: { bool: { must: [], boost_mode: 1 } }, message: /unknown bool option/ },
  { name: 'bool must as an object', query: { bool: { must: { match_all: {} } } }, message: /must be a list/ },
  { name: 'a bad minimum_should_match', query: { bool: { should: [{ match_all: {} }], minimum_should_match: '1<-2' } }, message: /minimum_should_match/ },
  {
    name: 'terms lookup into another index',
    query: { terms: { providerId: { index: 'compact_octp_providers', id: '1', path: 'x' } } },
    message: /Cross-index queries are not allowed. Found 'index' at query.terms.providerId.index/,
  },
  { name: 'an _index key anywhere', query: { bool: { must: [{ match_all: { _index: 'x' } }] } }, message: /Cross-index queries are not allowed/ },
  { name: 'terms with an object', query: { terms: { npi: { a: 1 } } }, message: /A terms query must be a plain list of values/ },
  { name: 'too many terms', query: { terms: { npi: Array.from({ length: 1025 }, (_, i) => String(i)) } }, message: /at most 1024/ },
  { name: 'a null value', query: { term: { npi: null } }, message: /must be a string, number or boolean/ },
  { name: 'an object value', query: { match: { npi: { query: { $gt: 1 } } } }, message: /must be a string, number or boolean/ },
  { name: 'date math', query: { range: { dateOfUpdate: { gte: 'now-1d' } } }, message: /must be a date/ },
  { name: 'an impossible date', query: { range: { dateOfExpiration: { gte: '2025-02-30' } } }, message: /must be a date/ },
  { name: 'an unknown range option', query: { range: { dateOfUpdate: { gte: '2025-01-01', relation: 'within' } } }, message: /unknown range option/ },
  { name: 'range on a text field', query: { range: { familyName: { gte: 'a' } } }, message: /range is not supported/ },
  { name: 'phrase prefix on a date', query: { match_phrase_prefix: { dateOfExpiration: '2025' } }, message: /only supported on text and keyword/ },
  { name: 'an unknown option', query: { match: { familyName: { query: 'x', fuzziness: 'AUTO' } } }, message: /unknown option 'fuzziness'/ },
  { name: 'case_insensitive term', query: { term: { npi: { value: 'x', case_insensitive: true } } }, message: /case_insensitive is not supported/ },
  { name: 'a too long value', query: { term: { npi: 'x'.repeat(1025) } }, message: /too long/ },
  { name: 'two fields in one term', query: { term: { npi: '1', suffix: 'Jr.' } }, message: /exactly one field/ },
]

for (const entry of refused) {
  test(`refuse: ${entry.name}`, () => {
    assert.throws(
      () => translateQuery(entry.query, { today: '2026-01-15' }),
      (error: unknown) => error instanceof SearchQueryError && entry.message.test(error.message),
    )
  })
}

test('refuse: nesting deeper than 20 levels, measured without recursion even a million deep', () => {
  let deep: unknown = { match_all: {} }
  for (let level = 0; level < 10; level++) deep = { bool: { must: [deep] } }
  assert.throws(() => checkQueryShape(deep), /Query is too deeply nested \(maximum depth: 20\)\./)
  let ok: unknown = { match_all: {} }
  for (let level = 0; level < 5; level++) ok = { bool: { must: [ok] } }
  assert.doesNotThrow(() => translateQuery(ok, { today: '2026-01-15' }))
  let huge: unknown = 1
  for (let level = 0; level < 1_000_000; level++) huge = [huge]
  assert.throws(() => checkQueryShape(huge), SearchQueryError)
})

test('refuse: too many clauses', () => {
  const query = { bool: { should: Array.from({ length: 1100 }, () => ({ match_all: {} })) } }
  assert.throws(
    () => translateQuery(query, { today: '2026-01-15' }),
    (error: unknown) => error instanceof SearchQueryError,
  )
})

test('sort: the allowed keys, the original’s refusal wording, and a stable tie-breaker', () => {
  assert.deepEqual(parseSort([{ 'familyName.keyword': { order: 'desc' } }]), [{ field: 'familyName.keyword', descending: true }])
  assert.equal(dialect.sqlToQuery(orderBy(parseSort([{ 'familyName.keyword': { order: 'desc' } }]))).sql, 'pr.family_name COLLATE "C" DESC, pr.provider_id ASC')
  assert.equal(dialect.sqlToQuery(orderBy(undefined)).sql, 'pr.family_name COLLATE "C" ASC, pr.given_name COLLATE "C" ASC, pr.provider_id ASC')
  // A name search sorts the trigram matches instead of walking the name-order index (same order).
  assert.equal(
    dialect.sqlToQuery(orderBy(parseSort([{ 'familyName.keyword': { order: 'asc' } }, { dateOfUpdate: { order: 'desc' } }]), { nameSearch: true })).sql,
    `(pr.family_name || '') COLLATE "C" ASC, pr.date_of_update DESC, pr.provider_id ASC`,
  )
  assert.equal(translateQuery({ match_phrase_prefix: { familyName: 'mar' } }, { today: '2026-01-15' }).nameSearch, true)
  assert.equal(translateQuery({ term: { 'familyName.keyword': 'Marsh' } }, { today: '2026-01-15' }).nameSearch, false)
  assert.equal(translateQuery({ nested: { path: 'licenses', query: { match: { 'licenses.familyName': 'marsh' } } } }, { today: '2026-01-15' }).nameSearch, false)
  assert.throws(
    () => parseSort([{ dateOfBirth: { order: 'asc' } }]),
    /Sorting by 'dateOfBirth' is not allowed\. Sortable fields: dateOfExpiration, dateOfUpdate, familyName.keyword, givenName.keyword, providerId\./,
  )
  assert.throws(() => parseSort([{ familyName: { order: 'asc' } }]), /Sorting by 'familyName' is not allowed/)
  assert.throws(() => parseSort([{ providerId: { order: 'up' } }]), /Invalid sort order 'up'\. Allowed values: asc, desc\./)
  assert.throws(() => parseSort([{ providerId: { order: 'asc', nested: { filter: {} } } }]), SearchQueryError)
  assert.throws(() => parseSort([{ providerId: 'asc' }]), SearchQueryError)
  assert.throws(() => parseSort({}), SearchQueryError)
})

test('search_after: lexicographic over the sort keys, values bound, shapes checked', () => {
  const sort = parseSort([{ dateOfUpdate: { order: 'desc' } }, { providerId: { order: 'asc' } }])!
  const { sql, params } = dialect.sqlToQuery(searchAfter(sort, [1768478400000, 'c0000000-0000-4000-8000-000000000002']))
  assert.equal(sql, '(pr.date_of_update < $1::timestamptz OR (pr.date_of_update = $2::timestamptz AND pr.provider_id > $3::uuid))')
  assert.deepEqual(params, ['2026-01-15T12:00:00.000Z', '2026-01-15T12:00:00.000Z', 'c0000000-0000-4000-8000-000000000002'])
  assert.throws(() => searchAfter(sort, ['x']), /one value per sort field/)
  assert.throws(() => searchAfter(sort, [1, 'not-a-uuid']), /must be a provider id/)
  const row = { familyName: 'Marsh', givenName: 'Theo', providerId: 'c0000000-0000-4000-8000-000000000002', dateOfExpiration: '2044-12-31', dateOfUpdate: new Date('2026-01-15T12:00:00Z') }
  assert.deepEqual(sortValues(sort, row), [1768478400000, 'c0000000-0000-4000-8000-000000000002'])
  assert.deepEqual(sortValues(parseSort([{ dateOfExpiration: { order: 'asc' } }, { 'familyName.keyword': { order: 'asc' } }])!, row), [Date.parse('2044-12-31T00:00:00Z'), 'Marsh'])
})
