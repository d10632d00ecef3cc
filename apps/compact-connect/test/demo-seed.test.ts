// The demo seed (`npm start`) shows an encumbered provider and a military affiliation waiting for its audit.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedDemo } from '../seeds/demo.ts'
import { providerIdOf } from '../seeds/qa-providers.ts'
import { bearer, staffToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false' } })
  await seedDemo(t.app.compactConnect)
})
after(async () => t.close())

const read = async (n: number) => {
  const token = await staffToken(t.app, { scopes: ['aslp/readGeneral', 'aslp/admin'] })
  const response = await t.app.inject({ method: 'GET', url: `/v1/compacts/aslp/providers/${providerIdOf(n)}`, headers: bearer(token) })
  assert.equal(response.statusCode, 200)
  return response.json() as Record<string, unknown>
}

test('P7 is encumbered (provider and license), P1 is tentative with an active military record to audit', async () => {
  const p7 = await read(7)
  assert.equal(p7.encumberedStatus, 'encumbered')
  assert.equal(p7.licenseStatus, 'inactive')
  const p1 = await read(1)
  assert.equal(p1.militaryStatus, 'tentative')
  const records = p1.militaryAffiliations as { status: string; documentKeys: string[] }[]
  assert.deepEqual(
    records.map((record) => record.status),
    ['active'],
  )
  assert.equal(records[0]!.documentKeys.length, 1)
})
