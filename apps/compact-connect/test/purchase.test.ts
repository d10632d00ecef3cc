import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { eq } from '@hearth/kernel'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import { startSmtpSink, type SmtpSink } from '@hearth/kernel/testing/smtp-sink'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { adverseActions, dataEvents, militaryAffiliations, privileges, providers, transactions, updateRecords } from '../src/db/schema.ts'
import { daysBeforeToday } from '../src/domain/dates.ts'
import { seedQaConfiguration } from '../seeds/qa-configuration.ts'
import { bearer, providerToken, staffToken } from './tokens.ts'

let testApp: TestApp<CompactConnectConfig>
let sink: SmtpSink
const S = new Date('2026-01-15T12:00:00+00:00')

interface ProviderSetup {
  home?: string
  licenseExpiration?: string
  militaryStatus?: string | null
  encumberedStatus?: string | null
  uploadedStatus?: 'active' | 'inactive'
}

/** A provider with one slp license in its home state, through the licenses repository. */
async function givenProvider(setup: ProviderSetup = {}): Promise<{ providerId: string; token: string }> {
  const providerId = randomUUID()
  const home = setup.home ?? 'co'
  const { licenses } = testApp.app.compactConnect.repositories
  const db = testApp.database.db
  const expiration = setup.licenseExpiration ?? '2045-01-31'
  const status = setup.uploadedStatus ?? 'active'
  const eligibility = status === 'active' ? 'eligible' : 'ineligible'
  await licenses.insertProviderIfMissing(db, {
    providerId,
    compact: 'aslp',
    licenseJurisdiction: home,
    jurisdictionUploadedLicenseStatus: status,
    jurisdictionUploadedCompactEligibility: eligibility,
    encumberedStatus: setup.encumberedStatus ?? 'unencumbered',
    ssnLastFour: '1001',
    givenName: 'Harriet',
    familyName: 'Quimby',
    dateOfExpiration: expiration,
    dateOfBirth: '1985-03-14',
    compactConnectRegisteredEmailAddress: `${providerId}@example.org`,
    militaryStatus: setup.militaryStatus ?? null,
    currentHomeJurisdiction: home,
    birthMonthDay: '03-14',
    providerFamGivMid: 'quimby#harriet#',
    providerDateOfUpdate: S,
    dateOfUpdate: S,
  })
  await licenses.insertLicense(db, {
    providerId,
    compact: 'aslp',
    jurisdiction: home,
    licenseType: 'speech-language pathologist',
    ssnLastFour: '1001',
    givenName: 'Harriet',
    familyName: 'Quimby',
    dateOfIssuance: '2019-02-01',
    dateOfExpiration: expiration,
    dateOfBirth: '1985-03-14',
    homeAddressStreet1: '100 Aspen Way',
    homeAddressCity: 'Denver',
    homeAddressState: 'CO',
    homeAddressPostalCode: '80202',
    jurisdictionUploadedLicenseStatus: status,
    jurisdictionUploadedCompactEligibility: eligibility,
    encumberedStatus: 'unencumbered',
    dateOfUpdate: S,
  })
  return { providerId, token: await providerToken(testApp.app, { providerId, compact: 'aslp' }) }
}

const attestations = (options: { military?: boolean; jurisprudenceVersion?: string; drop?: string; add?: { attestationId: string; version: string }[] } = {}) =>
  [
    { attestationId: 'jurisprudence-confirmation', version: options.jurisprudenceVersion ?? '2' },
    { attestationId: 'scope-of-practice-attestation', version: '1' },
    { attestationId: 'personal-information-address-attestation', version: '1' },
    { attestationId: 'discipline-no-current-encumbrance-attestation', version: '1' },
    { attestationId: 'discipline-no-prior-encumbrance-attestation', version: '1' },
    { attestationId: 'provision-of-true-information-attestation', version: '1' },
    { attestationId: 'not-under-investigation-attestation', version: '1' },
    ...(options.military
      ? [
          { attestationId: 'military-affiliation-confirmation-attestation', version: '1' },
          { attestationId: 'military-personal-information-state-license-attestation', version: '1' },
        ]
      : [{ attestationId: 'personal-information-home-state-attestation', version: '1' }]),
    ...(options.add ?? []),
  ].filter((attestation) => attestation.attestationId !== options.drop)

