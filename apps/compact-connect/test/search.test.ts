// The search API (§2.8) over the QA seed (§9.7): the web app's queries, the response shape, paging with from/size
// and search_after, the refusals (400 in the {"message"} shape), the compact-level readGeneral rule, and the
// privilege export (breadth and emptiness rules, CSV columns, inner hits, the 60-second URL).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { PRIVILEGE_CSV_FIELDS } from '../src/modules/search/privilege-export.ts'
import { bearer, providerToken, staffToken, stateClientToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
let staff: Record<string, string>
const P = (n: number) => `c0000000-0000-4000-8000-00000000000${n}`
const SEARCH = '/v1/compacts/aslp/providers/search'
const EXPORT = '/v1/compacts/aslp/privileges/export'

before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false' } })
  await t.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
  staff = bearer(await staffToken(t.app, { scopes: ['aslp/readGeneral'] }))
})
after(() => t.close())

const search = async (payload: unknown, headers = staff) => t.app.inject({ method: 'POST', url: SEARCH, payload: payload as object, headers })
const ids = (body: { providers: { providerId: string }[] }) => body.providers.map((provider) => provider.providerId)

test('match_all: every provider of the compact, general shape with licenses, privileges and military affiliations', async () => {
  const response = await search({ query: { match_all: {} } })
  assert.equal(response.statusCode, 200, response.body)
  const body = response.json()
  assert.deepEqual(body.total, { value: 8, relation: 'eq' })
  assert.equal(body.lastSort, undefined, 'no sort, no lastSort (as OpenSearch)')
  // default order: family name, then given name (keyword order)
  assert.deepEqual(
    body.providers.map((provider: { familyName: string }) => provider.familyName),
    ['Brandt', 'Delgado', 'Hale', 'Marsh', 'Nwosu', 'Okoro', 'Petrov', 'Quimby'],
  )
  const marsh = body.providers.find((provider: { providerId: string }) => provider.providerId === P(2))
  assert.equal(marsh.type, 'provider')
  assert.deepEqual(
    marsh.privileges.map((privilege: { privilegeId: string }) => privilege.privilegeId),
    ['SLP-CO-1', 'SLP-KY-2', 'SLP-NE-3'],
  )
  assert.equal(marsh.licenses[0].licenseNumber, 'OH-SLP-1002')
  assert.equal(marsh.dateOfBirth, undefined, 'general shape: no date of birth')
  assert.equal(marsh.ssnLastFour, undefined)
  assert.equal(marsh.licenses[0].ssnLastFour, undefined)
  const delgado = body.providers.find((provider: { providerId: string }) => provider.providerId === P(3))
  assert.equal(delgado.militaryAffiliations.length, 1)
  assert.equal(delgado.militaryAffiliations[0].documentKeys, undefined)
  assert.equal(delgado.militaryStatusNote, undefined)
})

test('the web app’s name search: match_phrase_prefix, case- and accent-insensitive', async () => {
  const body = (await search({ query: { bool: { must: [{ match_phrase_prefix: { familyName: 'MAR' } }] } } })).json()
  assert.deepEqual(ids(body), [P(2)])
  assert.deepEqual(ids((await search({ query: { bool: { must: [{ match_phrase_prefix: { givenName: 'thé' } }, { match_phrase_prefix: { familyName: 'marsh' } }] } } })).json()), [P(2)])
  assert.deepEqual(ids((await search({ query: { match_phrase_prefix: { familyName: 'arsh' } } })).json()), [], 'a prefix of a word, not a substring')
  assert.deepEqual((await search({ query: { match_phrase_prefix: { familyName: 'zz' } } })).json(), { providers: [], total: { value: 0, relation: 'eq' } })
})

