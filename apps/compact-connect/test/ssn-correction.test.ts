import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { SSN_CORRECTION_FLAG } from '../src/modules/ingest/ingest.service.ts'
import { ssnOf, uploadedLicense } from './factories.ts'
import { bearer, staffToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
const url = '/v1/compacts/aslp/jurisdictions/oh/licenses'

before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false' } })
})
after(async () => t.close())

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => t.database.query(sql, params) as Promise<T[]>
const post = async (payload: unknown) => {
  const token = await staffToken(t.app, { scopes: ['aslp/readGeneral', 'oh/aslp.write'] })
  const response = await t.app.inject({ method: 'POST', url, payload: payload as object, headers: bearer(token) })
  assert.equal(response.statusCode, 200, response.body)
  await t.app.compactConnect.jobs.drain()
}
const providerOf = async (ssn: string) => t.app.compactConnect.services.ssn.findProviderId('aslp', ssn)

test('full migration: the only license moves to the provider of the corrected SSN with its privilege and history; the old provider, its vault entry and login are removed and its registered address is told to re-register', async () => {
  await t.app.compactConnect.services.featureFlags.set(SSN_CORRECTION_FLAG, true)
  const wrong = ssnOf(101)
  const right = ssnOf(102)
  await post([uploadedLicense(101)])
  const oldId = (await providerOf(wrong))!
  await query(`UPDATE providers SET compact_connect_registered_email_address = 'wrong.ssn@example.org' WHERE provider_id = $1`, [oldId])
  await query(
    `INSERT INTO identities (sub, pool, username, email, status, attributes) VALUES (gen_random_uuid(), 'provider', 'wrong.ssn@example.org', 'wrong.ssn@example.org', 'CONFIRMED', $1::jsonb)`,
    [JSON.stringify({ 'custom:compact': 'aslp', 'custom:providerId': oldId })],
  )
  await query(
    `INSERT INTO privileges (provider_id, compact, jurisdiction, license_jurisdiction, license_type, date_of_issuance, date_of_renewal, date_of_expiration, privilege_id, date_of_update)
     VALUES ($1, 'aslp', 'ky', 'oh', 'speech-language pathologist', now(), now(), '2040-01-01', 'SLP-KY-101', now())`,
    [oldId],
  )
  await post([{ ...uploadedLicense(101), dateOfExpiration: '2041-01-01' }]) // a renewal: one license update record under the old provider

  await post([uploadedLicense(101, { ssn: right, previousSSN: wrong, dateOfExpiration: '2041-01-01' })])
  const newId = (await providerOf(right))!
  assert.ok(newId && newId !== oldId)
  assert.equal(await providerOf(wrong), undefined, 'the wrong SSN is gone from the vault')
  assert.deepEqual(await query(`SELECT 1 FROM providers WHERE provider_id = $1`, [oldId]), [], 'the old provider is deleted')
  assert.deepEqual(await query(`SELECT 1 FROM identities WHERE attributes->>'custom:providerId' = $1`, [oldId]), [], 'its login is removed')
  const licenses = await query<{ provider_id: string; ssn_last_four: string }>(`SELECT provider_id, ssn_last_four FROM licenses WHERE license_number = 'OH-101'`)
  assert.deepEqual(licenses, [{ provider_id: newId, ssn_last_four: right.slice(-4) }], 'one license, under the new provider, with the new last four')
  const [privilege] = await query<{ provider_id: string }>(`SELECT provider_id FROM privileges WHERE privilege_id = 'SLP-KY-101'`)
  assert.equal(privilege!.provider_id, newId, 'the privilege moved')
  const history = await query<{ update_type: string; updated_values: Record<string, string> }>(
    `SELECT update_type, updated_values FROM update_records WHERE provider_id = $1 AND record_type = 'license' ORDER BY id`,
    [newId],
  )
  assert.equal(history[0]!.update_type, 'renewal', 'the history moved with the license')
  assert.deepEqual(history[1]!.updated_values, { ssnLastFour: right.slice(-4) }, 'the correction itself is an update of the moved license')
  const [provider] = await query<{ privilege_jurisdictions: string[]; ssn_last_four: string }>(`SELECT privilege_jurisdictions, ssn_last_four FROM providers WHERE provider_id = $1`, [newId])
  assert.deepEqual(provider, { privilege_jurisdictions: ['ky'], ssn_last_four: right.slice(-4) })

  const jobs = await query<{ payload: Record<string, unknown>; idempotency_key: string }>(`SELECT payload, idempotency_key FROM jobs WHERE name = 'notification.send'`)
  assert.equal(jobs.length, 1)
  assert.deepEqual(jobs[0]!.payload, {
    template: 'ssnCorrectionReregistrationNotification',
    recipientType: 'SPECIFIC',
    compact: 'aslp',
    specificEmails: ['wrong.ssn@example.org'],
    templateVariables: { providerFirstName: 'Given101' },
  })
  assert.ok(!JSON.stringify(jobs).includes(wrong) && !JSON.stringify(jobs).includes(right), 'no SSN in the job')
})

