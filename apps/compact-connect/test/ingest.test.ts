import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { providerFactory, ssnOf, uploadedLicense } from './factories.ts'
import { bearer, providerToken, staffToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
const url = '/v1/compacts/aslp/jurisdictions/oh/licenses'

before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false' } })
})
after(async () => t.close())

const writer = () => staffToken(t.app, { scopes: ['aslp/readGeneral', 'oh/aslp.write'] })
const post = async (payload: unknown, token?: string) => t.app.inject({ method: 'POST', url, payload: payload as object, headers: token === undefined ? {} : bearer(token) })
const drain = () => t.app.compactConnect.jobs.drain()
const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => t.database.query(sql, params) as Promise<T[]>

test('a staff writer of oh uploads licenses: queued, then ingested into one provider per SSN with no full SSN stored outside the vault', async () => {
  const token = await writer()
  const response = await post([uploadedLicense(1), uploadedLicense(2, { licenseType: 'audiologist', middleName: '  Q  ' })], token)
  assert.equal(response.statusCode, 200, response.body)
  assert.deepEqual(response.json(), { message: 'OK' })
  const jobs = await query<{ payload: unknown }>(`SELECT payload FROM jobs WHERE name = 'license.ingest'`)
  assert.equal(jobs.length, 1)
  assert.ok(!JSON.stringify(jobs[0]!.payload).includes(ssnOf(1)), 'the queued job carries no full SSN')
  await drain()
  const licenses = await query<{ provider_id: string; ssn_last_four: string; middle_name: string | null; first_upload_date: Date }>(
    `SELECT provider_id, ssn_last_four, middle_name, first_upload_date FROM licenses ORDER BY license_type DESC`,
  )
  assert.equal(licenses.length, 2)
  assert.equal(licenses[0]!.ssn_last_four, ssnOf(1).slice(-4))
  assert.equal(licenses[1]!.middle_name, 'Q', 'top-level strings are trimmed')
  assert.ok(licenses[0]!.first_upload_date instanceof Date)
  const vault = t.app.compactConnect.services.ssn
  assert.equal(await vault.findProviderId('aslp', ssnOf(1)), licenses[0]!.provider_id)
  assert.equal(await vault.readSsn('aslp', licenses[0]!.provider_id), ssnOf(1))
  const providers = await query<{ given_name: string; license_jurisdiction: string; current_home_jurisdiction: string }>(
    `SELECT given_name, license_jurisdiction, current_home_jurisdiction FROM providers WHERE provider_id = $1`,
    [licenses[0]!.provider_id],
  )
  assert.deepEqual(providers, [{ given_name: 'Given1', license_jurisdiction: 'oh', current_home_jurisdiction: 'unknown' }])
  const dump = JSON.stringify(await query(`SELECT * FROM providers`)) + JSON.stringify(await query(`SELECT * FROM licenses`)) + JSON.stringify(await query(`SELECT * FROM data_events`))
  assert.ok(!dump.includes(ssnOf(1)) && !dump.includes(ssnOf(1).replaceAll('-', '')), 'no full SSN outside the vault')
  const [row] = await query<{ ssn_ciphertext: string }>(`SELECT ssn_ciphertext FROM ssn_records LIMIT 1`)
  assert.ok(
    !Buffer.from(row!.ssn_ciphertext, 'base64')
      .toString('latin1')
      .includes(ssnOf(1).slice(-4) + ''),
    'the vault stores ciphertext',
  )
})

