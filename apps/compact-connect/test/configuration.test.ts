import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedQaConfiguration } from '../seeds/qa-configuration.ts'
import { bearer, providerToken, staffToken } from './tokens.ts'

let testApp: TestApp<CompactConnectConfig>
const tokens: Record<string, string> = {}

const compactBody = (overrides: Record<string, unknown> = {}) => ({
  compactCommissionFee: { feeType: 'FLAT_RATE', feeAmount: 50.5 },
  transactionFeeConfiguration: { licenseeCharges: { active: true, chargeType: 'FLAT_FEE_PER_PRIVILEGE', chargeAmount: 5 } },
  compactOperationsTeamEmails: ['ops@aslp.example.org'],
  compactAdverseActionsNotificationEmails: ['adverse@aslp.example.org'],
  compactSummaryReportNotificationEmails: ['reports@aslp.example.org'],
  licenseeRegistrationEnabled: true,
  configuredStates: [
    { postalAbbreviation: 'co', isLive: true },
    { postalAbbreviation: 'ky', isLive: true },
    { postalAbbreviation: 'ne', isLive: true },
    { postalAbbreviation: 'oh', isLive: true },
    { postalAbbreviation: 'al', isLive: false },
  ],
  ...overrides,
})

const jurisdictionBody = (overrides: Record<string, unknown> = {}) => ({
  licenseeRegistrationEnabled: true,
  privilegeFees: [
    { licenseTypeAbbreviation: 'aud', amount: 100, militaryRate: null },
    { licenseTypeAbbreviation: 'slp', amount: 100, militaryRate: 80.25 },
  ],
  jurisprudenceRequirements: { required: true, linkToDocumentation: 'https://example.org/md' },
  jurisdictionOperationsTeamEmails: ['ops@md.example.org'],
  jurisdictionAdverseActionsNotificationEmails: ['adverse@md.example.org'],
  jurisdictionSummaryReportNotificationEmails: ['reports@md.example.org'],
  ...overrides,
})

async function call(method: 'GET' | 'PUT' | 'POST', url: string, token?: string, payload?: unknown) {
  const response = await testApp.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload !== undefined ? { payload: payload as object } : {}) })
  return { status: response.statusCode, body: response.json() as Record<string, unknown> & { message?: string } }
}

