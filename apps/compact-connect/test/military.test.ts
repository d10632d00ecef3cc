// Military affiliations (§1.8, §4.11): declaration with signed upload forms, the document upload (single use, size and
// type checked, stored on disk), promotion to tentative, ending it, the compact-admin audit, and the reads (§3.3).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedQa } from '../seeds/qa.ts'
import { seededProviderId, staffSub } from '../seeds/qa-staff.ts'
import { bearer, providerToken, staffToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
type Body = Record<string, unknown> & { message?: string }
type Form = { url: string; fields: Record<string, string> }

before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false', PUBLIC_URL: 'http://cc.test' } })
  await seedQa(t.app.compactConnect)
})
after(async () => t.close())

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => t.database.query(sql, params) as Promise<T[]>
const P1 = seededProviderId(1)
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x20)])
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, token: string | undefined, payload?: unknown) {
  const response = await t.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload !== undefined ? { payload: payload as object } : {}) })
  return { status: response.statusCode, body: (response.body ? response.json() : {}) as Body }
}

/** A multipart form as a browser sends the presigned POST: every field, then the file. */
async function upload(form: Form, file: Buffer, contentType: string, overrides: Record<string, string> = {}) {
  const boundary = `----hearth${randomUUID()}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries({ ...form.fields, ...overrides })) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="document"\r\nContent-Type: ${contentType}\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`))
  const url = new URL(form.url)
  const response = await t.app.inject({ method: 'POST', url: url.pathname, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(parts) })
  return { status: response.statusCode, body: response.body ? (response.json() as Body) : {} }
}

const practitioner = (providerId = P1) => providerToken(t.app, { compact: 'aslp', providerId })
const compactAdmin = () => staffToken(t.app, { sub: staffSub(1), scopes: ['aslp/readGeneral', 'aslp/admin'] })
const providerRow = async (providerId: string) => (await query<Record<string, unknown>>(`SELECT * FROM providers WHERE provider_id = $1`, [providerId]))[0]!
const affiliations = (providerId: string) => query<{ status: string; document_keys: string[] }>(`SELECT * FROM military_affiliations WHERE provider_id = $1 ORDER BY id`, [providerId])
const providerUpdates = (providerId: string) =>
  query<{ update_type: string; updated_values: Record<string, unknown>; removed_values: string[] | null }>(
    `SELECT * FROM update_records WHERE provider_id = $1 AND record_type = 'provider' ORDER BY id`,
    [providerId],
  )