test('an identical re-upload writes no update record; a renewal and a deactivation do, and the deactivation cascades to privileges', async () => {
  const token = await writer()
  const base = uploadedLicense(10)
  assert.equal((await post([base], token)).statusCode, 200)
  await drain()
  const [{ provider_id: providerId }] = (await query<{ provider_id: string }>(`SELECT provider_id FROM licenses WHERE license_number = 'OH-10'`)) as [{ provider_id: string }]
  // a privilege in ky based on the oh license
  await t.database.query(
    `INSERT INTO privileges (provider_id, compact, jurisdiction, license_jurisdiction, license_type, date_of_issuance, date_of_renewal, date_of_expiration, privilege_id, date_of_update) VALUES ($1, 'aslp', 'ky', 'oh', 'speech-language pathologist', now(), now(), '2040-01-01', 'SLP-KY-99', now())`,
    [providerId],
  )
  assert.equal((await post([base], token)).statusCode, 200)
  await drain()
  assert.equal((await query(`SELECT 1 FROM update_records WHERE provider_id = $1`, [providerId])).length, 0, 'identical upload: no update record')

  assert.equal((await post([{ ...base, dateOfExpiration: '2042-01-01', dateOfRenewal: '2024-01-01' }], token)).statusCode, 200)
  await drain()
  // §4.3: a renewed license does not extend the privileges based on it; the practitioner renews them.
  const [kept] = await query<{ date_of_expiration: string }>(`SELECT date_of_expiration::text AS date_of_expiration FROM privileges WHERE provider_id = $1`, [providerId])
  assert.equal(kept!.date_of_expiration, '2040-01-01')
  assert.equal((await post([{ ...base, dateOfExpiration: '2042-01-01', dateOfRenewal: '2024-01-01', licenseStatus: 'inactive', compactEligibility: 'ineligible' }], token)).statusCode, 200)
  await drain()
  const updates = await query<{ record_type: string; update_type: string; updated_values: Record<string, string>; removed_values: string[] | null }>(
    `SELECT record_type, update_type, updated_values, removed_values FROM update_records WHERE provider_id = $1 ORDER BY id`,
    [providerId],
  )
  assert.deepEqual(
    updates.map((update) => [update.record_type, update.update_type]),
    [
      ['license', 'renewal'],
      ['license', 'deactivation'],
      ['privilege', 'licenseDeactivation'],
    ],
  )
  assert.deepEqual(updates[0]!.updated_values, { dateOfExpiration: '2042-01-01', dateOfRenewal: '2024-01-01' })
  const [privilege] = await query<{ license_deactivated_status: string }>(`SELECT license_deactivated_status FROM privileges WHERE provider_id = $1`, [providerId])
  assert.equal(privilege!.license_deactivated_status, 'licenseDeactivated')
  const [provider] = await query<{ jurisdiction_uploaded_license_status: string; privilege_jurisdictions: string[] }>(
    `SELECT jurisdiction_uploaded_license_status, privilege_jurisdictions FROM providers WHERE provider_id = $1`,
    [providerId],
  )
  assert.equal(provider!.jurisdiction_uploaded_license_status, 'inactive')
  assert.deepEqual(provider!.privilege_jurisdictions, ['ky'])

  // removing an optional field is a removal
  const withoutNumber: Record<string, unknown> = { ...base, dateOfExpiration: '2042-01-01', dateOfRenewal: '2024-01-01', licenseStatus: 'inactive', compactEligibility: 'ineligible' }
  delete withoutNumber.licenseNumber
  await post([withoutNumber], token)
  await drain()
  const [last] = await query<{ update_type: string; removed_values: string[] }>(
    `SELECT update_type, removed_values FROM update_records WHERE provider_id = $1 AND record_type = 'license' ORDER BY id DESC LIMIT 1`,
    [providerId],
  )
  assert.deepEqual(last, { update_type: 'other', removed_values: ['licenseNumber'] })
})

test('the provider projects its best license: a newer eligible license in another state wins while the provider is unregistered', async () => {
  const token = await writer()
  const kyWriter = await staffToken(t.app, { scopes: ['aslp/readGeneral', 'ky/aslp.write'] })
  await post([uploadedLicense(20, { dateOfIssuance: '2010-01-01' })], token)
  await t.app.inject({
    method: 'POST',
    url: '/v1/compacts/aslp/jurisdictions/ky/licenses',
    payload: [uploadedLicense(20, { dateOfIssuance: '2021-05-05', givenName: 'Newer' })],
    headers: bearer(kyWriter),
  })
  await drain()
  const [provider] = await query<{ license_jurisdiction: string; given_name: string }>(
    `SELECT p.license_jurisdiction, p.given_name FROM providers p JOIN licenses l USING (provider_id) WHERE l.license_number = 'OH-20' LIMIT 1`,
  )
  assert.deepEqual(provider, { license_jurisdiction: 'ky', given_name: 'Newer' })
})

