import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { ssnOf } from './factories.ts'
import { bearer, staffToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false', PUBLIC_URL: 'http://cc.test' } })
})
after(async () => t.close())

const bulkUrl = '/v1/compacts/aslp/jurisdictions/oh/licenses/bulk-upload'
const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => t.database.query(sql, params) as Promise<T[]>

async function uploadForm(): Promise<{ url: string; fields: Record<string, string> }> {
  const token = await staffToken(t.app, { scopes: ['aslp/readGeneral', 'oh/aslp.write'] })
  const response = await t.app.inject({ method: 'GET', url: bulkUrl, headers: bearer(token) })
  assert.equal(response.statusCode, 200, response.body)
  return response.json().upload
}

/** A multipart/form-data body: the fields, `Content-Type`, then the file last (as S3 requires). */
function multipart(fields: Record<string, string>, file: string | Buffer, contentType = 'text/csv') {
  const boundary = '----hearth-test-boundary'
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries({ ...fields, 'Content-Type': contentType })) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  }
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="licenses.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.isBuffer(file) ? file : Buffer.from(file),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  )
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

const HEADER =
  'ssn,licenseType,licenseStatus,compactEligibility,givenName,middleName,familyName,dateOfIssuance,dateOfExpiration,dateOfBirth,homeAddressStreet1,homeAddressStreet2,homeAddressCity,homeAddressState,homeAddressPostalCode,npi'
const row = (n: number, overrides: Partial<Record<string, string>> = {}) => {
  const values: Record<string, string> = {
    ssn: ssnOf(n),
    licenseType: 'speech-language pathologist',
    licenseStatus: 'active',
    compactEligibility: 'eligible',
    givenName: `Given${n}`,
    middleName: '',
    familyName: `Family${n}`,
    dateOfIssuance: '2020-01-01',
    dateOfExpiration: '2040-01-01',
    dateOfBirth: '1980-01-01',
    homeAddressStreet1: `${n} Main St`,
    homeAddressStreet2: '',
    homeAddressCity: 'Columbus',
    homeAddressState: 'OH',
    homeAddressPostalCode: '43004',
    npi: '',
    ...overrides,
  }
  return HEADER.split(',')
    .map((column) => values[column])
    .join(',')
}

test('the bulk-upload URL is a signed form for the app’s own upload endpoint, refused without oh write', async () => {
  const form = await uploadForm()
  assert.equal(form.url, 'http://cc.test/v1/bulk-uploads')
  assert.match(form.fields.key!, /^aslp\/oh\/[0-9a-f-]{36}$/)
  assert.ok(form.fields.policy && form.fields['x-amz-signature'])
  const reader = await staffToken(t.app, { scopes: ['aslp/readGeneral'] })
  assert.equal((await t.app.inject({ method: 'GET', url: bulkUrl, headers: bearer(reader) })).statusCode, 403)
  assert.equal((await t.app.inject({ method: 'GET', url: bulkUrl })).statusCode, 401)
})