test('partial migration: the old provider keeps its other license and is projected from it', async () => {
  await t.app.compactConnect.services.featureFlags.set(SSN_CORRECTION_FLAG, true)
  const wrong = ssnOf(111)
  const right = ssnOf(112)
  await post([uploadedLicense(111), uploadedLicense(111, { licenseType: 'audiologist', licenseNumber: 'OH-A111', givenName: 'Audio' })])
  const oldId = (await providerOf(wrong))!
  await post([uploadedLicense(111, { ssn: right, previousSSN: wrong })])
  const newId = (await providerOf(right))!
  assert.equal(await providerOf(wrong), oldId, 'the old provider stays')
  const rows = await query<{ provider_id: string; license_type: string }>(`SELECT provider_id, license_type FROM licenses WHERE provider_id IN ($1, $2) ORDER BY license_type`, [oldId, newId])
  assert.deepEqual(rows, [
    { provider_id: oldId, license_type: 'audiologist' },
    { provider_id: newId, license_type: 'speech-language pathologist' },
  ])
  const [old] = await query<{ given_name: string }>(`SELECT given_name FROM providers WHERE provider_id = $1`, [oldId])
  assert.equal(old!.given_name, 'Audio', 'the old provider is projected from its remaining license')
  assert.equal((await query(`SELECT 1 FROM jobs WHERE name = 'notification.send' AND payload->'templateVariables'->>'providerFirstName' = 'Given111'`)).length, 0, 'no e-mail on a partial migration')
})

test('with the flag off (or limited to another compact) a previousSSN is refused with 400; an old SSN the vault does not know moves nothing', async () => {
  const flags = t.app.compactConnect.services.featureFlags
  await flags.set(SSN_CORRECTION_FLAG, false)
  const token = await staffToken(t.app, { scopes: ['aslp/readGeneral', 'oh/aslp.write'] })
  const refused = await t.app.inject({ method: 'POST', url, payload: [uploadedLicense(121, { previousSSN: ssnOf(122) })], headers: bearer(token) })
  assert.deepEqual([refused.statusCode, refused.json()], [400, { message: 'The previousSSN feature is not currently enabled' }])
  await flags.set(SSN_CORRECTION_FLAG, true, { compact: ['octp'] })
  const elsewhere = await t.app.inject({ method: 'POST', url, payload: [uploadedLicense(121, { previousSSN: ssnOf(122) })], headers: bearer(token) })
  assert.equal(elsewhere.statusCode, 400, 'the flag is limited to another compact')
  await flags.set(SSN_CORRECTION_FLAG, true)
  await post([uploadedLicense(123, { previousSSN: ssnOf(124) })])
  assert.ok(await providerOf(ssnOf(123)), 'a previousSSN the vault does not know moves nothing')
  assert.equal(await providerOf(ssnOf(124)), undefined, 'and creates no vault entry')
})
