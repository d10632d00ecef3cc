// The worked purchases of spec §9.4 and the seeded subjects of §9.7, black-box: POST /qa/seedDatabase, then the
// purchase API, then GET /qa/payments for what the local Authorize.Net fake was asked to charge.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { bearer, providerToken, staffToken } from './tokens.ts'

let testApp: TestApp<CompactConnectConfig>
const P = (n: number) => `c0000000-0000-4000-8000-00000000000${n}`

const ALWAYS = [
  ['jurisprudence-confirmation', '2'],
  ['scope-of-practice-attestation', '1'],
  ['personal-information-address-attestation', '1'],
  ['discipline-no-current-encumbrance-attestation', '1'],
  ['discipline-no-prior-encumbrance-attestation', '1'],
  ['provision-of-true-information-attestation', '1'],
  ['not-under-investigation-attestation', '1'],
]
const attestations = (military: boolean) =>
  [
    ...ALWAYS,
    ...(military
      ? [
          ['military-affiliation-confirmation-attestation', '1'],
          ['military-personal-information-state-license-attestation', '1'],
        ]
      : [['personal-information-home-state-attestation', '1']]),
  ].map(([attestationId, version]) => ({ attestationId: attestationId!, version: version! }))

async function seed() {
  const response = await testApp.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
  assert.equal(response.statusCode, 204)
}

async function buy(n: number, selectedJurisdictions: string[], options: { military?: boolean; dataValue?: string } = {}) {
  const token = await providerToken(testApp.app, { providerId: P(n), compact: 'aslp' })
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/v1/purchases/privileges',
    headers: bearer(token),
    payload: {
      licenseType: 'speech-language pathologist',
      selectedJurisdictions,
      orderInformation: { opaqueData: { dataDescriptor: 'COMMON.ACCEPT.INAPP.PAYMENT', dataValue: options.dataValue ?? `nonce-${n}-${selectedJurisdictions.join('')}` } },
      attestations: attestations(options.military ?? false),
    },
  })
  return { status: response.statusCode, body: response.json() as { transactionId?: string; message?: string } }
}

async function payments() {
  const response = await testApp.app.inject({ method: 'GET', url: '/qa/payments' })
  return (response.json() as { transactions: { transactionId: string; status: string; amount: string; lineItems: { itemId: string; description: string; quantity: string; unitPrice: string }[] }[] })
    .transactions
}