describe('military affiliation (§4.11)', () => {
  test('declare, upload, end: records, forms, statuses, update records, reads', async () => {
    const token = await practitioner()
    const created = await call('POST', '/v1/provider-users/me/military-affiliation', token, { affiliationType: 'militaryMember', fileNames: ['orders.pdf', 'id.PNG'] })
    assert.equal(created.status, 200, JSON.stringify(created.body))
    assert.equal(created.body.status, 'initializing')
    assert.deepEqual(created.body.fileNames, ['orders.pdf', 'id.PNG'])
    assert.equal(created.body.affiliationType, 'militaryMember')
    assert.match(created.body.dateOfUpload as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/)
    const forms = created.body.documentUploadFields as Form[]
    assert.equal(forms.length, 2)
    assert.equal(forms[0]!.url, 'http://cc.test/v1/military-affiliation-documents')
    const [record] = await affiliations(P1)
    assert.equal(record!.status, 'initializing')
    assert.match(record!.document_keys[0]!, new RegExp(`^compact/aslp/provider/${P1}/document-type/military-affiliations/\\d{4}-\\d{2}-\\d{2}/[0-9a-f-]{36}#orders\\.pdf$`))
    assert.match(record!.document_keys[1]!, /#id\.png$/)
    assert.equal(forms[0]!.fields.key, record!.document_keys[0])

    // Refused uploads keep nothing and promote nothing.
    assert.equal((await upload(forms[0]!, PDF, 'image/png')).status, 400, 'a content type the extension does not allow')
    assert.deepEqual(await upload(forms[0]!, PNG, 'application/pdf'), { status: 400, body: { message: 'The file content does not match its type' } })
    assert.equal((await upload(forms[0]!, PDF, 'application/pdf', { 'x-amz-signature': '0'.repeat(64) })).status, 403)
    assert.equal((await upload(forms[0]!, PDF, 'application/pdf', { key: 'compact/aslp/provider/someone-else' })).status, 403)
    assert.equal((await upload(forms[0]!, Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]), 'application/pdf')).status, 400, 'over 10 MB')
    assert.equal((await affiliations(P1))[0]!.status, 'initializing')

    assert.deepEqual(await upload(forms[0]!, PDF, 'application/pdf'), { status: 204, body: {} })
    assert.equal((await upload(forms[0]!, PDF, 'application/pdf')).status, 403, 'a form is single-use')
    assert.equal((await upload(forms[1]!, PNG, 'image/png')).status, 204)
    assert.equal((await affiliations(P1))[0]!.status, 'active')
    const stored = await t.app.compactConnect.services.military.document(record!.document_keys[0]!)
    const bytes: Buffer[] = []
    for await (const chunk of stored!) bytes.push(chunk as Buffer)
    assert.deepEqual(Buffer.concat(bytes), PDF)
    const provider = await providerRow(P1)
    assert.equal(provider.military_status, 'tentative')
    assert.equal(provider.military_status_note, '')
    assert.deepEqual(
      (await providerUpdates(P1)).map((update) => [update.update_type, update.updated_values]),
      [['militaryFileUpload', { militaryStatus: 'tentative', militaryStatusNote: '' }]],
    )

    // Reads: the practitioner and compact admins see document keys, a general reader does not.
    const me = await call('GET', '/v1/provider-users/me', token)
    assert.equal(me.body.militaryStatus, 'tentative')
    assert.equal(((me.body.militaryAffiliations as Body[])[0]!.documentKeys as string[]).length, 2)
    const general = await call('GET', `/v1/compacts/aslp/providers/${P1}`, await staffToken(t.app, { scopes: ['aslp/readGeneral'] }))
    assert.equal((general.body.militaryAffiliations as Body[])[0]!.documentKeys, undefined)
    assert.equal(general.body.militaryStatusNote, undefined)
    const adminView = await call('GET', `/v1/compacts/aslp/providers/${P1}`, await compactAdmin())
    assert.equal(((adminView.body.militaryAffiliations as Body[])[0]!.documentKeys as string[]).length, 2)
    // Compact admins get two-hour download links; nobody else does.
    const links = (adminView.body.militaryAffiliations as Body[])[0]!.downloadLinks as { fileName: string; url: string }[]
    assert.deepEqual(
      links.map((link) => link.fileName),
      ['orders.pdf', 'id.PNG'],
    )
    const link = new URL(links[0]!.url)
    assert.equal(link.origin, 'http://cc.test')
    const download = await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}` })
    assert.equal(download.statusCode, 200)
    assert.equal(download.headers['content-type'], 'application/pdf')
    assert.deepEqual(download.rawPayload, PDF)
    link.searchParams.set('key', record!.document_keys[1]!)
    assert.equal((await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}` })).statusCode, 403, 'a link names one document')
    const privateReader = await call('GET', `/v1/compacts/aslp/providers/${P1}`, await staffToken(t.app, { scopes: ['aslp/readGeneral', 'aslp/readPrivate'] }))
    assert.equal((privateReader.body.militaryAffiliations as Body[])[0]!.downloadLinks, undefined)
    assert.equal((me.body.militaryAffiliations as Body[])[0]!.downloadLinks, undefined)

    // A new declaration makes the previous records inactive; ending it clears the provider's military status.
    assert.equal((await call('POST', '/v1/provider-users/me/military-affiliation', token, { affiliationType: 'militaryMemberSpouse', fileNames: ['b.docx'] })).status, 200)
    assert.deepEqual(
      (await affiliations(P1)).map((row) => row.status),
      ['inactive', 'initializing'],
    )
    assert.deepEqual(await call('PATCH', '/v1/provider-users/me/military-affiliation', token, { status: 'active' }), {
      status: 400,
      body: { message: 'Invalid status value. Only "inactive" is allowed.' },
    })
    assert.deepEqual(await call('PATCH', '/v1/provider-users/me/military-affiliation', token, { status: 'inactive' }), {
      status: 200,
      body: { message: 'Military affiliation updated successfully' },
    })
    assert.deepEqual(
      (await affiliations(P1)).map((row) => row.status),
      ['inactive', 'inactive'],
    )
    const ended = await providerRow(P1)
    assert.equal(ended.military_status, null)
    assert.equal(ended.military_status_note, null)
    const last = (await providerUpdates(P1)).at(-1)!
    assert.equal(last.update_type, 'militaryAffiliationEnded')
    assert.deepEqual(last.removed_values, ['militaryStatus', 'militaryStatusNote'])
  })

  test('refusals: unsupported file types, bad bodies, staff tokens, a non-multipart upload', async () => {
    const token = await practitioner(seededProviderId(2))
    assert.deepEqual(await call('POST', '/v1/provider-users/me/military-affiliation', token, { affiliationType: 'militaryMember', fileNames: ['run.exe'] }), {
      status: 400,
      body: { message: `Invalid file type "exe" The following file types are supported: ('pdf', 'jpg', 'jpeg', 'png', 'docx')` },
    })
    assert.equal((await call('POST', '/v1/provider-users/me/military-affiliation', token, { affiliationType: 'veteran', fileNames: ['a.pdf'] })).status, 400)
    assert.equal((await call('POST', '/v1/provider-users/me/military-affiliation', token, { affiliationType: 'militaryMember', fileNames: [`${'x'.repeat(150)}.pdf`] })).status, 400)
    assert.equal((await call('POST', '/v1/provider-users/me/military-affiliation', token, { affiliationType: 'militaryMember', fileNames: [] })).status, 400)
    assert.equal((await call('POST', '/v1/provider-users/me/military-affiliation', await compactAdmin(), { affiliationType: 'militaryMember', fileNames: ['a.pdf'] })).status, 401)
    assert.equal((await affiliations(seededProviderId(2))).length, 0)
    const plain = await t.app.inject({ method: 'POST', url: '/v1/military-affiliation-documents', payload: { key: 'x' } })
    assert.equal(plain.statusCode, 415)
  })
})

