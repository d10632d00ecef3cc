// cc-s3-rollback: with `S3_*` configured, military documents and transaction report zips go to the S3-compatible
// store (a real local S3-protocol server here) under the original's keys, and come back out through the app; so do the
// upload rollback's results files.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { readObject, S3ObjectStore } from '@hearth/kernel/storage'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import { startS3Server, type LocalS3Server } from '@hearth/kernel/testing/s3-server'
import { unzipSync, strFromU8 } from 'fflate'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedQa } from '../seeds/qa.ts'
import { seededProviderId, staffSub } from '../seeds/qa-staff.ts'
import { bearer, providerToken, staffToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
let s3: LocalS3Server
let bucket: S3ObjectStore
type Body = Record<string, unknown>
type Form = { url: string; fields: Record<string, string> }

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 0x20)])

before(async () => {
  s3 = await startS3Server({ bucket: 'compact-connect' })
  t = await buildTestApp(compactConnect, { env: { ...s3.env, JOBS_ENABLED: 'false', PUBLIC_URL: 'http://cc.test' } })
  await seedQa(t.app.compactConnect)
  bucket = new S3ObjectStore(s3.settings)
})
after(async () => {
  await t.close()
  await s3.close()
})

const keysInBucket = async () => ((await (await bucket.client()).send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((object) => object.Key!)

async function upload(form: Form, file: Buffer, contentType: string) {
  const boundary = `----hearth${randomUUID()}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(form.fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="document"\r\nContent-Type: ${contentType}\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`))
  const response = await t.app.inject({ method: 'POST', url: new URL(form.url).pathname, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(parts) })
  return response.statusCode
}

describe('S3-compatible object store', () => {
  test('a military document is stored in the bucket under its key and downloaded through downloadLinks', async () => {
    const providerId = seededProviderId(1)
    const token = await providerToken(t.app, { compact: 'aslp', providerId })
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/provider-users/me/military-affiliation',
      headers: bearer(token),
      payload: { affiliationType: 'militaryMember', fileNames: ['orders.pdf'] },
    })
    assert.equal(created.statusCode, 200, created.body)
    const [form] = (created.json() as Body).documentUploadFields as Form[]

    // Over the limit: refused, and nothing lands in the bucket.
    assert.equal(await upload(form!, Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]), 'application/pdf'), 400)
    assert.deepEqual(await keysInBucket(), [])

    assert.equal(await upload(form!, PDF, 'application/pdf'), 204)
    assert.deepEqual(await keysInBucket(), [form!.fields.key])
    assert.match(form!.fields.key!, new RegExp(`^compact/aslp/provider/${providerId}/document-type/military-affiliations/`))
    assert.deepEqual(await readObject(bucket, form!.fields.key!), PDF)

    const admin = await staffToken(t.app, { sub: staffSub(1), scopes: ['aslp/readGeneral', 'aslp/admin'] })
    const view = await t.app.inject({ method: 'GET', url: `/v1/compacts/aslp/providers/${providerId}`, headers: bearer(admin) })
    const [link] = ((view.json() as Body).militaryAffiliations as Body[])[0]!.downloadLinks as { fileName: string; url: string }[]
    assert.equal(link!.fileName, 'orders.pdf')
    const url = new URL(link!.url)
    const download = await t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` })
    assert.equal(download.statusCode, 200)
    assert.equal(download.headers['content-type'], 'application/pdf')
    assert.deepEqual(download.rawPayload, PDF)
  })

  test('a transaction report zip lands in the bucket at the §5 key', async () => {
    const keys = await t.app.compactConnect.services.reports.transactionReports(new Date('2026-06-08T04:00:00Z'), 'weekly')
    const compactKey = 'compact/aslp/reports/compact-transactions/reporting-cycle/weekly/2026/06/08/aslp-weekly-report-2026-05-30--2026-06-05.zip'
    assert.ok(keys.includes(compactKey), keys.join('\n'))
    const inBucket = await keysInBucket()
    for (const key of keys) assert.ok(inBucket.includes(key), `${key} is in the bucket`)
    const zip = unzipSync(new Uint8Array((await readObject(bucket, compactKey))!))
    assert.deepEqual(Object.keys(zip).sort(), ['financial-summary-report-2026-05-30--2026-06-05.csv', 'transaction-detail-report-2026-05-30--2026-06-05.csv'])
    assert.match(strFromU8(zip['financial-summary-report-2026-05-30--2026-06-05.csv']!), /Total Processed Amount,\$0\.00/)
  })

  test('a license upload rollback writes its results file to the bucket', async () => {
    await t.app.compactConnect.services.rollback.start({
      compact: 'aslp',
      jurisdiction: 'oh',
      // A window without uploads (the QA seed's licenses are uploaded in 2026): an empty results file.
      startDateTime: '2020-01-15T08:00:00Z',
      endDateTime: '2020-01-15T17:59:59Z',
      rollbackReason: 'Invalid data uploaded',
      executionName: 'rollback-aslp-oh-s3',
    })
    while ((await t.app.compactConnect.jobs.drain()) > 0);
    assert.ok((await keysInBucket()).includes('rollback-aslp-oh-s3/results.json'))
    assert.deepEqual(JSON.parse((await readObject(bucket, 'rollback-aslp-oh-s3/results.json'))!.toString()), { skippedProviderDetails: [], failedProviderDetails: [], revertedProviderSummaries: [] })
  })
})