test('a CSV with a BOM, blank optional cells, an invalid row and a repeated SSN: valid rows ingested, errors reported with 1-based rows', async () => {
  const form = await uploadForm()
  const csv =
    '\uFEFF' +
    [HEADER, row(1), row(2, { middleName: 'Q', npi: '1234567890' }), row(3, { dateOfBirth: 'yesterday' }), row(1, { givenName: 'Again' }), row(4, { licenseStatus: 'inactive' }), ''].join('\r\n')
  const response = await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart(form.fields, csv) })
  assert.equal(response.statusCode, 204, response.body)
  const location = response.headers.location as string
  const uploadId = form.fields.key!.split('/').pop()
  assert.equal(location, `${bulkUrl}/${uploadId}`)
  await t.app.compactConnect.jobs.drain()
  const licenses = await query<{ given_name: string; middle_name: string | null; npi: string | null; home_address_street2: string | null }>(
    `SELECT given_name, middle_name, npi, home_address_street2 FROM licenses ORDER BY given_name`,
  )
  assert.deepEqual(licenses, [
    { given_name: 'Given1', middle_name: null, npi: null, home_address_street2: null },
    { given_name: 'Given2', middle_name: 'Q', npi: '1234567890', home_address_street2: null },
  ])
  const token = await staffToken(t.app, { scopes: ['aslp/readGeneral', 'oh/aslp.write'] })
  const progress = await t.app.inject({ method: 'GET', url: location, headers: bearer(token) })
  assert.equal(progress.statusCode, 200, progress.body)
  const body = progress.json()
  assert.deepEqual([body.status, body.rowsRead, body.rowsValid, body.rowsInvalid], ['processed', 5, 2, 3])
  assert.deepEqual(
    body.errors.map((error: { recordNumber: number }) => error.recordNumber),
    [3, 4, 5],
  )
  assert.deepEqual(body.errors[0].errors, { dateOfBirth: ['Not a valid date.'] })
  assert.match(body.errors[1].errors.ssn[0], /SSN matches with record 1\./)
  assert.deepEqual(body.errors[2].errors, { compactEligibility: ['Cannot be eligible if licenseStatus is inactive.'] })
  const [event] = await query<{ detail: { validData: Record<string, string> } }>(`SELECT detail FROM data_events WHERE event_type = 'license.validation-error' LIMIT 1`)
  assert.equal(event!.detail.validData.givenName, 'Given3')
  assert.ok(!JSON.stringify(event).includes(ssnOf(3)), 'validation events carry no SSN')
  const other = await staffToken(t.app, { scopes: ['aslp/readGeneral', 'ky/aslp.write'] })
  assert.equal((await t.app.inject({ method: 'GET', url: location, headers: bearer(other) })).statusCode, 403)
})

test('compact/jurisdiction columns are refused row by row; an unparseable file is one ingest failure', async () => {
  const form = await uploadForm()
  const csv = [`${HEADER},compact`, `${row(10)},aslp`].join('\n')
  assert.equal((await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart(form.fields, csv) })).statusCode, 204)
  await t.app.compactConnect.jobs.drain()
  const [upload] = await query<{ rows_invalid: number }>(`SELECT rows_invalid FROM license_uploads WHERE object_key = $1`, [form.fields.key])
  assert.equal(upload!.rows_invalid, 1)

  const broken = await uploadForm()
  const csv2 = [HEADER, row(11), `${row(12)},extra,cells`].join('\n')
  assert.equal((await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart(broken.fields, csv2) })).statusCode, 204)
  await t.app.compactConnect.jobs.drain()
  const [failed] = await query<{ status: string; failure: string }>(`SELECT status, failure FROM license_uploads WHERE object_key = $1`, [broken.fields.key])
  assert.equal(failed!.status, 'failed')
  assert.equal((await query(`SELECT 1 FROM upload_chunks`)).length, 0, 'the stored bytes are deleted after processing')
  assert.equal((await query(`SELECT 1 FROM data_events WHERE event_type = 'license.ingest-failure'`)).length, 1)
})

test('the upload endpoint refuses a forged, expired, reused or mistyped form', async () => {
  const form = await uploadForm()
  const csv = [HEADER, row(20)].join('\n')
  const forged = await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart({ ...form.fields, 'x-amz-signature': '0'.repeat(64) }, csv) })
  assert.deepEqual([forged.statusCode, Object.keys(forged.json())], [403, ['message']])
  const otherKey = await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart({ ...form.fields, key: 'aslp/ky/x' }, csv) })
  assert.equal(otherKey.statusCode, 403)
  const wrongType = await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart(form.fields, csv, 'application/json') })
  assert.equal(wrongType.statusCode, 400)
  const fine = await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart(form.fields, csv) })
  assert.equal(fine.statusCode, 204)
  const again = await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart(form.fields, csv) })
  assert.equal(again.statusCode, 403, 'a policy is single-use')
  const expired = t.app.compactConnect.services.bulkUpload.uploadUrl('aslp', 'oh', new Date(Date.now() - 2 * 60 * 60 * 1000))
  const late = await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart(expired.fields, csv) })
  assert.equal(late.statusCode, 403)
  const json = await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', payload: { a: 1 } })
  assert.equal(json.statusCode, 415)
})