test('the web app’s filters: home state, military status, npi, license number, privilege state and dates, encumbrance dates, investigations', async () => {
  const must = (...conditions: unknown[]) => ({ query: { bool: { must: conditions } } })
  assert.deepEqual(ids((await search(must({ term: { licenseJurisdiction: 'ky' } }))).json()).sort(), [P(4), P(6)])
  assert.deepEqual(ids((await search(must({ term: { militaryStatus: 'approved' } }))).json()), [P(3)])
  assert.deepEqual(ids((await search(must({ match: { npi: '1000000007' } }))).json()), [P(7)])
  assert.deepEqual(ids((await search(must({ match: { licenseNumber: 'CO-SLP-1008' } }))).json()), [P(8)])
  const privilegeState = { nested: { path: 'privileges', query: { bool: { must: [{ term: { 'privileges.jurisdiction': 'ne' } }] } } } }
  assert.deepEqual(ids((await search(must(privilegeState))).json()), [P(2)])
  const purchased = (gte: string, lte: string) => ({
    nested: {
      path: 'privileges',
      query: { bool: { should: [{ range: { 'privileges.dateOfIssuance': { gte, lte } } }, { range: { 'privileges.dateOfRenewal': { gte, lte } } }], minimum_should_match: 1 } },
    },
  })
  assert.deepEqual(ids((await search(must(purchased('2024-05-20', '2024-05-20')))).json()), [P(4)], 'lte of a bare date includes that whole day')
  assert.deepEqual(ids((await search(must(purchased('2025-01-01', '2025-12-31')))).json()), [P(2)])
  const encumbered = (gte: string) => ({
    bool: {
      should: ['licenses', 'privileges'].map((top) => ({
        nested: { path: top, query: { nested: { path: `${top}.adverseActions`, query: { range: { [`${top}.adverseActions.effectiveStartDate`]: { gte } } } } } },
      })),
      minimum_should_match: 1,
    },
  })
  assert.deepEqual(ids((await search(must(encumbered('2025-01-01')))).json()).sort(), [P(7), P(8)])
  assert.deepEqual(ids((await search(must(encumbered('2019-01-01')))).json()).sort(), [P(1), P(7), P(8)])
  const investigated = {
    bool: {
      must_not: ['licenses', 'privileges'].map((top) => ({
        nested: { path: top, query: { nested: { path: `${top}.investigations`, query: { term: { [`${top}.investigations.type`]: 'investigation' } } } } },
      })),
    },
  }
  assert.equal((await search(must(investigated))).json().total.value, 8, 'nobody is under investigation in the seed')
  assert.deepEqual(ids((await search(must({ term: { licenseStatus: 'inactive' } }))).json()).sort(), [P(4), P(5), P(7)])
  assert.deepEqual(ids((await search(must({ terms: { privilegeJurisdictions: ['oh'] } }))).json()), [P(4)])
})

test('paging: from/size, sort with lastSort, search_after continues without overlap', async () => {
  const first = (await search({ query: { match_all: {} }, size: 3, sort: [{ 'familyName.keyword': { order: 'asc' } }] })).json()
  assert.deepEqual(
    first.providers.map((provider: { familyName: string }) => provider.familyName),
    ['Brandt', 'Delgado', 'Hale'],
  )
  assert.deepEqual(first.lastSort, ['Hale'])
  assert.deepEqual(first.total, { value: 8, relation: 'eq' })
  const next = (await search({ query: { match_all: {} }, size: 3, sort: [{ 'familyName.keyword': { order: 'asc' } }], search_after: first.lastSort })).json()
  assert.deepEqual(
    next.providers.map((provider: { familyName: string }) => provider.familyName),
    ['Marsh', 'Nwosu', 'Okoro'],
  )
  const offset = (await search({ query: { match_all: {} }, from: 3, size: 3, sort: [{ 'familyName.keyword': { order: 'asc' } }] })).json()
  assert.deepEqual(ids(offset), ids(next))
  const byUpdate = (await search({ query: { match_all: {} }, size: 1, sort: [{ dateOfUpdate: { order: 'desc' } }, { providerId: { order: 'asc' } }] })).json()
  assert.equal(typeof byUpdate.lastSort[0], 'number', 'dates sort as epoch milliseconds')
  assert.equal(byUpdate.lastSort[1], byUpdate.providers[0].providerId)
})