describe('military audit (§2.6)', () => {
  test('a compact admin approves or declines with a note: provider status, update record, e-mail, event', async () => {
    const P3 = seededProviderId(3)
    const url = `/v1/compacts/aslp/providers/${P3}/militaryAudit`
    assert.deepEqual(await call('PATCH', url, await compactAdmin(), { militaryStatus: 'declined', militaryStatusNote: 'Orders expired.' }), { status: 200, body: { message: 'OK' } })
    let provider = await providerRow(P3)
    assert.equal(provider.military_status, 'declined')
    assert.equal(provider.military_status_note, 'Orders expired.')
    assert.equal((await call('PATCH', url, await compactAdmin(), { militaryStatus: 'approved' })).status, 200)
    provider = await providerRow(P3)
    assert.equal(provider.military_status, 'approved')
    assert.equal(provider.military_status_note, '')
    assert.deepEqual(
      (await providerUpdates(P3)).map((update) => [update.update_type, update.updated_values]),
      [
        ['militaryAudit', { militaryStatus: 'declined', militaryStatusNote: 'Orders expired.' }],
        ['militaryAudit', { militaryStatus: 'approved', militaryStatusNote: '' }],
      ],
    )
    const jobs = await query<{ payload: Record<string, unknown> }>(`SELECT payload FROM jobs WHERE name = 'notification.send' AND payload->>'template' LIKE 'militaryAudit%' ORDER BY id`)
    assert.deepEqual(
      jobs.map((job) => job.payload),
      [
        {
          template: 'militaryAuditDeclinedNotification',
          recipientType: 'SPECIFIC',
          compact: 'aslp',
          specificEmails: ['rosa.delgado@example.org'],
          templateVariables: { auditNote: 'Orders expired.' },
        },
        { template: 'militaryAuditApprovedNotification', recipientType: 'SPECIFIC', compact: 'aslp', specificEmails: ['rosa.delgado@example.org'], templateVariables: {} },
      ],
    )
    // The note is private: a general reader does not see it, the compact admin does.
    const general = await call('GET', `/v1/compacts/aslp/providers/${P3}`, await staffToken(t.app, { scopes: ['aslp/readGeneral'] }))
    assert.equal(general.body.militaryStatus, 'approved')
    assert.equal(general.body.militaryStatusNote, undefined)
  })

  test('refusals: state admins and readers, no affiliation, unknown provider, bad bodies', async () => {
    const url = (providerId: string) => `/v1/compacts/aslp/providers/${providerId}/militaryAudit`
    const body = { militaryStatus: 'approved' }
    assert.deepEqual(await call('PATCH', url(seededProviderId(3)), await staffToken(t.app, { scopes: ['aslp/readGeneral', 'oh/aslp.admin'] }), body), {
      status: 403,
      body: { message: 'Access denied' },
    })
    assert.equal((await call('PATCH', url(seededProviderId(3)), await staffToken(t.app, { scopes: ['aslp/readGeneral'] }), body)).status, 403)
    assert.equal((await call('PATCH', url(seededProviderId(3)), undefined, body)).status, 401)
    assert.deepEqual(await call('PATCH', url(seededProviderId(4)), await compactAdmin(), body), { status: 404, body: { message: 'No military affiliation records found for this provider' } })
    assert.deepEqual(await call('PATCH', url(randomUUID()), await compactAdmin(), body), { status: 404, body: { message: 'Provider not found' } })
    assert.deepEqual(await call('PATCH', url('nope'), await compactAdmin(), body), { status: 400, body: { message: 'Invalid providerId provided' } })
    assert.equal((await call('PATCH', url(seededProviderId(3)), await compactAdmin(), { militaryStatus: 'tentative' })).status, 400)
    assert.equal((await call('PATCH', url(seededProviderId(3)), await compactAdmin(), { militaryStatus: 'declined', militaryStatusNote: 'x'.repeat(1001) })).status, 400)
  })
})