const purchaseBody = (selectedJurisdictions: string[], options: { dataValue?: string; military?: boolean; attestations?: unknown[] } = {}) => ({
  licenseType: 'speech-language pathologist',
  selectedJurisdictions,
  orderInformation: { opaqueData: { dataDescriptor: 'COMMON.ACCEPT.INAPP.PAYMENT', dataValue: options.dataValue ?? `nonce-${randomUUID()}` } },
  attestations: options.attestations ?? attestations({ military: options.military }),
})

async function buy(token: string, body: unknown) {
  const response = await testApp.app.inject({ method: 'POST', url: '/v1/purchases/privileges', headers: bearer(token), payload: body as object })
  return { status: response.statusCode, body: response.json() as Record<string, unknown> & { message?: string } }
}

async function ledger() {
  const response = await testApp.app.inject({ method: 'GET', url: '/qa/payments' })
  assert.equal(response.statusCode, 200)
  return (
    response.json() as {
      transactions: {
        transactionId: string
        status: string
        amount: string
        orderDescription: string
        duplicateWindow: string
        taxExempt: string
        dataValue: string
        lineItems: { itemId: string; quantity: string; unitPrice: string; description: string }[]
      }[]
    }
  ).transactions
}

const privilegesOf = (providerId: string) => testApp.database.db.select().from(privileges).where(eq(privileges.providerId, providerId)).orderBy(privileges.jurisdiction)

