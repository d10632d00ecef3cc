// The public provider lookup (§2.1) over the QA seed (§9.7): the public field subset, only providers with
// privileges, live-jurisdiction filtering, the query refusals, GET with privileges and public adverse actions,
// the 1-second minimum (§4.14), and the logged-out web app's `Authorization: null null`.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'

let t: TestApp<CompactConnectConfig>
const P = (n: number) => `c0000000-0000-4000-8000-00000000000${n}`
const loggedOut = { authorization: 'null null' }

before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false', CC_PUBLIC_PROVIDER_MIN_MS: '0' } })
  await t.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
})
after(() => t.close())

const query = (payload: unknown, compact = 'aslp') => t.app.inject({ method: 'POST', url: `/v1/public/compacts/${compact}/providers/query`, payload: payload as object, headers: loggedOut })
const PUBLIC_FIELDS = [
  'providerId',
  'type',
  'dateOfUpdate',
  'compact',
  'licenseJurisdiction',
  'currentHomeJurisdiction',
  'licenseStatus',
  'compactEligibility',
  'npi',
  'givenName',
  'middleName',
  'familyName',
  'suffix',
  'privilegeJurisdictions',
  'privileges',
]

test('a query lists only providers holding a privilege, in the public shape', async () => {
  const response = await query({ query: {} })
  assert.equal(response.statusCode, 200, response.body)
  const body = response.json()
  assert.deepEqual(
    body.providers.map((provider: { providerId: string }) => provider.providerId),
    [P(2), P(4)].sort(),
  )
  for (const provider of body.providers) for (const key of Object.keys(provider)) assert.ok(PUBLIC_FIELDS.includes(key), `${key} is not public`)
  assert.deepEqual(body.sorting, { key: 'dateOfUpdate', direction: 'ascending' })
  assert.deepEqual(body.pagination, { pageSize: 100, prevLastKey: null, lastKey: null })
  const marsh = body.providers.find((provider: { providerId: string }) => provider.providerId === P(2))
  assert.deepEqual(
    [marsh.givenName, marsh.familyName, marsh.npi, marsh.licenseStatus, marsh.compactEligibility, marsh.privilegeJurisdictions],
    ['Theo', 'Marsh', '1000000002', 'active', 'eligible', ['co', 'ky', 'ne']],
  )
})

test('name matching is a case-insensitive prefix on family then given name; a providerId query returns that provider regardless', async () => {
  const byName = (await query({ query: { familyName: 'MAR', givenName: 'th' } })).json()
  assert.deepEqual(
    byName.providers.map((provider: { providerId: string }) => provider.providerId),
    [P(2)],
  )
  assert.deepEqual(byName.sorting, { key: 'familyName', direction: 'ascending' })
  assert.deepEqual((await query({ query: { familyName: 'quimby' } })).json().providers, [], 'no privileges, not listed')
  const byId = (await query({ query: { providerId: P(1) } })).json()
  assert.deepEqual(
    byId.providers.map((provider: { providerId: string }) => provider.providerId),
    [P(1)],
  )
})

test('a jurisdiction filter matches license or privilege jurisdiction, and only a live jurisdiction lists anyone', async () => {
  const ids = async (jurisdiction: string) => (await query({ query: { jurisdiction } })).json().providers.map((provider: { providerId: string }) => provider.providerId)
  assert.deepEqual(await ids('co'), [P(2)], 'privilege jurisdiction')
  assert.deepEqual(await ids('oh'), [P(2), P(4)].sort(), 'license jurisdiction (P2) and privilege (P4)')
  const { database } = t.app.compactConnect
  await database.query(`UPDATE compact_configurations SET configured_states = '[{"postalAbbreviation":"co","isLive":false}]'::jsonb WHERE compact = 'aslp'`)
  try {
    assert.deepEqual(await ids('co'), [], 'co is not live any more')
    assert.deepEqual(await ids('al'), [])
  } finally {
    await t.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
  }
})