test('refusals are 400 {"message"}: unknown clauses and fields, cross-index, depth, sort, search_after, sizes', async () => {
  const refused = async (payload: unknown, pattern: RegExp) => {
    const response = await search(payload)
    assert.equal(response.statusCode, 400, `${JSON.stringify(payload).slice(0, 120)} → ${response.body}`)
    const body = response.json()
    assert.deepEqual(Object.keys(body), ['message'])
    assert.match(body.message, pattern)
  }
  await refused({ query: { script: { script: 'doc' } } }, /unknown query clause 'script'/)
  await refused({ query: { term: { dateOfBirth: '1979-11-02' } } }, /unknown or unsearchable field 'dateOfBirth'/)
  await refused({ query: { terms: { providerId: { index: 'compact_octp_providers', id: 'x', path: 'providerId' } } } }, /Cross-index queries are not allowed/)
  let deep: unknown = { match_all: {} }
  for (let level = 0; level < 12; level++) deep = { bool: { must: [deep] } }
  await refused({ query: deep }, /Query is too deeply nested \(maximum depth: 20\)\./)
  await refused({ query: { match_all: {} }, sort: [{ dateOfBirth: { order: 'asc' } }] }, /Sorting by 'dateOfBirth' is not allowed/)
  await refused({ query: { match_all: {} }, search_after: ['Hale'] }, /^sort is required when using search_after pagination$/)
  await refused({ query: { match_all: {} }, sort: [{ providerId: { order: 'asc' } }], search_after: ['x', 'y'] }, /one value per sort field/)
  await refused({ query: { match_all: {} }, size: 101 }, /size/)
  await refused({ query: { match_all: {} }, size: 0 }, /size/)
  await refused({ query: { match_all: {} }, from: 9901 }, /from/)
  await refused({ query: { match_all: {} }, from: '10' }, /from/)
  await refused({ query: { match_all: {} }, aggs: {} }, /aggs|additional/i)
  await refused({}, /query/)
  await refused({ query: [] }, /query/)
})

test('hostile bodies never produce a 500', async () => {
  const bodies: unknown[] = [
    { query: { bool: { must: [{ term: { familyName: "'; DROP TABLE providers; --" } }] } } },
    { query: { match: { familyName: '\u0000\uffff%_\\' } } },
    { query: { range: { dateOfUpdate: { gte: 1e300 } } } },
    { query: { range: { dateOfExpiration: { gte: '99999-01-01' } } } },
    { query: { terms: { providerId: ['c0000000-0000-4000-8000-000000000002', 1, true] } } },
    {
      query: {
        nested: { path: 'privileges', query: { nested: { path: 'privileges.adverseActions', query: { terms: { 'privileges.adverseActions.clinicalPrivilegeActionCategories': ['Other'] } } } } },
      },
    },
    { query: { bool: { should: Array.from({ length: 50 }, (_, i) => ({ match_phrase_prefix: { familyName: `a${i}` } })), minimum_should_match: '75%' } } },
    { query: { match_all: {} }, sort: [{ dateOfExpiration: { order: 'asc' } }], search_after: ['not a date'] },
    { query: { match_all: {} }, sort: [{ dateOfExpiration: { order: 'asc' } }], search_after: [-8.64e15 - 1] },
  ]
  for (const payload of bodies) {
    const response = await search(payload)
    assert.ok(response.statusCode === 200 || response.statusCode === 400, `${JSON.stringify(payload).slice(0, 100)} → ${response.statusCode} ${response.body}`)
  }
  let nested = '{"match_all":{}}'
  for (let level = 0; level < 5000; level++) nested = `{"bool":{"must":[${nested}]}}`
  const deep = await t.app.inject({ method: 'POST', url: SEARCH, payload: `{"query":${nested}}`, headers: { ...staff, 'content-type': 'application/json' } })
  assert.equal(deep.statusCode, 400, deep.body)
})