test('a file over the size limit is refused with 400', async () => {
  const small = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false', BULK_UPLOAD_MAX_BYTES: '200' } })
  try {
    const token = await staffToken(small.app, { scopes: ['aslp/readGeneral', 'oh/aslp.write'] })
    const form = (await small.app.inject({ method: 'GET', url: bulkUrl, headers: bearer(token) })).json().upload
    const csv = [HEADER, row(30), row(31), row(32)].join('\n')
    const response = await small.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart(form.fields, csv) })
    assert.equal(response.statusCode, 400, response.body)
  } finally {
    await small.close()
  }
})

test('a retried upload job skips the batches that committed: rows, progress and validation errors are counted once', async () => {
  const app = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false', INGEST_BATCH_SIZE: '2' } })
  try {
    const token = await staffToken(app.app, { scopes: ['aslp/readGeneral', 'oh/aslp.write'] })
    const form = (await app.app.inject({ method: 'GET', url: bulkUrl, headers: bearer(token) })).json().upload
    const csv = [HEADER, row(40), row(41), row(42, { dateOfBirth: 'never' }), row(43), row(44)].join('\n')
    assert.equal((await app.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart(form.fields, csv) })).statusCode, 204)
    const uploadId = form.fields.key!.split('/').pop()!
    const chunks = (await app.database.query(`SELECT sequence, data FROM upload_chunks WHERE upload_id = $1 ORDER BY sequence`, [uploadId])) as { sequence: number; data: Buffer }[]
    await app.app.compactConnect.jobs.drain()
    // The job runs again (a lock that expired, a retry after a late failure): the file is read again from the start.
    for (const chunk of chunks) await app.database.query(`INSERT INTO upload_chunks (upload_id, sequence, data) VALUES ($1, $2, $3)`, [uploadId, chunk.sequence, chunk.data])
    await app.app.compactConnect.services.bulkUpload.processUpload({ uploadId, compact: 'aslp', jurisdiction: 'oh' })
    const [upload] = (await app.database.query(`SELECT status, rows_read, rows_valid, rows_invalid FROM license_uploads WHERE upload_id = $1`, [uploadId])) as Record<string, unknown>[]
    assert.deepEqual(upload, { status: 'processed', rows_read: 5, rows_valid: 4, rows_invalid: 1 })
    const events = (await app.database.query(`SELECT event_type, count(*)::int AS n FROM data_events WHERE upload_id = $1 GROUP BY event_type ORDER BY event_type`, [uploadId])) as Record<
      string,
      unknown
    >[]
    assert.deepEqual(events, [
      { event_type: 'license.ingest', n: 4 },
      { event_type: 'license.validation-error', n: 1 },
    ])
    const batches = (await app.database.query(`SELECT batch FROM upload_batches WHERE upload_id = $1 ORDER BY batch`, [uploadId])) as { batch: number }[]
    assert.deepEqual(
      batches.map((entry) => entry.batch),
      [0, 1, 2],
    )
  } finally {
    await app.close()
  }
})

test('a CSV row with previousSSN is rejected while the correction flag is off', async () => {
  const flags = t.app.compactConnect.services.featureFlags
  await flags.set('license-ssn-correction-migration-flag', false)
  try {
    const form = await uploadForm()
    const csv = [`${HEADER},previousSSN`, `${row(50)},${ssnOf(51)}`, `${row(52)},`].join('\n')
    assert.equal((await t.app.inject({ method: 'POST', url: '/v1/bulk-uploads', ...multipart(form.fields, csv) })).statusCode, 204)
    await t.app.compactConnect.jobs.drain()
    const uploadId = form.fields.key!.split('/').pop()
    const [upload] = await query<{ rows_valid: number; rows_invalid: number }>(`SELECT rows_valid, rows_invalid FROM license_uploads WHERE upload_id = $1`, [uploadId])
    assert.deepEqual(upload, { rows_valid: 1, rows_invalid: 1 })
    const [event] = await query<{ detail: { recordNumber: number; errors: Record<string, string[]> } }>(
      `SELECT detail FROM data_events WHERE upload_id = $1 AND event_type = 'license.validation-error'`,
      [uploadId],
    )
    assert.deepEqual([event!.detail.recordNumber, event!.detail.errors], [1, { previousSSN: ['The previousSSN feature is not currently enabled'] }])
  } finally {
    await flags.set('license-ssn-correction-migration-flag', true)
  }
})