describe('configuration (§1.10, §2.5, §4.13) and live jurisdictions (§2.1)', () => {
  before(async () => {
    testApp = await buildTestApp(compactConnect)
    await seedQaConfiguration(testApp.app.compactConnect)
    const app = testApp.app
    tokens.compactAdmin = await staffToken(app, { scopes: ['aslp/readGeneral', 'aslp/admin'] })
    tokens.ohAdmin = await staffToken(app, { scopes: ['aslp/readGeneral', 'oh/aslp.admin', 'oh/aslp.write'] })
    tokens.mdAdmin = await staffToken(app, { scopes: ['aslp/readGeneral', 'md/aslp.admin'] })
    tokens.reader = await staffToken(app, { scopes: ['aslp/readGeneral'] })
    tokens.octpAdmin = await staffToken(app, { scopes: ['octp/readGeneral', 'octp/admin'] })
    tokens.counAdmin = await staffToken(app, { scopes: ['coun/readGeneral', 'coun/admin'] })
    tokens.provider = await providerToken(app, { providerId: 'c0000000-0000-4000-8000-000000000001', compact: 'aslp' })
  })
  after(() => testApp.close())

  test('public live jurisdictions: all compacts, one compact, unknown compact 400', async () => {
    assert.deepEqual((await call('GET', '/v1/public/jurisdictions/live')).body, { aslp: ['co', 'ky', 'ne', 'oh'], octp: [], coun: [] })
    assert.deepEqual((await call('GET', '/v1/public/jurisdictions/live?compact=octp')).body, { octp: [] })
    assert.equal((await call('GET', '/v1/public/jurisdictions/live?compact=xyz')).status, 400)
  })

  test('member jurisdictions: public and staff lists, bad compact 400, no token 401', async () => {
    const publicList = await call('GET', '/v1/public/compacts/aslp/jurisdictions')
    assert.equal(publicList.status, 200)
    const list = publicList.body as unknown as { postalAbbreviation: string; jurisdictionName: string; compact: string }[]
    assert.equal(list.length, 35)
    assert.deepEqual(list[0], { jurisdictionName: 'Alabama', postalAbbreviation: 'al', compact: 'aslp' })
    assert.equal((await call('GET', '/v1/public/compacts/nope/jurisdictions')).status, 400)
    assert.equal((await call('GET', '/v1/compacts/octp/jurisdictions', tokens.reader)).status, 200)
    assert.equal((await call('GET', '/v1/compacts/aslp/jurisdictions')).status, 401)
  })

  test('GET compact configuration: compact admin only; defaults when none is stored', async () => {
    const stored = await call('GET', '/v1/compacts/aslp', tokens.compactAdmin)
    assert.equal(stored.status, 200)
    assert.deepEqual(stored.body.compactCommissionFee, { feeType: 'FLAT_RATE', feeAmount: 50.5 })
    assert.deepEqual(stored.body.paymentProcessorPublicFields, { publicClientKey: 'qa-aslp-public-client-key', apiLoginId: 'qa-aslp-api-login-id' })
    assert.equal(JSON.stringify(stored.body).includes('qa-aslp-transaction-key'), false)
    for (const token of [tokens.ohAdmin, tokens.reader, tokens.octpAdmin]) {
      assert.deepEqual(await call('GET', '/v1/compacts/aslp', token), { status: 403, body: { message: 'Access denied' } })
    }
    assert.equal((await call('GET', '/v1/compacts/aslp', tokens.provider)).status, 401)
    const defaults = await call('GET', '/v1/compacts/coun', tokens.counAdmin)
    assert.equal(defaults.status, 200)
    assert.equal(defaults.body.licenseeRegistrationEnabled, false)
    assert.deepEqual(defaults.body.compactCommissionFee, { feeType: 'FLAT_RATE', feeAmount: null })
    assert.deepEqual(defaults.body.configuredStates, [])
    assert.deepEqual(defaults.body.compactOperationsTeamEmails, [])
    assert.equal(defaults.body.compactName, 'Counseling')
  })

  test('PUT compact configuration: the rules of §4.13', async () => {
    const put = (body: unknown, token = tokens.compactAdmin, compact = 'aslp') => call('PUT', `/v1/compacts/${compact}`, token, body)
    assert.deepEqual(await put(compactBody()), { status: 200, body: { message: 'ok' } })
    // Wrong callers.
    assert.equal((await put(compactBody(), tokens.ohAdmin)).status, 403)
    assert.equal((await put(compactBody(), tokens.reader)).status, 403)
    // Registration cannot be switched off once on.
    const off = await put(compactBody({ licenseeRegistrationEnabled: false }))
    assert.equal(off.status, 400)
    assert.match(off.body.message!, /cannot be disabled/)
    // States may not be added, removed, or made not live again; no duplicates.
    const configured = compactBody().configuredStates
    assert.equal((await put(compactBody({ configuredStates: [...configured, { postalAbbreviation: 'md', isLive: false }] }))).status, 400)
    assert.equal((await put(compactBody({ configuredStates: configured.slice(0, 4) }))).status, 400)
    assert.equal((await put(compactBody({ configuredStates: configured.map((state) => ({ ...state, isLive: state.postalAbbreviation === 'oh' ? false : state.isLive })) }))).status, 400)
    assert.equal((await put(compactBody({ configuredStates: [...configured, { postalAbbreviation: 'co', isLive: true }] }))).status, 400)
    // Going live: false → true is allowed.
    assert.equal((await put(compactBody({ configuredStates: configured.map((state) => ({ ...state, isLive: true })) }))).status, 200)
    assert.deepEqual((await call('GET', '/v1/public/jurisdictions/live?compact=aslp')).body, { aslp: ['co', 'ky', 'ne', 'oh', 'al'] })
    // Bad amounts and bodies.
    assert.equal((await put(compactBody({ compactCommissionFee: { feeType: 'FLAT_RATE', feeAmount: 1.005 } }))).status, 400)
    assert.equal((await put(compactBody({ compactCommissionFee: { feeType: 'FLAT_RATE', feeAmount: -1 } }))).status, 400)
    assert.equal((await put(compactBody({ compactCommissionFee: { feeType: 'FLAT_RATE', feeAmount: '50' } }))).status, 400)
    assert.equal((await put(compactBody({ compactOperationsTeamEmails: [] }))).status, 400)
    assert.equal((await put(compactBody({ compactOperationsTeamEmails: ['not-an-email'] }))).status, 400)
    assert.equal((await put(compactBody({ compactAbbr: 'aslp' }))).status, 400)
    // chargeAmount 0 removes the whole transaction fee configuration; payment public fields are preserved.
    assert.equal(
      (
        await put(
          compactBody({
            configuredStates: configured.map((state) => ({ ...state, isLive: true })),
            transactionFeeConfiguration: { licenseeCharges: { active: true, chargeType: 'FLAT_FEE_PER_PRIVILEGE', chargeAmount: 0 } },
          }),
        )
      ).status,
      200,
    )
    // Omitted configuredStates are kept as stored.
    const { configuredStates: _states, ...withoutStates } = compactBody({ transactionFeeConfiguration: undefined })
    assert.equal((await put(withoutStates)).status, 200)
    const after = await call('GET', '/v1/compacts/aslp', tokens.compactAdmin)
    assert.equal((after.body.configuredStates as unknown[]).length, 5)
    assert.equal('transactionFeeConfiguration' in after.body, false)
    assert.deepEqual(after.body.paymentProcessorPublicFields, { publicClientKey: 'qa-aslp-public-client-key', apiLoginId: 'qa-aslp-api-login-id' })
  })

  test('enabling registration needs payment credentials, and a configuration to exist first', async () => {
    const body = compactBody({ configuredStates: [], transactionFeeConfiguration: undefined })
    const octp = await call('PUT', '/v1/compacts/octp', tokens.octpAdmin, body)
    assert.equal(octp.status, 400)
    assert.match(octp.body.message!, /payment processor credentials/)
    const coun = await call('PUT', '/v1/compacts/coun', tokens.counAdmin, body)
    assert.equal(coun.status, 400)
    assert.equal((await call('PUT', '/v1/compacts/coun', tokens.counAdmin, { ...body, licenseeRegistrationEnabled: false })).status, 200)
  })

  test('payment processor credentials: verified live against Authorize.Net (the local fake), public fields stored', async () => {
    const credentials = { processor: 'authorize.net', apiLoginId: 'octp-login', transactionKey: 'octp-key' }
    assert.equal((await call('POST', '/v1/compacts/octp/credentials/payment-processor', tokens.compactAdmin, credentials)).status, 403)
    assert.deepEqual(await call('POST', '/v1/compacts/octp/credentials/payment-processor', tokens.octpAdmin, credentials), { status: 200, body: { message: 'Successfully verified credentials' } })
    const octp = await call('GET', '/v1/compacts/octp', tokens.octpAdmin)
    assert.deepEqual(octp.body.paymentProcessorPublicFields, { publicClientKey: 'fake-public-client-key-octp-login', apiLoginId: 'octp-login' })
    // The secret is stored encrypted, and read back through the service.
    const stored = await testApp.app.compactConnect.repositories.configuration.credentials(testApp.database.db, 'octp')
    assert.match(stored!.transactionKey, /^v1:/)
    assert.equal(stored!.transactionKey.includes('octp-key'), false)
    assert.deepEqual(await testApp.app.compactConnect.services.configuration.merchantCredentials('octp'), { apiLoginId: 'octp-login', transactionKey: 'octp-key' })
    // Now registration may be enabled.
    const enable = await call('PUT', '/v1/compacts/octp', tokens.octpAdmin, compactBody({ configuredStates: [] }))
    assert.equal(enable.status, 200)
    // A compact without configuration cannot take credentials yet.
    const fresh = await testApp.app.compactConnect.repositories.configuration.compact(testApp.database.db, 'coun')
    assert.ok(fresh) // created by the previous test
    assert.equal((await call('POST', '/v1/compacts/octp/credentials/payment-processor', tokens.octpAdmin, { ...credentials, processor: 'stripe' })).status, 400)
  })

  test('GET jurisdiction configuration: state admin of that jurisdiction only; defaults when none stored', async () => {
    const oh = await call('GET', '/v1/compacts/aslp/jurisdictions/oh', tokens.ohAdmin)
    assert.equal(oh.status, 200)
    assert.deepEqual(oh.body, {
      compact: 'aslp',
      jurisdictionName: 'Ohio',
      postalAbbreviation: 'oh',
      privilegeFees: [
        { licenseTypeAbbreviation: 'aud', amount: 50, militaryRate: 40 },
        { licenseTypeAbbreviation: 'slp', amount: 50, militaryRate: 40 },
      ],
      jurisdictionOperationsTeamEmails: ['ops@oh.example.org'],
      jurisdictionAdverseActionsNotificationEmails: ['adverse@oh.example.org'],
      jurisdictionSummaryReportNotificationEmails: ['reports@oh.example.org'],
      licenseeRegistrationEnabled: true,
      jurisprudenceRequirements: { required: true, linkToDocumentation: 'https://example.org/oh/jurisprudence' },
    })
    // Compact admins and other states' admins are refused.
    assert.equal((await call('GET', '/v1/compacts/aslp/jurisdictions/oh', tokens.compactAdmin)).status, 403)
    assert.equal((await call('GET', '/v1/compacts/aslp/jurisdictions/oh', tokens.mdAdmin)).status, 403)
    const md = await call('GET', '/v1/compacts/aslp/jurisdictions/md', tokens.mdAdmin)
    assert.equal(md.status, 200)
    assert.deepEqual(md.body.privilegeFees, [
      { licenseTypeAbbreviation: 'aud', amount: null, militaryRate: null },
      { licenseTypeAbbreviation: 'slp', amount: null, militaryRate: null },
    ])
    assert.deepEqual(md.body.jurisprudenceRequirements, { required: false, linkToDocumentation: null })
  })

  test('PUT jurisdiction configuration: fees for exactly the license types; registration adds the state, not live', async () => {
    const put = (body: unknown, token = tokens.mdAdmin) => call('PUT', '/v1/compacts/aslp/jurisdictions/md', token, body)
    assert.equal((await put(jurisdictionBody(), tokens.compactAdmin)).status, 403)
    assert.equal((await put(jurisdictionBody(), tokens.ohAdmin)).status, 403)
    assert.equal((await put(jurisdictionBody({ privilegeFees: [{ licenseTypeAbbreviation: 'aud', amount: 1 }] }))).status, 400)
    assert.equal(
      (
        await put(
          jurisdictionBody({
            privilegeFees: [
              { licenseTypeAbbreviation: 'aud', amount: 1 },
              { licenseTypeAbbreviation: 'slp', amount: 1 },
              { licenseTypeAbbreviation: 'ot', amount: 1 },
            ],
          }),
        )
      ).status,
      400,
    )
    assert.equal(
      (
        await put(
          jurisdictionBody({
            privilegeFees: [
              { licenseTypeAbbreviation: 'aud', amount: 1 },
              { licenseTypeAbbreviation: 'aud', amount: 1 },
            ],
          }),
        )
      ).status,
      400,
    )
    assert.equal(
      (
        await put(
          jurisdictionBody({
            privilegeFees: [
              { licenseTypeAbbreviation: 'aud', amount: 1.001 },
              { licenseTypeAbbreviation: 'slp', amount: 1 },
            ],
          }),
        )
      ).status,
      400,
    )
    assert.equal(
      (
        await put(
          jurisdictionBody({
            privilegeFees: [
              { licenseTypeAbbreviation: 'aud', amount: 1, militaryRate: -2 },
              { licenseTypeAbbreviation: 'slp', amount: 1 },
            ],
          }),
        )
      ).status,
      400,
    )
    assert.deepEqual(await put(jurisdictionBody()), { status: 200, body: { message: 'ok' } })
    const compact = await call('GET', '/v1/compacts/aslp', tokens.compactAdmin)
    const states = compact.body.configuredStates as { postalAbbreviation: string; isLive: boolean }[]
    assert.deepEqual(states.at(-1), { postalAbbreviation: 'md', isLive: false })
    // Not live, so not offered.
    assert.equal(((await call('GET', '/v1/public/jurisdictions/live?compact=aslp')).body.aslp as string[]).includes('md'), false)
    // Once on, registration stays on; a second PUT does not add md twice.
    assert.equal((await put(jurisdictionBody({ licenseeRegistrationEnabled: false }))).status, 400)
    assert.equal((await put(jurisdictionBody({ jurisprudenceRequirements: { required: false, linkToDocumentation: 'not a url' } }))).status, 400)
    assert.equal((await put(jurisdictionBody({ jurisprudenceRequirements: { required: false, linkToDocumentation: '' } }))).status, 200)
    assert.deepEqual((await call('GET', '/v1/compacts/aslp/jurisdictions/md', tokens.mdAdmin)).body.jurisprudenceRequirements, { required: false, linkToDocumentation: null })
    assert.equal((await put(jurisdictionBody({ jurisprudenceRequirements: { required: false, linkToDocumentation: null } }))).status, 200)
    const again = (await call('GET', '/v1/compacts/aslp', tokens.compactAdmin)).body.configuredStates as { postalAbbreviation: string }[]
    assert.equal(again.filter((state) => state.postalAbbreviation === 'md').length, 1)
    const md = await call('GET', '/v1/compacts/aslp/jurisdictions/md', tokens.mdAdmin)
    assert.deepEqual(md.body.privilegeFees, [
      { licenseTypeAbbreviation: 'aud', amount: 100, militaryRate: null },
      { licenseTypeAbbreviation: 'slp', amount: 100, militaryRate: 80.25 },
    ])
  })

  test('a jurisdiction enabling registration before its compact has a configuration is a 500 without a stack trace', async () => {
    const token = await staffToken(testApp.app, { scopes: ['coun/readGeneral', 'ky/coun.admin'] })
    await testApp.app.compactConnect.database.query('DELETE FROM compact_configurations WHERE compact = $1', ['coun'])
    const body = jurisdictionBody({ privilegeFees: [{ licenseTypeAbbreviation: 'lpc', amount: 10 }] })
    const response = await call('PUT', '/v1/compacts/coun/jurisdictions/ky', token, body)
    assert.equal(response.status, 500)
    assert.deepEqual(Object.keys(response.body), ['message'])
    // Nor can a compact without configuration take payment processor credentials (§2.5).
    const credentials = { processor: 'authorize.net', apiLoginId: 'coun-login', transactionKey: 'coun-key' }
    assert.deepEqual(await call('POST', '/v1/compacts/coun/credentials/payment-processor', tokens.counAdmin, credentials), {
      status: 400,
      body: { message: 'Compact configuration must be set before uploading payment processor credentials.' },
    })
  })
})