test('a re-upload for a registered practitioner keeps the registration, home state, military status and first upload date', async () => {
  const token = await writer()
  const providerId = randomUUID()
  const ssn = ssnOf(60)
  await t.app.compactConnect.services.licenses.loadProvider({
    providerId,
    compact: 'aslp',
    ssn,
    at: new Date('2026-01-15T12:00:00Z'),
    provider: { currentHomeJurisdiction: 'oh', compactConnectRegisteredEmailAddress: 'kept@example.org', militaryStatus: 'approved', militaryStatusNote: 'ok' },
    licenses: [
      {
        jurisdiction: 'oh',
        licenseType: 'speech-language pathologist',
        givenName: 'Given60',
        familyName: 'Family60',
        dateOfIssuance: '2020-01-01',
        dateOfExpiration: '2040-01-01',
        dateOfBirth: '1980-01-01',
        homeAddressStreet1: '60 Main St',
        homeAddressCity: 'Columbus',
        homeAddressState: 'OH',
        homeAddressPostalCode: '43004',
        jurisdictionUploadedLicenseStatus: 'active',
        jurisdictionUploadedCompactEligibility: 'eligible',
      },
    ],
  })
  const [before] = await query<{ first_upload_date: Date | null }>(`SELECT first_upload_date FROM licenses WHERE provider_id = $1`, [providerId])
  assert.equal((await post([uploadedLicense(60, { givenName: 'Renamed', dateOfExpiration: '2041-01-01' })], token)).statusCode, 200)
  await drain()
  const [provider] = await query<Record<string, unknown>>(
    `SELECT given_name, compact_connect_registered_email_address, current_home_jurisdiction, military_status, military_status_note, date_of_expiration::text AS date_of_expiration FROM providers WHERE provider_id = $1`,
    [providerId],
  )
  assert.deepEqual(
    { ...provider },
    {
      given_name: 'Renamed',
      compact_connect_registered_email_address: 'kept@example.org',
      current_home_jurisdiction: 'oh',
      military_status: 'approved',
      military_status_note: 'ok',
      date_of_expiration: '2041-01-01',
    },
  )
  const [after] = await query<{ first_upload_date: Date | null }>(`SELECT first_upload_date FROM licenses WHERE provider_id = $1`, [providerId])
  assert.equal(before!.first_upload_date?.toISOString(), '2026-01-15T12:00:00.000Z')
  assert.deepEqual(after!.first_upload_date, before!.first_upload_date, 'firstUploadDate is kept from the existing record')
})

test('compact and jurisdiction in a JSON body are accepted and the path overrides them', async () => {
  const response = await post([uploadedLicense(70, { compact: 'octp', jurisdiction: 'ky' })], await writer())
  assert.equal(response.statusCode, 200, response.body)
  await drain()
  const rows = await query<{ compact: string; jurisdiction: string }>(`SELECT compact, jurisdiction FROM licenses WHERE license_number = 'OH-70'`)
  assert.deepEqual(
    rows.map((row) => ({ ...row })),
    [{ compact: 'aslp', jurisdiction: 'oh' }],
  )
})

test('uploads are refused to callers without exactly {j}/{c}.write', async () => {
  const cases: [string, Record<string, string>, number][] = [
    ['anonymous', {}, 401],
    ['another state writer', bearer(await staffToken(t.app, { scopes: ['aslp/readGeneral', 'ky/aslp.write'] })), 403],
    ['a compact admin', bearer(await staffToken(t.app, { scopes: ['aslp/readGeneral', 'aslp/admin'] })), 403],
    ['an oh admin without write', bearer(await staffToken(t.app, { scopes: ['aslp/readGeneral', 'oh/aslp.admin'] })), 403],
    ['a practitioner', bearer(await providerToken(t.app, { compact: 'aslp', providerId: 'c0000000-0000-4000-8000-000000000001' })), 401],
  ]
  for (const [who, headers, status] of cases) {
    const response = await t.app.inject({ method: 'POST', url, payload: [uploadedLicense(30)], headers })
    assert.equal(response.statusCode, status, who)
    assert.deepEqual(Object.keys(response.json()), ['message'], who)
  }
  const octp = await t.app.inject({ method: 'POST', url: '/v1/compacts/octp/jurisdictions/oh/licenses', payload: [uploadedLicense(30)], headers: bearer(await writer()) })
  assert.equal(octp.statusCode, 403, 'oh/aslp.write does not write octp')
})