test('scope: compact-level readGeneral only (a jurisdiction scope, another compact, provider or state tokens are refused)', async () => {
  const body = { query: { match_all: {} } }
  const jurisdictionOnly = bearer(await staffToken(t.app, { scopes: ['oh/aslp.admin', 'oh/aslp.readPrivate'] }))
  assert.equal((await search(body, jurisdictionOnly)).statusCode, 403)
  const otherCompact = bearer(await staffToken(t.app, { scopes: ['octp/readGeneral'] }))
  assert.equal((await search(body, otherCompact)).statusCode, 403)
  assert.equal((await t.app.inject({ method: 'POST', url: EXPORT, payload: body, headers: jurisdictionOnly })).statusCode, 403)
  const practitioner = bearer(await providerToken(t.app, { compact: 'aslp', providerId: P(1) }))
  assert.equal((await search(body, practitioner)).statusCode, 401)
  const stateClient = bearer(await stateClientToken(t.app, { compact: 'aslp', jurisdiction: 'oh', scopes: ['aslp/readGeneral'] }))
  assert.equal((await search(body, stateClient)).statusCode, 401)
  assert.equal((await t.app.inject({ method: 'POST', url: SEARCH, payload: body })).statusCode, 401)
  const octp = (await t.app.inject({ method: 'POST', url: '/v1/compacts/octp/providers/search', payload: body, headers: otherCompact })).json()
  assert.deepEqual(octp, { providers: [], total: { value: 0, relation: 'eq' } }, 'another compact’s providers never show')
})

// ---- export ----

const exportOf = async (payload: unknown, headers = staff) => t.app.inject({ method: 'POST', url: EXPORT, payload: payload as object, headers })

async function download(fileUrl: string): Promise<{ status: number; type?: string; csv: string }> {
  const url = new URL(fileUrl)
  const response = await t.app.inject({ method: 'GET', url: url.pathname, headers: { authorization: 'null null' } })
  return { status: response.statusCode, type: response.headers['content-type'] as string | undefined, csv: response.body }
}

test('export: every privilege of the matching providers, flattened with the home license, in the original’s columns', async () => {
  const response = await exportOf({ query: { bool: { must: [{ match_phrase_prefix: { familyName: 'marsh' } }] } } })
  assert.equal(response.statusCode, 200, response.body)
  const { fileUrl } = response.json()
  assert.match(fileUrl, /^http:\/\/[^/]+\/v1\/compacts\/aslp\/privileges\/export\/[A-Za-z0-9_-]{43}$/)
  const file = await download(fileUrl)
  assert.equal(file.status, 200, file.csv)
  assert.match(file.type ?? '', /^text\/csv/)
  const lines = file.csv.split('\r\n')
  assert.equal(lines[0], PRIVILEGE_CSV_FIELDS.join(','))
  assert.equal(lines.at(-1), '')
  const rows = lines.slice(1, -1).map((line) => Object.fromEntries(line.split(',').map((value, index) => [PRIVILEGE_CSV_FIELDS[index], value])))
  assert.deepEqual(
    rows.map((row) => row.privilegeId),
    ['SLP-CO-1', 'SLP-KY-2', 'SLP-NE-3'],
  )
  assert.deepEqual(rows[0], {
    type: 'statePrivilege',
    providerId: P(2),
    compact: 'aslp',
    jurisdiction: 'co',
    licenseType: 'speech-language pathologist',
    privilegeId: 'SLP-CO-1',
    status: 'active',
    compactEligibility: 'eligible',
    dateOfExpiration: '2044-12-31',
    dateOfIssuance: '2025-01-10T15:00:00+00:00',
    dateOfRenewal: '2025-01-10T15:00:00+00:00',
    familyName: 'Marsh',
    givenName: 'Theo',
    middleName: '',
    suffix: '',
    licenseJurisdiction: 'oh',
    licenseStatus: 'active',
    licenseStatusName: 'ACTIVE',
    licenseNumber: 'OH-SLP-1002',
    npi: '1000000002',
  })
  assert.ok(!file.csv.includes('1979-11-02') && !/(^|,)1002(,|\r)/m.test(file.csv) && !file.csv.includes('Columbus'), 'no private fields')
})