describe('QA seed purchases (§9.4 worked cases, §9.7 subjects, §9.9 payment fake)', () => {
  before(async () => {
    testApp = await buildTestApp(compactConnect)
  })
  after(() => testApp.close())

  test('P1 (not military): oh + ky → 361.00 with id 120000000101; oh + ky + ne → 491.50', async () => {
    await seed()
    const first = await buy(1, ['oh', 'ky'])
    assert.equal(first.status, 200, JSON.stringify(first.body))
    assert.equal(first.body.transactionId, '120000000101')
    assert.deepEqual(
      (await payments()).map((payment) => [payment.transactionId, payment.status, payment.amount]),
      [['120000000101', 'capturedPendingSettlement', '361.00']],
    )
    await seed()
    assert.equal((await buy(1, ['oh', 'ky', 'ne'])).status, 200)
    const [charged] = await payments()
    assert.equal(charged!.transactionId, '120000000101')
    assert.equal(charged!.amount, '491.50')
    assert.deepEqual(
      charged!.lineItems.slice(3).map((item) => [item.itemId, item.quantity, item.unitPrice]),
      [
        ['aslp-compact-fee', '3', '50.50'],
        ['credit-card-transaction-fee', '3', '5.00'],
      ],
    )
  })

  test('new privileges are numbered after the seeded counter (4)', async () => {
    await seed()
    assert.equal((await buy(1, ['oh'])).status, 200)
    const rows = await testApp.database.query<{ privilege_id: string }>('SELECT privilege_id FROM privileges WHERE provider_id = $1', [P(1)])
    const number = Number(rows[0]!.privilege_id.split('-')[2])
    assert.match(rows[0]!.privilege_id, /^SLP-OH-\d+$/)
    assert.ok(number >= 5)
  })

  test('P3 (military, approved): oh → 95.50; co + ky + oh → 506.50; after chargeAmount 0, oh → 90.50', async () => {
    await seed()
    assert.equal((await buy(3, ['oh'], { military: true })).status, 200)
    assert.equal((await payments())[0]!.amount, '95.50')
    assert.equal((await payments())[0]!.lineItems[0]!.description, 'Compact Privilege for Ohio (Military Rate)')
    await seed()
    assert.equal((await buy(3, ['co', 'ky', 'oh'], { military: true })).status, 200)
    assert.equal((await payments())[0]!.amount, '506.50')
    await seed()
    const admin = await staffToken(testApp.app, { scopes: ['aslp/readGeneral', 'aslp/admin'] })
    const current = (await testApp.app.inject({ method: 'GET', url: '/v1/compacts/aslp', headers: bearer(admin) })).json() as Record<string, unknown>
    const { compactAbbr: _a, compactName: _n, paymentProcessorPublicFields: _p, ...body } = current
    const put = await testApp.app.inject({
      method: 'PUT',
      url: '/v1/compacts/aslp',
      headers: bearer(admin),
      payload: { ...body, transactionFeeConfiguration: { licenseeCharges: { active: true, chargeType: 'FLAT_FEE_PER_PRIVILEGE', chargeAmount: 0 } } },
    })
    assert.equal(put.statusCode, 200, put.body)
    assert.equal((await buy(3, ['oh'], { military: true })).status, 200)
    const [charged] = await payments()
    assert.equal(charged!.amount, '90.50')
    assert.deepEqual(
      charged!.lineItems.map((item) => item.itemId),
      ['priv:aslp-oh-slp', 'aslp-compact-fee'],
    )
  })

  test('P2 renewals: co changes nothing (400); ky (deactivated) and ne (home change, license deactivated) renew', async () => {
    await seed()
    const same = await buy(2, ['co'])
    assert.equal(same.status, 400)
    assert.match(same.body.message!, /matches existing privilege jurisdiction/)
    const renewal = await buy(2, ['ky', 'ne'])
    assert.equal(renewal.status, 200, JSON.stringify(renewal.body))
    const rows = await testApp.database.query<{
      privilege_id: string
      administrator_set_status: string
      license_deactivated_status: string | null
      home_jurisdiction_change_status: string | null
      date_of_expiration: string
    }>(
      "SELECT privilege_id, administrator_set_status, license_deactivated_status, home_jurisdiction_change_status, date_of_expiration::text FROM privileges WHERE provider_id = $1 AND jurisdiction IN ('ky', 'ne') ORDER BY jurisdiction",
      [P(2)],
    )
    assert.deepEqual(rows, [
      { privilege_id: 'SLP-KY-2', administrator_set_status: 'active', license_deactivated_status: null, home_jurisdiction_change_status: null, date_of_expiration: '2044-12-31' },
      { privilege_id: 'SLP-NE-3', administrator_set_status: 'active', license_deactivated_status: null, home_jurisdiction_change_status: null, date_of_expiration: '2044-12-31' },
    ])
  })

  test('refusals: P4 inactive license, P7 encumbered, P8 recently encumbered; decline and API error', async () => {
    await seed()
    assert.equal((await buy(4, ['oh'])).status, 400)
    assert.match((await buy(7, ['oh'])).body.message!, /currently encumbered/)
    assert.match((await buy(8, ['oh'])).body.message!, /within the last two years/)
    assert.equal((await payments()).length, 0)
    assert.deepEqual(await buy(1, ['oh'], { dataValue: 'qa-decline' }), {
      status: 400,
      body: { message: 'Error: Failed to process transaction. Error code: 2, Error message: This transaction has been declined.' },
    })
    assert.deepEqual(await buy(1, ['oh'], { dataValue: 'qa-api-error' }), { status: 500, body: { message: 'Internal Server Error' } })
    assert.deepEqual(
      (await payments()).map((payment) => [payment.transactionId, payment.status]),
      [
        ['120000000101', 'declined'],
        ['0', 'failed'],
      ],
    )
  })
})