test('bad uploads get 400 with per-index field errors in the original words, and queue nothing', async () => {
  const token = await writer()
  const before = (await query(`SELECT 1 FROM jobs`)).length
  const notArray = await post({ licenses: [] }, token)
  assert.equal(notArray.statusCode, 400)
  assert.deepEqual(notArray.json(), { message: 'Request body must be an array of license objects' })

  const bad = await post(
    [
      uploadedLicense(40),
      'nope',
      uploadedLicense(41, { ssn: '123456789', licenseType: 'plumber', dateOfBirth: '2020-02-30', extra: 'x', npi: null, familyName: undefined, licenseStatus: 'inactive' }),
    ],
    token,
  )
  assert.equal(bad.statusCode, 400)
  const body = bad.json()
  assert.equal(body.message, 'Invalid license records in request')
  assert.deepEqual(Object.keys(body.errors).sort(), ['1', '2'])
  assert.deepEqual(body.errors['1'], { INVALID_JSON_OBJECT: ['Record must be a JSON object.'] })
  assert.deepEqual(body.errors['2'].ssn, ['String does not match expected pattern.'])
  assert.deepEqual(body.errors['2'].licenseType, ['Must be one of: audiologist, speech-language pathologist.'])
  assert.deepEqual(body.errors['2'].dateOfBirth, ['Not a valid date.'])
  assert.deepEqual(body.errors['2'].extra, ['Unknown field.'])
  assert.deepEqual(body.errors['2'].npi, ['Field may not be null.'])
  assert.deepEqual(body.errors['2'].familyName, ['Missing data for required field.'])
  assert.deepEqual(body.errors['2'].compactEligibility, ['Cannot be eligible if licenseStatus is inactive.'])

  const duplicate = await post([uploadedLicense(42), uploadedLicense(43), uploadedLicense(42, { givenName: 'Again' })], token)
  assert.equal(duplicate.statusCode, 400)
  assert.deepEqual(duplicate.json().errors, {
    SSN: ['Duplicate License SSN detected for license type speech-language pathologist. SSN matches with record 0. Every record must have a unique SSN per license type within the same file.'],
  })
  const tooMany = await post(
    Array.from({ length: 101 }, (_, index) => uploadedLicense(1000 + index)),
    token,
  )
  assert.equal(tooMany.statusCode, 400)
  // §4.2: previousSSN is refused while the correction flag is off (here switched off; development enables it)
  const flags = t.app.compactConnect.services.featureFlags
  await flags.set('license-ssn-correction-migration-flag', false)
  const previous = await post([uploadedLicense(44, { previousSSN: ssnOf(45) })], token)
  assert.deepEqual([previous.statusCode, previous.json()], [400, { message: 'The previousSSN feature is not currently enabled' }])
  await flags.set('license-ssn-correction-migration-flag', true)
  const malformed = await t.app.inject({ method: 'POST', url, payload: '[{', headers: { ...bearer(token), 'content-type': 'application/json' } })
  assert.deepEqual([malformed.statusCode, malformed.json()], [400, { message: 'Invalid request: Malformed JSON' }])
  const text = await t.app.inject({ method: 'POST', url, payload: 'ssn,licenseType', headers: { ...bearer(token), 'content-type': 'text/plain' } })
  assert.deepEqual([text.statusCode, text.json()], [415, { message: 'Unsupported media type' }])
  assert.equal((await query(`SELECT 1 FROM jobs`)).length, before, 'nothing was queued')
})

test('test factory: provider partitions load through LicensesService', async () => {
  const providers = providerFactory(t.app.compactConnect)
  const providerId = await providers.create()
  const rows = await query<{ provider_date_of_update: Date; birth_month_day: string }>(`SELECT provider_date_of_update, birth_month_day FROM providers WHERE provider_id = $1`, [providerId])
  assert.equal(rows[0]!.birth_month_day, '01-01')
})