describe('privilege purchase and renewal (§2.3, §4.6) through the local Authorize.Net fake', () => {
  before(async () => {
    sink = await startSmtpSink()
    testApp = await buildTestApp(compactConnect, { env: { SMTP_URL: sink.url, JOB_POLL_INTERVAL_MS: '50' } })
    await seedQaConfiguration(testApp.app.compactConnect)
  })
  after(async () => {
    await testApp.close()
    await sink.close()
  })
  beforeEach(() => testApp.app.compactConnect.services.payments.resetFake())

  test('options: the compact item and the four live jurisdictions, contact emails stripped; practitioners only', async () => {
    const { token } = await givenProvider()
    const response = await testApp.app.inject({ method: 'GET', url: '/v1/purchases/privileges/options', headers: bearer(token) })
    assert.equal(response.statusCode, 200)
    const body = response.json() as { items: Record<string, unknown>[]; pagination: unknown }
    assert.deepEqual(body.items[0], {
      type: 'compact',
      compactAbbr: 'aslp',
      compactName: 'Audiology and Speech Language Pathology',
      compactCommissionFee: { feeType: 'FLAT_RATE', feeAmount: 50.5 },
      transactionFeeConfiguration: { licenseeCharges: { active: true, chargeType: 'FLAT_FEE_PER_PRIVILEGE', chargeAmount: 5 } },
      paymentProcessorPublicFields: { publicClientKey: 'qa-aslp-public-client-key', apiLoginId: 'qa-aslp-api-login-id' },
      isSandbox: true,
    })
    assert.deepEqual(
      body.items.slice(1).map((item) => item.postalAbbreviation),
      ['co', 'ky', 'ne', 'oh'],
    )
    assert.deepEqual(body.items[4], {
      type: 'jurisdiction',
      jurisdictionName: 'Ohio',
      postalAbbreviation: 'oh',
      compact: 'aslp',
      privilegeFees: [
        { licenseTypeAbbreviation: 'aud', amount: 50, militaryRate: 40 },
        { licenseTypeAbbreviation: 'slp', amount: 50, militaryRate: 40 },
      ],
      jurisprudenceRequirements: { required: true, linkToDocumentation: 'https://example.org/oh/jurisprudence' },
    })
    const staff = await staffToken(testApp.app, { scopes: ['aslp/readGeneral', 'aslp/admin'] })
    assert.equal((await testApp.app.inject({ method: 'GET', url: '/v1/purchases/privileges/options', headers: bearer(staff) })).statusCode, 401)
    // A compact without configuration (coun) has no compact item: 500, as the original.
    const coun = await providerToken(testApp.app, { providerId: randomUUID(), compact: 'coun' })
    const missing = await testApp.app.inject({ method: 'GET', url: '/v1/purchases/privileges/options', headers: bearer(coun) })
    assert.equal(missing.statusCode, 500)
    assert.deepEqual(Object.keys(missing.json() as object), ['message'])
    assert.equal((await testApp.app.inject({ method: 'GET', url: '/v1/purchases/privileges/options' })).statusCode, 401)
  })

  test('P1 buys oh + ky: 361.00 charged with the line items of §4.6, privileges and the transaction recorded', async () => {
    const { providerId, token } = await givenProvider()
    const response = await buy(token, purchaseBody(['oh', 'ky'], { dataValue: 'nonce-p1' }))
    assert.equal(response.status, 200, JSON.stringify(response.body))
    assert.equal(response.body.transactionId, '120000000101')
    assert.equal(response.body.message, 'Successfully processed charge')
    assert.deepEqual(response.body.lineItems, [
      { itemId: 'priv:aslp-oh-slp', name: 'Ohio Compact Privilege', description: 'Compact Privilege for Ohio', quantity: '1', unitPrice: 50 },
      { itemId: 'priv:aslp-ky-slp', name: 'Kentucky Compact Privilege', description: 'Compact Privilege for Kentucky', quantity: '1', unitPrice: 200 },
      { itemId: 'aslp-compact-fee', name: 'ASLP Compact Fee', description: 'Compact fee applied for each privilege purchased', quantity: '2', unitPrice: 50.5 },
      { itemId: 'credit-card-transaction-fee', name: 'Credit Card Transaction Fee', description: 'Transaction fee for credit card processing', quantity: '2', unitPrice: 5 },
    ])
    const [charged] = await ledger()
    assert.equal(charged!.amount, '361.00')
    // Charged as the compact's merchant: the stored (encrypted) credentials, decrypted.
    const [sent] = (await testApp.app.compactConnect.services.payments.fake())!.requests
    assert.deepEqual(sent!.createTransactionRequest.merchantAuthentication, { name: 'qa-aslp-api-login-id', transactionKey: 'qa-aslp-transaction-key' })
    assert.equal(charged!.status, 'capturedPendingSettlement')
    assert.equal(charged!.orderDescription, `LICENSEE#${providerId}#`)
    assert.equal(charged!.duplicateWindow, '35')
    assert.equal(charged!.taxExempt, 'true')
    assert.equal(charged!.dataValue, 'nonce-p1')
    assert.deepEqual(
      charged!.lineItems.map((item) => [item.itemId, item.quantity, item.unitPrice]),
      [
        ['priv:aslp-oh-slp', '1', '50.00'],
        ['priv:aslp-ky-slp', '1', '200.00'],
        ['aslp-compact-fee', '2', '50.50'],
        ['credit-card-transaction-fee', '2', '5.00'],
      ],
    )
    const written = await privilegesOf(providerId)
    assert.deepEqual(
      written.map((row) => [row.jurisdiction, row.licenseJurisdiction, row.dateOfExpiration, row.compactTransactionId, row.administratorSetStatus]),
      [
        ['ky', 'co', '2045-01-31', '120000000101', 'active'],
        ['oh', 'co', '2045-01-31', '120000000101', 'active'],
      ],
    )
    assert.match(written[0]!.privilegeId, /^SLP-KY-\d+$/)
    assert.match(written[1]!.privilegeId, /^SLP-OH-\d+$/)
    assert.equal(written[0]!.dateOfIssuance.getTime(), written[0]!.dateOfRenewal.getTime())
    assert.equal(written[0]!.attestations.length, 8)
    const [provider] = await testApp.database.db.select().from(providers).where(eq(providers.providerId, providerId))
    assert.deepEqual([...provider!.privilegeJurisdictions].sort(), ['ky', 'oh'])
    assert.ok(provider!.providerDateOfUpdate > S)
    const [recorded] = await testApp.database.db.select().from(transactions).where(eq(transactions.providerId, providerId))
    assert.equal(recorded!.amountCents, 36100)
    assert.equal(recorded!.status, 'unsettled')
    assert.deepEqual([...recorded!.privilegeIds].sort(), written.map((row) => row.privilegeId).sort())
    const events = await testApp.database.db.select().from(dataEvents).where(eq(dataEvents.compact, 'aslp'))
    assert.deepEqual(
      events
        .filter((event) => event.detail.providerId === providerId)
        .map((event) => [event.eventType, event.jurisdiction])
        .sort(),
      [
        ['privilege.issued', 'ky'],
        ['privilege.issued', 'oh'],
        // §5 (cc-mail-jobs): the purchase event too, filed under each privilege's jurisdiction.
        ['privilege.purchase', 'ky'],
        ['privilege.purchase', 'oh'],
      ],
    )
    // The receipt (§4.15 privilegePurchaseProviderNotification) goes to the registered email once committed.
    const receipt = await sink.waitFor((mail) => mail.to.includes(`${providerId}@example.org`), 10_000)
    assert.equal(receipt.subject, 'Compact Privileges Purchased')
    assert.match(receipt.text, /transaction 120000000101/)
    assert.match(receipt.text, new RegExp(`Ohio: privilege ${written[1]!.privilegeId}`))
    assert.match(receipt.text, /ASLP Compact Fee — 2 × \$50\.50 = \$101\.00/)
    assert.match(receipt.text, /Total: \$361\.00/)
    assert.match(receipt.text, /testing environment/)
    // Buying the same again changes nothing: refused before any charge.
    const again = await buy(token, purchaseBody(['oh']))
    assert.equal(again.status, 400)
    assert.match(again.body.message!, /matches existing privilege jurisdiction/)
    assert.equal((await ledger()).length, 1)
    // A restarted (emptied) fake continues after the highest recorded transaction id, never reusing one.
    await testApp.app.compactConnect.services.payments.resetFake()
    const next = await buy(token, purchaseBody(['ne']))
    assert.equal(next.status, 200)
    assert.equal(next.body.transactionId, '120000000102')
  })

  test('military buyer: the military rate where a jurisdiction sets one (co + ky + oh → 506.50)', async () => {
    const { token } = await givenProvider({ home: 'ne', militaryStatus: 'approved' })
    const response = await buy(token, purchaseBody(['co', 'ky', 'oh'], { military: true }))
    assert.equal(response.status, 200, JSON.stringify(response.body))
    const [charged] = await ledger()
    assert.equal(charged!.amount, '506.50')
    assert.equal(charged!.lineItems[2]!.description, 'Compact Privilege for Ohio (Military Rate)')
    assert.equal(charged!.lineItems[0]!.description, 'Compact Privilege for Colorado')
    // A military buyer must send the military attestations, not the home-state one.
    const other = await givenProvider({ home: 'ne', militaryStatus: 'tentative' })
    const wrong = await buy(other.token, purchaseBody(['oh']))
    assert.equal(wrong.status, 400)
    assert.match(wrong.body.message!, /Missing required attestations: military-affiliation-confirmation-attestation/)
  })

  test('a declined card is a 400 with the processor code; nothing is recorded', async () => {
    const { providerId, token } = await givenProvider()
    const response = await buy(token, purchaseBody(['oh'], { dataValue: 'qa-decline' }))
    assert.deepEqual(response, { status: 400, body: { message: 'Error: Failed to process transaction. Error code: 2, Error message: This transaction has been declined.' } })
    assert.equal((await privilegesOf(providerId)).length, 0)
    const [declined] = await ledger()
    assert.equal(declined!.status, 'declined')
    assert.match(declined!.transactionId, /^1200000001\d\d$/)
    // The identical request inside Authorize.Net's 35-second duplicate window is refused as a duplicate.
    const duplicate = await buy(token, purchaseBody(['oh'], { dataValue: 'qa-decline' }))
    assert.deepEqual(duplicate, { status: 400, body: { message: 'Error: Failed to process transaction. Error code: 11, Error message: A duplicate transaction has been submitted.' } })
    assert.equal((await privilegesOf(providerId)).length, 0)
  })

  test('an API-level failure of the processor is a 500 without details', async () => {
    const { providerId, token } = await givenProvider()
    const response = await buy(token, purchaseBody(['oh'], { dataValue: 'qa-api-error' }))
    assert.deepEqual(response, { status: 500, body: { message: 'Internal Server Error' } })
    assert.equal((await privilegesOf(providerId)).length, 0)
  })

  test('when recording fails after the charge, the charge is voided and the answer is 500', async () => {
    const { providerId, token } = await givenProvider()
    const repository = testApp.app.compactConnect.repositories.purchases
    const original = repository.insertTransaction.bind(repository)
    repository.insertTransaction = async () => {
      throw new Error('simulated database failure')
    }
    try {
      const response = await buy(token, purchaseBody(['oh', 'ky']))
      assert.deepEqual(response, { status: 500, body: { message: 'Internal Server Error' } })
    } finally {
      repository.insertTransaction = original
    }
    const [voided] = await ledger()
    assert.equal(voided!.status, 'voided')
    assert.equal(voided!.amount, '361.00')
    const voidRequest = (await testApp.app.compactConnect.services.payments.fake())!.requests.at(-1)!
    assert.deepEqual(voidRequest.createTransactionRequest.transactionRequest, { transactionType: 'voidTransaction', refTransId: voided!.transactionId })
    // The privileges written in the failed transaction were rolled back.
    assert.equal((await privilegesOf(providerId)).length, 0)
    // …and so was the receipt job: no mail for this buyer.
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.equal(sink.messages.filter((mail) => mail.to.includes(`${providerId}@example.org`)).length, 0)
  })

  test('renewal: an inactive privilege is renewed, keeping its id and issuance, with a renewal history record', async () => {
    const { providerId, token } = await givenProvider()
    assert.equal((await buy(token, purchaseBody(['oh']))).status, 200)
    const [first] = await privilegesOf(providerId)
    await testApp.database.db.update(privileges).set({ administratorSetStatus: 'inactive', licenseDeactivatedStatus: 'licenseDeactivated' }).where(eq(privileges.id, first!.id))
    const renewal = await buy(token, purchaseBody(['oh']))
    assert.equal(renewal.status, 200, JSON.stringify(renewal.body))
    const [renewed] = await privilegesOf(providerId)
    assert.equal(renewed!.privilegeId, first!.privilegeId)
    assert.equal(renewed!.dateOfIssuance.getTime(), first!.dateOfIssuance.getTime())
    assert.ok(renewed!.dateOfRenewal.getTime() >= first!.dateOfRenewal.getTime())
    assert.equal(renewed!.administratorSetStatus, 'active')
    assert.equal(renewed!.licenseDeactivatedStatus, null)
    assert.equal(renewed!.compactTransactionId, renewal.body.transactionId)
    const history = await testApp.database.db.select().from(updateRecords).where(eq(updateRecords.providerId, providerId))
    assert.equal(history.length, 1)
    assert.equal(history[0]!.updateType, 'renewal')
    assert.equal(history[0]!.previous.administratorSetStatus, 'inactive')
    assert.deepEqual(history[0]!.removedValues, ['licenseDeactivatedStatus'])
    // §4.6 step 11: a renewal is announced as privilege.renewed, not privilege.issued.
    const announced = (await testApp.database.db.select().from(dataEvents).where(eq(dataEvents.compact, 'aslp')))
      .filter((event) => event.detail.providerId === providerId && event.eventType.startsWith('privilege.'))
      .map((event) => event.eventType)
      .sort()
    assert.deepEqual(announced, ['privilege.issued', 'privilege.purchase', 'privilege.purchase', 'privilege.renewed'])
  })

  test('the checks of §4.6 refuse before any charge', async () => {
    const p1 = await givenProvider()
    const refused = async (token: string, body: unknown, pattern: RegExp) => {
      const response = await buy(token, body)
      assert.equal(response.status, 400, JSON.stringify(response.body))
      assert.match(response.body.message!, pattern)
    }
    await refused(p1.token, purchaseBody(['al']), /^Invalid jurisdiction postal abbreviation$/)
    await refused(p1.token, purchaseBody(['md']), /^Invalid jurisdiction postal abbreviation$/)
    await refused(p1.token, purchaseBody(['co']), /matches license jurisdiction/)
    await refused(p1.token, { ...purchaseBody(['oh']), licenseType: 'audiologist' }, /does not match any eligible licenses/)
    await refused(p1.token, { ...purchaseBody(['oh']), licenseType: 'nurse' }, /Must be one of: audiologist, speech-language pathologist\./)
    await refused(p1.token, purchaseBody(['oh'], { attestations: attestations({ jurisprudenceVersion: '1' }) }), /not the latest version/)
    await refused(p1.token, purchaseBody(['oh'], { attestations: attestations({ drop: 'scope-of-practice-attestation' }) }), /Missing required attestations: scope-of-practice-attestation/)
    await refused(p1.token, purchaseBody(['oh'], { attestations: attestations({ add: [{ attestationId: 'under-investigation-attestation', version: '1' }] }) }), /Exactly one of/)
    await refused(
      p1.token,
      purchaseBody(['oh'], { attestations: attestations({ add: [{ attestationId: 'military-affiliation-confirmation-attestation', version: '1' }] }) }),
      /Unexpected attestations/,
    )
    await refused(p1.token, purchaseBody(['oh'], { attestations: attestations({ add: [{ attestationId: 'made-up', version: '1' }] }) }), /Attestation not found: made-up/)

    const encumbered = await givenProvider({ encumberedStatus: 'encumbered' })
    await refused(encumbered.token, purchaseBody(['oh']), /currently encumbered/)

    const recent = await givenProvider()
    await testApp.database.db.insert(adverseActions).values({
      adverseActionId: randomUUID(),
      compact: 'aslp',
      providerId: recent.providerId,
      jurisdiction: 'co',
      licenseType: 'speech-language pathologist',
      licenseTypeAbbreviation: 'slp',
      actionAgainst: 'license',
      encumbranceType: 'probation',
      clinicalPrivilegeActionCategories: ['Misconduct or Abuse'],
      effectiveStartDate: daysBeforeToday(200),
      submittingUser: randomUUID(),
      creationDate: S,
      effectiveLiftDate: daysBeforeToday(30),
      dateOfUpdate: S,
    })
    await refused(recent.token, purchaseBody(['oh']), /within the last two years/)

    const inactive = await givenProvider({ uploadedStatus: 'inactive' })
    await refused(inactive.token, purchaseBody(['oh']), /does not match any eligible licenses/)

    const uploading = await givenProvider({ militaryStatus: 'tentative' })
    await testApp.database.db.insert(militaryAffiliations).values({
      providerId: uploading.providerId,
      compact: 'aslp',
      affiliationType: 'militaryMember',
      fileNames: ['orders.pdf'],
      documentKeys: ['k'],
      dateOfUpload: S,
      status: 'initializing',
      dateOfUpdate: S,
    })
    await refused(uploading.token, purchaseBody(['oh'], { military: true }), /military affiliation/)

    assert.equal((await ledger()).length, 0)
  })

  test('a provider whose home jurisdiction is unknown gets a 500; bodies are validated (400)', async () => {
    const { providerId, token } = await givenProvider()
    await testApp.database.db.update(providers).set({ currentHomeJurisdiction: 'unknown' }).where(eq(providers.providerId, providerId))
    assert.equal((await buy(token, purchaseBody(['oh']))).status, 500)
    const p1 = await givenProvider()
    assert.equal((await buy(p1.token, { ...purchaseBody(['oh']), extra: true })).status, 400)
    assert.equal((await buy(p1.token, purchaseBody([]))).status, 400)
    assert.equal((await buy(p1.token, purchaseBody(Array.from({ length: 21 }, () => 'oh')))).status, 400)
    assert.equal((await buy(p1.token, { ...purchaseBody(['oh']), orderInformation: { opaqueData: { dataDescriptor: 'x', dataValue: 'y'.repeat(1001) } } })).status, 400)
    assert.equal((await buy(p1.token, purchaseBody(['oh'], { attestations: [{ attestationId: 'jurisprudence-confirmation', version: 2 }] }))).status, 400)
    const staff = await staffToken(testApp.app, { scopes: ['aslp/readGeneral', 'aslp/admin'] })
    assert.equal((await buy(staff, purchaseBody(['oh']))).status, 401)
  })
})
