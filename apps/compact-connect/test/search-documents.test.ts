// The records PostgreSQL builds for the search API and the staff query (providerDetailJson, providerSummaryJson)
// against the records the mappers build from rows (GET /v1/compacts/{c}/providers/{id} in the general shape):
// every provider of the QA seed, plus investigations (open and closed), privilege update records that move
// `activeSince`, an adverse action on a privilege, a moment with microseconds and a non-ASCII family name; and the
// staff query's family-name prefix (the name-key range) on quoted characters.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { providerFamGivMid } from '../src/domain/ingest-rules.ts'
import { bearer, staffToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
let staff: Record<string, string>
type Provider = Record<string, unknown> & { providerId: string; familyName: string }

before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false' } })
  await t.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
  staff = bearer(await staffToken(t.app, { scopes: ['aslp/readGeneral'] }))
  const [privilege] = await t.database.query<{ provider_id: string; jurisdiction: string; license_type: string; license_jurisdiction: string }>(
    `SELECT provider_id, jurisdiction, license_type, license_jurisdiction FROM privileges WHERE compact = 'aslp' AND administrator_set_status = 'active' ORDER BY provider_id LIMIT 1`,
  )
  assert.ok(privilege, 'the QA seed holds an active aslp privilege')
  const { provider_id: providerId, jurisdiction, license_type: licenseType, license_jurisdiction: home } = privilege
  const investigation = `INSERT INTO investigations (investigation_id, compact, provider_id, jurisdiction, license_type, investigation_against, submitting_user, creation_date, close_date, date_of_update)
     VALUES (gen_random_uuid(), 'aslp', $1, $2, $3, $4, 'e0000000-0000-4000-8000-000000000001', $5, $6, $5)`
  await t.database.query(investigation, [providerId, home, licenseType, 'license', '2025-03-01T10:00:00.5Z', null])
  await t.database.query(investigation, [providerId, jurisdiction, licenseType, 'privilege', '2025-03-02T10:00:00Z', null])
  await t.database.query(investigation, [providerId, jurisdiction, licenseType, 'privilege', '2025-03-03T10:00:00Z', '2025-03-04T10:00:00Z'])
  await t.database.query(
    `INSERT INTO adverse_actions (adverse_action_id, compact, provider_id, jurisdiction, license_type, license_type_abbreviation, action_against, encumbrance_type,
       clinical_privilege_action_categories, effective_start_date, submitting_user, creation_date, effective_lift_date, lifting_user, date_of_update)
     VALUES (gen_random_uuid(), 'aslp', $1, $2, $3, 'slp', 'privilege', 'suspension', ARRAY['Fraud', 'Unsafe Practice'], '2025-04-01',
       'e0000000-0000-4000-8000-000000000001', '2025-04-01T16:00:00Z', '2025-05-01', 'e0000000-0000-4000-8000-000000000001', '2025-05-01T16:00:00Z')`,
    [providerId, jurisdiction, licenseType],
  )
  const update = `INSERT INTO update_records (record_type, provider_id, compact, jurisdiction, license_type, update_type, previous, updated_values, create_date, effective_date, date_of_update)
     VALUES ('privilege', $1, 'aslp', $2, $3, $4, '{}'::jsonb, $5::jsonb, $6, $6, $6)`
  // Reset by a deactivation, then set again by a renewal: activeSince is the renewal's date.
  await t.database.query(update, [providerId, jurisdiction, licenseType, 'renewal', JSON.stringify({ dateOfRenewal: '2025-06-01T00:00:00+00:00' }), '2025-06-01T00:00:00.999Z'])
  await t.database.query(update, [providerId, jurisdiction, licenseType, 'deactivation', JSON.stringify({ administratorSetStatus: 'inactive' }), '2025-05-15T00:00:00Z'])
  await t.database.query(`UPDATE privileges SET date_of_update = '2026-01-02T03:04:05.987654Z' WHERE provider_id = $1 AND jurisdiction = $2`, [providerId, jurisdiction])
  const [other] = await t.database.query<{ provider_id: string; given_name: string; middle_name: string | null }>(
    `SELECT provider_id, given_name, middle_name FROM providers WHERE compact = 'aslp' AND provider_id <> $1 ORDER BY provider_id LIMIT 1`,
    [providerId],
  )
  await t.database.query(`UPDATE providers SET family_name = $2, provider_fam_giv_mid = $3 WHERE provider_id = $1`, [
    other!.provider_id,
    "Dé la Cruz-O'Neil",
    providerFamGivMid("Dé la Cruz-O'Neil", other!.given_name, other!.middle_name),
  ])
})
after(() => t.close())

async function hits(): Promise<Provider[]> {
  const response = await t.app.inject({ method: 'POST', url: '/v1/compacts/aslp/providers/search', payload: { query: { match_all: {} }, size: 100 }, headers: staff })
  assert.equal(response.statusCode, 200, response.body)
  return (response.json() as { providers: Provider[] }).providers
}

async function detail(providerId: string): Promise<Provider> {
  const response = await t.app.inject({ method: 'GET', url: `/v1/compacts/aslp/providers/${providerId}`, headers: staff })
  assert.equal(response.statusCode, 200, response.body)
  return response.json() as Provider
}

test('every search hit is the record the general-shape GET builds from rows', async () => {
  const providers = await hits()
  assert.ok(providers.length >= 8)
  for (const hit of providers) assert.deepEqual(hit, await detail(hit.providerId), hit.providerId)
  const privileged = providers.flatMap((provider) => provider.privileges as { activeSince?: string; investigations: unknown[]; adverseActions: unknown[] }[])
  assert.ok(
    privileged.some((privilege) => privilege.activeSince === '2025-06-01T00:00:00+00:00'),
    'the renewal after the deactivation sets activeSince',
  )
  assert.ok(
    privileged.some((privilege) => privilege.investigations.length === 1 && privilege.adverseActions.length > 0),
    'open investigations and adverse actions nest under their privilege',
  )
})

test('every staff query record is the general-shape provider of the GET', async () => {
  const response = await t.app.inject({ method: 'POST', url: '/v1/compacts/aslp/providers/query', payload: { query: {}, pagination: { pageSize: 100 } }, headers: staff })
  assert.equal(response.statusCode, 200, response.body)
  const summaries = (response.json() as { providers: Provider[] }).providers
  assert.ok(summaries.length >= 8)
  for (const summary of summaries) {
    const { licenses, privileges, militaryAffiliations, ...own } = await detail(summary.providerId)
    assert.ok(licenses && privileges && militaryAffiliations)
    assert.deepEqual(summary, own, summary.providerId)
  }
})

test('the staff query matches a family-name prefix through quoted characters, and only a prefix', async () => {
  const query = async (familyName: string) => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/compacts/aslp/providers/query', payload: { query: { familyName } }, headers: staff })
    assert.equal(response.statusCode, 200, response.body)
    return (response.json() as { providers: Provider[] }).providers.map((provider) => provider.familyName)
  }
  assert.deepEqual(await query('dé LA cruz-o'), ["Dé la Cruz-O'Neil"])
  assert.deepEqual(await query("Dé la Cruz-O'Neil"), ["Dé la Cruz-O'Neil"])
  assert.deepEqual(await query('De'), ['Delgado'])
  assert.deepEqual(await query('D_'), [])
  assert.deepEqual(await query('la Cruz'), [])
})