test('query refusals: givenName without familyName, a name with a dateOfUpdate sort, unknown keys, an unknown compact, a bad lastKey', async () => {
  const refused = async (payload: unknown, compact = 'aslp') => {
    const response = await query(payload, compact)
    assert.equal(response.statusCode, 400, response.body)
    assert.equal(typeof response.json().message, 'string')
  }
  await refused({ query: { givenName: 'Theo' } })
  await refused({ query: { familyName: 'Marsh' }, sorting: { key: 'dateOfUpdate' } })
  await refused({ query: {}, sorting: { key: 'npi' } })
  await refused({ query: { ssn: '900101002' } })
  await refused({ query: {} }, 'nope')
  await refused({ query: {}, pagination: { lastKey: 'not-a-key' } })
  await refused({})
})

test('paging: lastKey continues where the page ended', async () => {
  const first = (await query({ query: {}, pagination: { pageSize: 5 } })).json()
  assert.equal(first.pagination.lastKey, null, 'two providers fit one page')
})

test('GET a provider: privileges with public adverse actions, no licenses or private fields; 404 without privileges', async () => {
  const response = await t.app.inject({ method: 'GET', url: `/v1/public/compacts/aslp/providers/${P(2)}`, headers: loggedOut })
  assert.equal(response.statusCode, 200, response.body)
  const body = response.json()
  for (const key of Object.keys(body)) assert.ok(PUBLIC_FIELDS.includes(key), `${key} is not public`)
  assert.equal(body.licenses, undefined)
  assert.deepEqual(
    body.privileges.map((privilege: { privilegeId: string; status: string }) => [privilege.privilegeId, privilege.status]),
    [
      ['SLP-CO-1', 'active'],
      ['SLP-KY-2', 'inactive'],
      ['SLP-NE-3', 'inactive'],
    ],
  )
  const privilege = body.privileges[0]
  assert.equal(privilege.compactTransactionId, undefined)
  assert.equal(privilege.attestations, undefined)
  assert.equal(privilege.activeSince, '2025-01-10T15:00:00+00:00')
  const missing = async (path: string) => (await t.app.inject({ method: 'GET', url: path, headers: loggedOut })).statusCode
  assert.equal(await missing(`/v1/public/compacts/aslp/providers/${P(1)}`), 404, 'no privileges')
  assert.equal(await missing('/v1/public/compacts/aslp/providers/c0000000-0000-4000-8000-000000000009'), 404)
  assert.equal(await missing('/v1/public/compacts/aslp/providers/not-a-uuid'), 404)
  assert.equal(await missing(`/v1/public/compacts/octp/providers/${P(2)}`), 404, 'another compact')
  assert.equal(await missing(`/v1/public/compacts/nope/providers/${P(2)}`), 400)
})

test('public adverse actions carry only the public fields', async () => {
  const { database } = t.app.compactConnect
  await database.query(
    `INSERT INTO adverse_actions (adverse_action_id, compact, provider_id, jurisdiction, license_type, license_type_abbreviation, action_against, encumbrance_type,
       clinical_privilege_action_categories, effective_start_date, submitting_user, creation_date, date_of_update)
     VALUES ('f0000000-0000-4000-8000-0000000000aa', 'aslp', $1, 'co', 'speech-language pathologist', 'slp', 'privilege', 'fine', ARRAY['Other'], '2025-02-01', 'e0000000-0000-4000-8000-000000000001', now(), now())`,
    [P(2)],
  )
  const body = (await t.app.inject({ method: 'GET', url: `/v1/public/compacts/aslp/providers/${P(2)}` })).json()
  const [action] = body.privileges[0].adverseActions
  assert.deepEqual(Object.keys(action).sort(), [
    'actionAgainst',
    'adverseActionId',
    'compact',
    'creationDate',
    'dateOfUpdate',
    'effectiveStartDate',
    'jurisdiction',
    'licenseType',
    'licenseTypeAbbreviation',
    'providerId',
    'type',
  ])
})

test('GET a provider takes at least the configured minimum time (§4.14), found or not', async () => {
  const slow = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false', CC_PUBLIC_PROVIDER_MIN_MS: '1000' } })
  try {
    for (const id of [P(2), 'c0000000-0000-4000-8000-000000000009']) {
      const started = Date.now()
      await slow.app.inject({ method: 'GET', url: `/v1/public/compacts/aslp/providers/${id}` })
      assert.ok(Date.now() - started >= 990, 'answered before the minimum')
    }
  } finally {
    await slow.close()
  }
})