test('export: inner_hits on a privileges nested clause keeps only the matching privileges', async () => {
  const query = { bool: { must: [{ nested: { path: 'privileges', query: { bool: { must: [{ term: { 'privileges.jurisdiction': 'ky' } }] } }, inner_hits: {} } }] } }
  const { fileUrl } = (await exportOf({ query, size: 10, from: 0, sort: [{ 'familyName.keyword': { order: 'asc' } }] })).json()
  const rows = (await download(fileUrl)).csv.split('\r\n').slice(1, -1)
  assert.equal(rows.length, 1)
  assert.match(rows[0]!, /,SLP-KY-2,inactive,/)
})

test('export: zero privileges → 404; a refused query → 400; the URL expires and names one compact', async () => {
  const none = await exportOf({ query: { bool: { must: [{ match_phrase_prefix: { familyName: 'quimby' } }] } } })
  assert.deepEqual([none.statusCode, none.json()], [404, { message: 'The search parameters did not match any privileges.' }])
  assert.equal((await exportOf({ query: { script: {} } })).statusCode, 400)
  assert.equal((await exportOf({})).statusCode, 400)
  const { fileUrl } = (await exportOf({ query: { match_all: {} } })).json()
  const path = new URL(fileUrl).pathname
  assert.equal((await t.app.inject({ method: 'GET', url: path.replace('/aslp/', '/octp/') })).statusCode, 404)
  assert.equal((await t.app.inject({ method: 'GET', url: '/v1/compacts/aslp/privileges/export/unknown-token' })).statusCode, 404)
  const token = path.split('/').at(-1)!
  await t.app.compactConnect.database.query(`UPDATE privilege_exports SET expires_at = now() - interval '1 second' WHERE token = $1`, [token])
  const expired = await t.app.inject({ method: 'GET', url: path })
  assert.deepEqual([expired.statusCode, expired.json()], [403, { message: 'Request has expired' }])
})

test('export: 10 000 or more matching providers → 400 Search scope too broad', async () => {
  const database = t.app.compactConnect.database
  await database.query(`
    INSERT INTO providers (provider_id, compact, license_jurisdiction, jurisdiction_uploaded_license_status, jurisdiction_uploaded_compact_eligibility,
      ssn_last_four, given_name, family_name, date_of_expiration, date_of_birth, birth_month_day, provider_fam_giv_mid, provider_date_of_update, date_of_update)
    SELECT gen_random_uuid(), 'coun', 'oh', 'active', 'eligible', '0000', 'Bulk', 'Bulkname' || n, '2040-01-01', '1980-01-01', '01-01', 'bulkname' || n || '#bulk#', now(), now()
    FROM generate_series(1, 10001) AS n`)
  const counStaff = bearer(await staffToken(t.app, { scopes: ['coun/readGeneral'] }))
  const broad = await t.app.inject({ method: 'POST', url: '/v1/compacts/coun/privileges/export', payload: { query: { match_all: {} } }, headers: counStaff })
  assert.deepEqual([broad.statusCode, broad.json()], [400, { message: 'Search scope too broad. Please narrow your search.' }])
  const total = (await t.app.inject({ method: 'POST', url: '/v1/compacts/coun/providers/search', payload: { query: { match_all: {} }, size: 1 }, headers: counStaff })).json().total
  assert.deepEqual(total, { value: 10000, relation: 'gte' })
  const exact = (
    await t.app.inject({ method: 'POST', url: '/v1/compacts/coun/providers/search', payload: { query: { match_phrase_prefix: { familyName: 'bulkname999' } } }, headers: counStaff })
  ).json().total
  assert.deepEqual(exact, { value: 11, relation: 'eq' })
})
