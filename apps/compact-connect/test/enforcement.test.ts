// Encumbrances and lifts (§4.8), investigations (§4.9), privilege deactivation (§4.7) and the home-jurisdiction change
// (§4.10) through HTTP: records, update records, cascades, statuses, enqueued notification jobs, data events, refusals.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { daysBeforeToday } from '../src/domain/dates.ts'
import { longDate } from '../src/domain/enforcement.ts'
import { seedQa } from '../seeds/qa.ts'
import { seededProviderId, staffSub } from '../seeds/qa-staff.ts'
import { bearer, providerToken, staffToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
type Body = Record<string, unknown> & { message?: string }
type Job = { template: string; recipientType: string; compact: string; jurisdiction?: string; specificEmails?: string[]; templateVariables: Record<string, unknown> }

before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false' } })
  await seedQa(t.app.compactConnect)
})
after(async () => t.close())

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => t.database.query(sql, params) as Promise<T[]>
const SLP = 'speech-language pathologist'
const today = daysBeforeToday(0)
const yesterday = daysBeforeToday(1)
const tomorrow = daysBeforeToday(-1)

async function call(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, token: string | undefined, payload?: unknown) {
  const response = await t.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload !== undefined ? { payload: payload as object } : {}) })
  return { status: response.statusCode, body: (response.body ? response.json() : {}) as Body }
}

const admin = (jurisdiction: string) => staffToken(t.app, { sub: randomUUID(), scopes: ['aslp/readGeneral', `${jurisdiction}/aslp.admin`] })
const compactAdmin = () => staffToken(t.app, { sub: staffSub(1), scopes: ['aslp/readGeneral', 'aslp/admin'] })
const reader = () => staffToken(t.app, { scopes: ['aslp/readGeneral', 'aslp/readPrivate'] })

interface Setup {
  email?: string | null
  home?: string
  licenses?: { jurisdiction: string; licenseType?: string; dateOfExpiration?: string; compactEligibility?: 'eligible' | 'ineligible' }[]
  privileges?: { jurisdiction: string; licenseJurisdiction: string; licenseType?: string; administratorSetStatus?: string }[]
}

let counter = 0
/** A fresh provider partition through LicensesService (the test factories' path). */
async function givenProvider(setup: Setup = {}): Promise<string> {
  const providerId = randomUUID()
  const n = ++counter
  const licenses = setup.licenses ?? [{ jurisdiction: 'oh' }]
  const email = setup.email === undefined ? `p${n}.${providerId.slice(0, 4)}@example.org` : setup.email
  await t.app.compactConnect.services.licenses.loadProvider({
    providerId,
    compact: 'aslp',
    ssn: `9${String(70000000 + n).slice(0, 2)}-${String(70000000 + n).slice(2, 4)}-${String(70000000 + n).slice(4, 8)}`,
    at: new Date('2026-01-15T12:00:00Z'),
    provider: { currentHomeJurisdiction: setup.home ?? licenses[0]!.jurisdiction, compactConnectRegisteredEmailAddress: email },
    licenses: licenses.map((license) => ({
      jurisdiction: license.jurisdiction,
      licenseType: license.licenseType ?? SLP,
      givenName: 'Ada',
      familyName: `Tester${n}`,
      dateOfIssuance: '2020-01-01',
      dateOfExpiration: license.dateOfExpiration ?? '2040-01-01',
      dateOfBirth: '1980-01-01',
      homeAddressStreet1: '1 Main St',
      homeAddressCity: 'Columbus',
      homeAddressState: 'OH',
      homeAddressPostalCode: '43004',
      jurisdictionUploadedLicenseStatus: 'active',
      jurisdictionUploadedCompactEligibility: license.compactEligibility ?? 'eligible',
    })),
    privileges: (setup.privileges ?? []).map((privilege, index) => ({
      jurisdiction: privilege.jurisdiction,
      licenseJurisdiction: privilege.licenseJurisdiction,
      licenseType: privilege.licenseType ?? SLP,
      dateOfIssuance: new Date('2025-01-10T15:00:00Z'),
      dateOfRenewal: new Date('2025-01-10T15:00:00Z'),
      dateOfExpiration: '2040-01-01',
      compactTransactionId: '1',
      attestations: [],
      privilegeId: `SLP-${privilege.jurisdiction.toUpperCase()}-${9000 + n * 10 + index}`,
      administratorSetStatus: privilege.administratorSetStatus ?? 'active',
    })),
  })
  return providerId
}

const base = (providerId: string, kind: 'licenses' | 'privileges', jurisdiction: string, lt = 'slp') =>
  `/v1/compacts/aslp/providers/${providerId}/${kind}/jurisdiction/${jurisdiction}/licenseType/${lt}`
const encumbranceBody = (date = yesterday) => ({ encumbranceEffectiveDate: date, encumbranceType: 'suspension', clinicalPrivilegeActionCategories: ['Unsafe Practice or Substandard Care'] })

/** The notification jobs about a provider: state e-mails name its id, its own e-mails go to its registered address. */
const jobsOf = async (providerId: string) =>
  (
    await query<{ payload: Job }>(
      `SELECT j.payload FROM jobs j, providers p WHERE j.name = 'notification.send' AND p.provider_id = $1::uuid
         AND (j.payload->'templateVariables'->>'providerId' = $1::text OR j.payload->'specificEmails' ? p.compact_connect_registered_email_address) ORDER BY j.id`,
      [providerId],
    )
  ).map((row) => row.payload)
const jobsTo = async (email: string) =>
  (await query<{ payload: Job }>(`SELECT payload FROM jobs WHERE name = 'notification.send' AND payload->'specificEmails' ? $1 ORDER BY id`, [email])).map((row) => row.payload)
const row = async (table: 'licenses' | 'privileges', providerId: string, jurisdiction: string) =>
  (await query<Record<string, unknown>>(`SELECT *, date_of_expiration::text AS date_of_expiration FROM ${table} WHERE provider_id = $1 AND jurisdiction = $2`, [providerId, jurisdiction]))[0]!
const providerRow = async (providerId: string) =>
  (await query<Record<string, unknown>>(`SELECT *, date_of_expiration::text AS date_of_expiration FROM providers WHERE provider_id = $1`, [providerId]))[0]!
const updates = (providerId: string, recordType: string) =>
  query<{
    update_type: string
    jurisdiction: string
    updated_values: Record<string, unknown>
    removed_values: string[] | null
    encumbrance_details: Record<string, unknown> | null
    investigation_details: Record<string, unknown> | null
    deactivation_details: Record<string, unknown> | null
    effective_date: Date
    previous: Record<string, unknown>
  }>(`SELECT * FROM update_records WHERE provider_id = $1 AND record_type = $2 ORDER BY id`, [providerId, recordType])
const emailOf = async (providerId: string) => (await providerRow(providerId)).compact_connect_registered_email_address as string

describe('encumbrances (§4.8)', () => {
  test('a license encumbrance: adverse action, license and provider encumbered, update record at noon UTC−4, privileges licenseEncumbered, e-mails, event', async () => {
    const providerId = await givenProvider({
      licenses: [{ jurisdiction: 'oh' }],
      privileges: [
        { jurisdiction: 'co', licenseJurisdiction: 'oh' },
        { jurisdiction: 'ky', licenseJurisdiction: 'oh' },
      ],
    })
    const response = await call('POST', `${base(providerId, 'licenses', 'oh')}/encumbrance`, await admin('oh'), encumbranceBody())
    assert.deepEqual(response, { status: 200, body: { message: 'OK' } })

    const [action] = await query<Record<string, unknown>>(`SELECT *, effective_start_date::text AS start_date FROM adverse_actions WHERE provider_id = $1`, [providerId])
    assert.equal(action!.action_against, 'license')
    assert.equal(action!.encumbrance_type, 'suspension')
    assert.equal(action!.license_type_abbreviation, 'slp')
    assert.equal(action!.start_date, yesterday)
    assert.equal((await row('licenses', providerId, 'oh')).encumbered_status, 'encumbered')
    assert.equal((await providerRow(providerId)).encumbered_status, 'encumbered')
    for (const jurisdiction of ['co', 'ky']) assert.equal((await row('privileges', providerId, jurisdiction)).encumbered_status, 'licenseEncumbered')

    const [licenseUpdate] = await updates(providerId, 'license')
    assert.equal(licenseUpdate!.update_type, 'encumbrance')
    assert.deepEqual(licenseUpdate!.updated_values, { encumberedStatus: 'encumbered' })
    assert.deepEqual(licenseUpdate!.encumbrance_details, { clinicalPrivilegeActionCategories: ['Unsafe Practice or Substandard Care'], adverseActionId: action!.adverse_action_id })
    assert.equal(licenseUpdate!.effective_date.toISOString(), `${yesterday}T16:00:00.000Z`)
    const privilegeUpdates = await updates(providerId, 'privilege')
    assert.deepEqual(
      privilegeUpdates.map((update) => [update.update_type, update.jurisdiction, update.updated_values.encumberedStatus, update.encumbrance_details?.licenseJurisdiction]),
      [
        ['encumbrance', 'co', 'licenseEncumbered', 'oh'],
        ['encumbrance', 'ky', 'licenseEncumbered', 'oh'],
      ],
    )

    // The reads: encumbered license and provider are inactive and ineligible, the privileges inactive.
    const detail = await call('GET', `/v1/compacts/aslp/providers/${providerId}`, await reader())
    assert.equal(detail.body.licenseStatus, 'inactive')
    assert.equal(detail.body.compactEligibility, 'ineligible')
    assert.equal(detail.body.encumberedStatus, 'encumbered')
    const license = (detail.body.licenses as Body[])[0]!
    assert.equal(license.licenseStatus, 'inactive')
    assert.equal((license.adverseActions as Body[]).length, 1)
    assert.deepEqual(
      (detail.body.privileges as Body[]).map((privilege) => privilege.status),
      ['inactive', 'inactive'],
    )

    const jobs = await jobsOf(providerId)
    const email = await emailOf(providerId)
    assert.deepEqual(
      jobs.filter((job) => job.template.startsWith('license')).map((job) => [job.template, job.recipientType, job.jurisdiction ?? job.specificEmails?.[0]]),
      [
        ['licenseEncumbranceProviderNotification', 'SPECIFIC', email],
        ['licenseEncumbranceStateNotification', 'JURISDICTION_ADVERSE_ACTIONS', 'oh'],
        ['licenseEncumbranceStateNotification', 'JURISDICTION_ADVERSE_ACTIONS', 'co'],
        ['licenseEncumbranceStateNotification', 'JURISDICTION_ADVERSE_ACTIONS', 'ky'],
      ],
    )
    const stateJob = jobs.find((job) => job.template === 'licenseEncumbranceStateNotification')!
    assert.equal(stateJob.templateVariables.effectiveStartDate, longDate(yesterday))
    assert.equal(stateJob.templateVariables.licenseType, SLP)
    // The cascaded privileges are announced as privilege encumbrances (the original's consumer publishes one each).
    assert.deepEqual(
      jobs.filter((job) => job.template === 'privilegeEncumbranceStateNotification').map((job) => job.jurisdiction),
      ['co', 'ky', 'oh', 'ky', 'co', 'oh'],
    )
    const events = await query<{ event_type: string; jurisdiction: string }>(`SELECT event_type, jurisdiction FROM data_events WHERE detail->>'providerId' = $1 ORDER BY id`, [providerId])
    assert.deepEqual(
      events.map((event) => `${event.event_type}:${event.jurisdiction}`),
      ['license.encumbrance:oh', 'privilege.encumbrance:co', 'privilege.encumbrance:ky'],
    )
  })

  test('lifting: the record stays encumbered until its last action is lifted; then license, privileges and provider go back', async () => {
    const providerId = await givenProvider({ privileges: [{ jurisdiction: 'co', licenseJurisdiction: 'oh' }] })
    const token = await admin('oh')
    await call('POST', `${base(providerId, 'licenses', 'oh')}/encumbrance`, token, encumbranceBody())
    await call('POST', `${base(providerId, 'licenses', 'oh')}/encumbrance`, token, { ...encumbranceBody(), encumbranceType: 'fine' })
    const ids = (await query<{ adverse_action_id: string }>(`SELECT adverse_action_id FROM adverse_actions WHERE provider_id = $1 ORDER BY encumbrance_type`, [providerId])).map(
      (action) => action.adverse_action_id,
    )
    assert.equal(ids.length, 2)

    assert.deepEqual(await call('PATCH', `${base(providerId, 'licenses', 'oh')}/encumbrance/${ids[0]}`, token, { effectiveLiftDate: today }), { status: 200, body: { message: 'OK' } })
    assert.equal((await row('licenses', providerId, 'oh')).encumbered_status, 'encumbered')
    assert.equal((await providerRow(providerId)).encumbered_status, 'encumbered')
    assert.equal((await row('privileges', providerId, 'co')).encumbered_status, 'licenseEncumbered')

    assert.equal((await call('PATCH', `${base(providerId, 'licenses', 'oh')}/encumbrance/${ids[1]}`, token, { effectiveLiftDate: today })).status, 200)
    assert.equal((await row('licenses', providerId, 'oh')).encumbered_status, 'unencumbered')
    assert.equal((await row('privileges', providerId, 'co')).encumbered_status, 'unencumbered')
    assert.equal((await providerRow(providerId)).encumbered_status, 'unencumbered')
    const lifts = (await updates(providerId, 'license')).filter((update) => update.update_type === 'lifting_encumbrance')
    assert.equal(lifts.length, 1, 'one lifting_encumbrance record, when the last action is lifted')
    assert.equal(lifts[0]!.effective_date.toISOString(), `${today}T16:00:00.000Z`)
    assert.deepEqual(
      (await updates(providerId, 'privilege')).map((update) => update.update_type),
      ['encumbrance', 'lifting_encumbrance'],
    )
    const lifted = await query<{ effective_lift_date: string; lifting_user: string }>(
      `SELECT effective_lift_date::text AS effective_lift_date, lifting_user FROM adverse_actions WHERE provider_id = $1`,
      [providerId],
    )
    assert.ok(lifted.every((action) => action.effective_lift_date === today && typeof action.lifting_user === 'string'))
    const liftJobs = (await jobsTo(await emailOf(providerId))).map((job) => job.template)
    assert.deepEqual(liftJobs, [
      'licenseEncumbranceProviderNotification',
      'privilegeEncumbranceProviderNotification',
      'licenseEncumbranceProviderNotification',
      'licenseEncumbranceLiftingProviderNotification',
      'licenseEncumbranceLiftingProviderNotification',
      'privilegeEncumbranceLiftingProviderNotification',
    ])

    assert.deepEqual(await call('PATCH', `${base(providerId, 'licenses', 'oh')}/encumbrance/${ids[1]}`, token, { effectiveLiftDate: today }), {
      status: 400,
      body: { message: 'Encumbrance has already been lifted' },
    })
    assert.deepEqual(await call('PATCH', `${base(providerId, 'licenses', 'oh')}/encumbrance/${randomUUID()}`, token, { effectiveLiftDate: today }), {
      status: 404,
      body: { message: 'Encumbrance record not found' },
    })
    assert.deepEqual(await call('PATCH', `${base(providerId, 'licenses', 'oh')}/encumbrance/not-a-uuid`, token, { effectiveLiftDate: today }), {
      status: 400,
      body: { message: 'Invalid encumbranceId provided' },
    })
    assert.deepEqual(await call('PATCH', `${base(providerId, 'licenses', 'oh')}/encumbrance/${ids[1]}`, token, { effectiveLiftDate: tomorrow }), {
      status: 400,
      body: { message: 'The lift date must not be a future date' },
    })
  })

  test('a privilege encumbrance lifted while its home license is encumbered stays licenseEncumbered; the provider stays encumbered', async () => {
    const providerId = await givenProvider({ privileges: [{ jurisdiction: 'co', licenseJurisdiction: 'oh' }] })
    assert.equal((await call('POST', `${base(providerId, 'privileges', 'co')}/encumbrance`, await admin('co'), encumbranceBody())).status, 200)
    assert.equal((await row('privileges', providerId, 'co')).encumbered_status, 'encumbered')
    await call('POST', `${base(providerId, 'licenses', 'oh')}/encumbrance`, await admin('oh'), encumbranceBody())
    assert.equal((await row('privileges', providerId, 'co')).encumbered_status, 'encumbered', 'an encumbered privilege is left alone by the license cascade')
    const [own] = await query<{ adverse_action_id: string }>(`SELECT adverse_action_id FROM adverse_actions WHERE provider_id = $1 AND action_against = 'privilege'`, [providerId])
    assert.equal((await call('PATCH', `${base(providerId, 'privileges', 'co')}/encumbrance/${own!.adverse_action_id}`, await admin('co'), { effectiveLiftDate: today })).status, 200)
    assert.equal((await row('privileges', providerId, 'co')).encumbered_status, 'licenseEncumbered')
    assert.equal((await providerRow(providerId)).encumbered_status, 'encumbered')
    const history = await call('GET', `/v1/compacts/aslp/providers/${providerId}/privileges/jurisdiction/co/licenseType/slp/history`, await reader())
    const events = history.body.events as Body[]
    assert.deepEqual(
      events.map((event) => event.updateType),
      ['issuance', 'encumbrance', 'lifting_encumbrance'],
    )
    assert.deepEqual(events[1]!.npdbCategories, ['Unsafe Practice or Substandard Care'])
  })

  test('two years after the last lift: a purchase is still refused (§4.6 step 4)', async () => {
    const providerId = await givenProvider({ home: 'oh' })
    const token = await admin('oh')
    await call('POST', `${base(providerId, 'licenses', 'oh')}/encumbrance`, token, encumbranceBody(daysBeforeToday(10)))
    const [action] = await query<{ adverse_action_id: string }>(`SELECT adverse_action_id FROM adverse_actions WHERE provider_id = $1`, [providerId])
    const practitioner = await providerToken(t.app, { compact: 'aslp', providerId })
    const purchase = { licenseType: SLP, selectedJurisdictions: ['ne'], orderInformation: { opaqueData: { dataDescriptor: 'x', dataValue: 'y' } }, attestations: [] }
    const blocked = await call('POST', '/v1/purchases/privileges', practitioner, purchase)
    assert.deepEqual(blocked.status, 400)
    assert.match(blocked.body.message!, /currently encumbered/)
    await call('PATCH', `${base(providerId, 'licenses', 'oh')}/encumbrance/${action!.adverse_action_id}`, token, { effectiveLiftDate: today })
    const recent = await call('POST', '/v1/purchases/privileges', practitioner, purchase)
    assert.equal(recent.status, 400)
    assert.match(recent.body.message!, /within the last two years/)
  })

  test('a provider who moved to `other` cannot purchase: its home is no jurisdiction (500, §4.6 step 3)', async () => {
    const providerId = await givenProvider({ home: 'other' })
    const practitioner = await providerToken(t.app, { compact: 'aslp', providerId })
    const purchase = { licenseType: SLP, selectedJurisdictions: ['ne'], orderInformation: { opaqueData: { dataDescriptor: 'x', dataValue: 'y' } }, attestations: [] }
    const response = await call('POST', '/v1/purchases/privileges', practitioner, purchase)
    assert.equal(response.status, 500)
    assert.deepEqual(Object.keys(response.body), ['message'])
  })

  test('refusals: wrong scope or jurisdiction, compact admins, future dates, unknown license type or provider, no such record, bad bodies', async () => {
    const providerId = await givenProvider({ privileges: [{ jurisdiction: 'co', licenseJurisdiction: 'oh' }] })
    const url = `${base(providerId, 'licenses', 'oh')}/encumbrance`
    assert.equal((await call('POST', url, undefined, encumbranceBody())).status, 401)
    assert.equal((await call('POST', url, await providerToken(t.app, { compact: 'aslp', providerId }), encumbranceBody())).status, 401)
    assert.deepEqual(await call('POST', url, await compactAdmin(), encumbranceBody()), { status: 403, body: { message: 'Access denied' } })
    assert.deepEqual(await call('POST', url, await admin('ky'), encumbranceBody()), { status: 403, body: { message: 'Access denied' } })
    assert.deepEqual(await call('POST', url, await staffToken(t.app, { scopes: ['aslp/readGeneral', 'oh/aslp.write'] }), encumbranceBody()), { status: 403, body: { message: 'Access denied' } })
    assert.deepEqual(await call('POST', url.replace('/aslp/', '/octp/'), await admin('oh'), encumbranceBody()), { status: 403, body: { message: 'Access denied' } })
    assert.deepEqual(await call('POST', url, await admin('oh'), encumbranceBody(tomorrow)), { status: 400, body: { message: 'The encumbrance date must not be a future date' } })
    assert.deepEqual(await call('POST', `${base(providerId, 'licenses', 'oh', 'xyz')}/encumbrance`, await admin('oh'), encumbranceBody()), {
      status: 400,
      body: { message: "Could not find license type information based on provided parameters compact: 'aslp' licenseType: 'xyz'" },
    })
    assert.deepEqual(await call('POST', `${base('nope', 'licenses', 'oh')}/encumbrance`, await admin('oh'), encumbranceBody()), { status: 400, body: { message: 'Invalid providerId provided' } })
    assert.deepEqual(await call('POST', `${base(providerId, 'licenses', 'ky')}/encumbrance`, await admin('ky'), encumbranceBody()), {
      status: 404,
      body: { message: 'License not found for jurisdiction ky' },
    })
    assert.deepEqual(await call('POST', `${base(providerId, 'privileges', 'ne')}/encumbrance`, await admin('ne'), encumbranceBody()), {
      status: 404,
      body: { message: 'Privilege not found for jurisdiction ne' },
    })
    assert.deepEqual(await call('POST', `${base(randomUUID(), 'privileges', 'co')}/encumbrance`, await admin('co'), encumbranceBody()), {
      status: 404,
      body: { message: 'Privilege not found for jurisdiction co' },
    })
    for (const bad of [
      { ...encumbranceBody(), extra: 1 },
      { ...encumbranceBody(), clinicalPrivilegeActionCategories: [] },
      { ...encumbranceBody(), encumbranceType: 'scolding' },
      { ...encumbranceBody(), encumbranceEffectiveDate: '2025-02-30' },
      { ...encumbranceBody(), encumbranceEffectiveDate: null },
    ]) {
      const response = await call('POST', url, await admin('oh'), bad)
      assert.equal(response.status, 400, JSON.stringify(bad))
      assert.equal(typeof response.body.message, 'string')
    }
    assert.equal((await query(`SELECT 1 FROM adverse_actions WHERE provider_id = $1`, [providerId])).length, 0, 'nothing was written')
    assert.equal((await jobsOf(providerId)).length, 0, 'nothing was queued')
  })
})

describe('investigations (§4.9)', () => {
  test('open two, close one (flag stays), close the last with an encumbrance: flags, update records, state e-mails, events', async () => {
    const providerId = await givenProvider({ privileges: [{ jurisdiction: 'co', licenseJurisdiction: 'oh' }] })
    const token = await admin('oh')
    const url = `${base(providerId, 'licenses', 'oh')}/investigation`
    assert.deepEqual(await call('POST', url, token, {}), { status: 200, body: { message: 'OK' } })
    assert.equal((await call('POST', url, token)).status, 200, 'no body at all is accepted too')
    assert.equal((await row('licenses', providerId, 'oh')).investigation_status, 'underInvestigation')
    const detail = await call('GET', `/v1/compacts/aslp/providers/${providerId}`, await reader())
    const license = (detail.body.licenses as Body[])[0]!
    assert.equal(license.investigationStatus, 'underInvestigation')
    assert.equal((license.investigations as Body[]).length, 2)

    const ids = (await query<{ investigation_id: string }>(`SELECT investigation_id FROM investigations WHERE provider_id = $1 ORDER BY creation_date, investigation_id`, [providerId])).map(
      (item) => item.investigation_id,
    )
    assert.equal((await call('PATCH', `${url}/${ids[0]}`, token, { action: 'close' })).status, 200)
    assert.equal((await row('licenses', providerId, 'oh')).investigation_status, 'underInvestigation', 'another investigation is still open')
    assert.equal((await call('PATCH', `${url}/${ids[1]}`, token, { action: 'close', encumbrance: encumbranceBody() })).status, 200)
    assert.equal((await row('licenses', providerId, 'oh')).investigation_status, null)
    assert.equal((await row('licenses', providerId, 'oh')).encumbered_status, 'encumbered')
    const [closed] = await query<{ resulting_encumbrance_id: string; closing_user: string }>(`SELECT * FROM investigations WHERE investigation_id = $1`, [ids[1]])
    const [action] = await query<{ adverse_action_id: string }>(`SELECT adverse_action_id FROM adverse_actions WHERE provider_id = $1`, [providerId])
    assert.equal(closed!.resulting_encumbrance_id, action!.adverse_action_id)
    // Responses list only open investigations (§1.7).
    const afterClosing = ((await call('GET', `/v1/compacts/aslp/providers/${providerId}`, await reader())).body.licenses as Body[])[0]!
    assert.deepEqual(afterClosing.investigations, [])
    assert.equal(afterClosing.investigationStatus, undefined)

    const licenseUpdates = await updates(providerId, 'license')
    assert.deepEqual(
      licenseUpdates.map((update) => update.update_type),
      ['investigation', 'investigation', 'encumbrance', 'closingInvestigation'],
    )
    assert.deepEqual(licenseUpdates[0]!.updated_values, { investigationStatus: 'underInvestigation' })
    assert.ok(typeof licenseUpdates[0]!.investigation_details?.investigationId === 'string')
    assert.deepEqual(licenseUpdates[3]!.removed_values, ['investigationStatus'])

    const stateJobs = (await jobsOf(providerId)).filter((job) => job.template.includes('Investigation'))
    assert.deepEqual(
      stateJobs.map((job) => `${job.template}:${job.jurisdiction}`),
      [
        'licenseInvestigationStateNotification:oh',
        'licenseInvestigationStateNotification:co',
        'licenseInvestigationStateNotification:oh',
        'licenseInvestigationStateNotification:co',
        'licenseInvestigationClosedStateNotification:oh',
        'licenseInvestigationClosedStateNotification:co',
        'licenseInvestigationClosedStateNotification:oh',
        'licenseInvestigationClosedStateNotification:co',
      ],
    )
    assert.ok(stateJobs.every((job) => job.recipientType === 'JURISDICTION_ADVERSE_ACTIONS' && job.templateVariables.investigationJurisdiction === 'oh'))
    assert.deepEqual(await call('PATCH', `${url}/${ids[1]}`, token, { action: 'close' }), { status: 404, body: { message: 'Investigation not found' } })
  })

  test('privilege investigations are hidden from the privilege history; refusals', async () => {
    const providerId = await givenProvider({ privileges: [{ jurisdiction: 'co', licenseJurisdiction: 'oh' }] })
    const url = `${base(providerId, 'privileges', 'co')}/investigation`
    assert.equal((await call('POST', url, await admin('co'), {})).status, 200)
    assert.equal((await row('privileges', providerId, 'co')).investigation_status, 'underInvestigation')
    const history = await call('GET', `/v1/compacts/aslp/providers/${providerId}/privileges/jurisdiction/co/licenseType/slp/history`, await reader())
    assert.deepEqual(
      (history.body.events as Body[]).map((event) => event.updateType),
      ['issuance'],
    )
    assert.deepEqual(await call('POST', url, await compactAdmin(), {}), { status: 403, body: { message: 'Access denied' } })
    assert.deepEqual(await call('POST', url, await admin('oh'), {}), { status: 403, body: { message: 'Access denied' } })
    assert.deepEqual(await call('POST', `${base(providerId, 'privileges', 'ky')}/investigation`, await admin('ky'), {}), { status: 404, body: { message: 'Privilege not found for jurisdiction ky' } })
    assert.deepEqual(await call('PATCH', `${url}/not-a-uuid`, await admin('co'), { action: 'close' }), { status: 400, body: { message: 'Invalid investigationId provided' } })
    assert.deepEqual(await call('PATCH', `${url}/${randomUUID()}`, await admin('co'), { action: 'close' }), { status: 404, body: { message: 'Investigation not found' } })
    assert.equal((await call('PATCH', `${url}/${randomUUID()}`, await admin('co'), { action: 'reopen' })).status, 400)
    assert.equal((await call('POST', url, await admin('co'), { note: 'x' })).status, 400)
  })
})

describe('privilege deactivation (§4.7)', () => {
  test("a compact admin deactivates: administratorSetStatus, the update with the note and the admin's full name, e-mails, event; once only", async () => {
    const providerId = await givenProvider({ privileges: [{ jurisdiction: 'co', licenseJurisdiction: 'oh' }] })
    const url = `${base(providerId, 'privileges', 'co')}/deactivate`
    assert.deepEqual(await call('POST', url, await admin('co'), { deactivationNote: 'x' }), { status: 403, body: { message: 'Access denied' } })
    assert.deepEqual(await call('POST', url, await compactAdmin(), { deactivationNote: 'Practising outside scope.' }), { status: 200, body: { message: 'OK' } })
    const privilege = await row('privileges', providerId, 'co')
    assert.equal(privilege.administrator_set_status, 'inactive')
    const [update] = await updates(providerId, 'privilege')
    assert.equal(update!.update_type, 'deactivation')
    assert.deepEqual(update!.updated_values, { administratorSetStatus: 'inactive' })
    assert.deepEqual(update!.deactivation_details, { note: 'Practising outside scope.', deactivatedByStaffUserId: staffSub(1), deactivatedByStaffUserName: 'Alma Abbott' })
    const history = await call('GET', `/v1/compacts/aslp/providers/${providerId}/privileges/jurisdiction/co/licenseType/slp/history`, await reader())
    assert.equal((history.body.events as Body[])[1]!.note, 'Practising outside scope.')
    const detail = await call('GET', `/v1/compacts/aslp/providers/${providerId}`, await reader())
    assert.equal((detail.body.privileges as Body[])[0]!.status, 'inactive')

    const email = await emailOf(providerId)
    const jobs = await query<{ payload: Job }>(
      `SELECT payload FROM jobs WHERE name = 'notification.send' AND payload->>'template' LIKE 'privilegeDeactivation%' AND payload->'templateVariables'->>'privilegeId' = $1 ORDER BY id`,
      [privilege.privilege_id],
    )
    assert.deepEqual(
      jobs.map((job) => job.payload),
      [
        {
          template: 'privilegeDeactivationProviderNotification',
          recipientType: 'SPECIFIC',
          compact: 'aslp',
          specificEmails: [email],
          templateVariables: { providerFirstName: 'Ada', privilegeId: privilege.privilege_id, jurisdiction: 'co' },
        },
        {
          template: 'privilegeDeactivationJurisdictionNotification',
          recipientType: 'JURISDICTION_SUMMARY_REPORT',
          compact: 'aslp',
          jurisdiction: 'co',
          templateVariables: { privilegeId: privilege.privilege_id, providerFirstName: 'Ada', providerLastName: (await providerRow(providerId)).family_name, providerId, jurisdiction: 'co' },
        },
      ],
    )
    const [event] = await query<{ event_type: string; jurisdiction: string }>(`SELECT * FROM data_events WHERE detail->>'providerId' = $1`, [providerId])
    assert.equal(event!.event_type, 'privilege.deactivation')
    assert.deepEqual(await call('POST', url, await compactAdmin(), { deactivationNote: 'again' }), { status: 400, body: { message: 'Privilege already deactivated' } })
    assert.deepEqual(await call('POST', `${base(providerId, 'privileges', 'ky')}/deactivate`, await compactAdmin(), { deactivationNote: 'x' }), {
      status: 404,
      body: { message: 'Privilege not found for jurisdiction ky' },
    })
    assert.equal((await call('POST', url, await compactAdmin(), { deactivationNote: 'x'.repeat(257) })).status, 400)
    assert.deepEqual(await call('POST', `${base(providerId, 'privileges', 'co', 'xyz')}/deactivate`, await compactAdmin(), { deactivationNote: 'x' }), {
      status: 400,
      body: { message: "Could not find license type information based on provided parameters compact: 'aslp' licenseType: 'xyz'" },
    })
  })

  test('the license-deactivation cascade marks the privileges based on the license licenseDeactivated with a licenseDeactivation update', async () => {
    const providerId = await givenProvider({
      privileges: [
        { jurisdiction: 'co', licenseJurisdiction: 'oh' },
        { jurisdiction: 'ky', licenseJurisdiction: 'ne' },
      ],
    })
    await t.app.compactConnect.services.ingest.cascadeLicenseDeactivation({ compact: 'aslp', providerId, jurisdiction: 'oh', licenseType: SLP })
    assert.equal((await row('privileges', providerId, 'co')).license_deactivated_status, 'licenseDeactivated')
    assert.equal((await row('privileges', providerId, 'ky')).license_deactivated_status, null)
    const privilegeUpdates = await updates(providerId, 'privilege')
    assert.deepEqual(
      privilegeUpdates.map((update) => [update.update_type, update.jurisdiction, update.updated_values]),
      [['licenseDeactivation', 'co', { licenseDeactivatedStatus: 'licenseDeactivated' }]],
    )
    const [event] = await query<{ event_type: string; jurisdiction: string }>(`SELECT event_type, jurisdiction FROM data_events WHERE detail->>'providerId' = $1`, [providerId])
    assert.deepEqual({ ...event }, { event_type: 'license.deactivation', jurisdiction: 'oh' })
    // Running it again (a retried job) changes nothing more.
    await t.app.compactConnect.services.ingest.cascadeLicenseDeactivation({ compact: 'aslp', providerId, jurisdiction: 'oh', licenseType: SLP })
    assert.equal((await updates(providerId, 'privilege')).length, 1)
  })
})

describe('home jurisdiction change (§4.10)', () => {
  const put = (token: string, jurisdiction: unknown) => call('PUT', '/v1/provider-users/me/home-jurisdiction', token, { jurisdiction })

  test('to `other`: the provider gets the new home and becomes ineligible, privileges are home-deactivated, the old state is told', async () => {
    const providerId = await givenProvider({ privileges: [{ jurisdiction: 'co', licenseJurisdiction: 'oh' }] })
    const token = await providerToken(t.app, { compact: 'aslp', providerId })
    assert.deepEqual(await put(token, 'OTHER'), { status: 200, body: { message: 'ok' } })
    const provider = await providerRow(providerId)
    assert.equal(provider.current_home_jurisdiction, 'other')
    assert.equal((await row('privileges', providerId, 'co')).home_jurisdiction_change_status, 'inactive')
    const [providerUpdate] = await updates(providerId, 'provider')
    assert.equal(providerUpdate!.update_type, 'homeJurisdictionChange')
    assert.deepEqual(providerUpdate!.updated_values, { currentHomeJurisdiction: 'other' })
    assert.equal(providerUpdate!.previous.recoveryToken, undefined)
    assert.deepEqual(
      (await updates(providerId, 'privilege')).map((update) => [update.update_type, update.updated_values]),
      [['homeJurisdictionChange', { homeJurisdictionChangeStatus: 'inactive' }]],
    )
    const me = await call('GET', '/v1/provider-users/me', token)
    assert.equal(me.body.compactEligibility, 'ineligible')
    const jobs = (await jobsOf(providerId)).filter((job) => job.template.startsWith('homeJurisdiction'))
    assert.deepEqual(jobs, [
      {
        template: 'homeJurisdictionChangeOldStateNotification',
        recipientType: 'JURISDICTION_OPERATIONS_TEAM',
        compact: 'aslp',
        jurisdiction: 'oh',
        templateVariables: { providerFirstName: 'Ada', providerLastName: provider.family_name, providerId, previousJurisdiction: 'oh', newJurisdiction: 'other' },
      },
    ])
    assert.equal((await query(`SELECT 1 FROM data_events WHERE detail->>'providerId' = $1`, [providerId])).length, 0, 'this event is not kept')
  })

  test('to a live state with a license: provider rebuilt from it, privileges moved (one in the new state deactivated), both states told', async () => {
    const providerId = await givenProvider({
      licenses: [{ jurisdiction: 'oh' }, { jurisdiction: 'ky', dateOfExpiration: '2041-06-30' }],
      home: 'oh',
      privileges: [
        { jurisdiction: 'co', licenseJurisdiction: 'oh' },
        { jurisdiction: 'ky', licenseJurisdiction: 'oh' },
      ],
    })
    const token = await providerToken(t.app, { compact: 'aslp', providerId })
    assert.equal((await put(token, 'ky')).status, 200)
    const provider = await providerRow(providerId)
    assert.equal(provider.current_home_jurisdiction, 'ky')
    assert.equal(provider.license_jurisdiction, 'ky')
    assert.equal(provider.date_of_expiration, '2041-06-30')
    const co = await row('privileges', providerId, 'co')
    assert.equal(co.license_jurisdiction, 'ky')
    assert.equal(co.date_of_expiration, '2041-06-30')
    assert.equal(co.home_jurisdiction_change_status, null)
    assert.equal((await row('privileges', providerId, 'ky')).home_jurisdiction_change_status, 'inactive')
    assert.deepEqual(
      (await updates(providerId, 'provider')).map((update) => update.updated_values),
      [{ licenseJurisdiction: 'ky', currentHomeJurisdiction: 'ky' }],
    )
    assert.deepEqual(
      (await jobsOf(providerId)).map((job) => `${job.template}:${job.jurisdiction}`),
      ['homeJurisdictionChangeOldStateNotification:oh', 'homeJurisdictionChangeNewStateNotification:ky'],
    )
    // The same jurisdiction again changes nothing.
    assert.equal((await put(token, 'ky')).status, 200)
    assert.equal((await updates(providerId, 'provider')).length, 1)
  })

  test('to a state that is not live (al): only the home changes and every privilege is home-deactivated', async () => {
    const providerId = await givenProvider({ licenses: [{ jurisdiction: 'oh' }, { jurisdiction: 'al' }], home: 'oh', privileges: [{ jurisdiction: 'co', licenseJurisdiction: 'oh' }] })
    const token = await providerToken(t.app, { compact: 'aslp', providerId })
    assert.equal((await put(token, 'al')).status, 200)
    const provider = await providerRow(providerId)
    assert.equal(provider.current_home_jurisdiction, 'al')
    assert.equal(provider.license_jurisdiction, 'oh')
    assert.equal((await row('privileges', providerId, 'co')).home_jurisdiction_change_status, 'inactive')
  })

  test('refusals: unknown code, wrong token kinds', async () => {
    const providerId = seededProviderId(1)
    const token = await providerToken(t.app, { compact: 'aslp', providerId })
    assert.deepEqual(await put(token, 'zz'), { status: 400, body: { message: 'Invalid jurisdiction selected.' } })
    assert.equal((await put(token, 42)).status, 400)
    assert.equal((await call('PUT', '/v1/provider-users/me/home-jurisdiction', token, { jurisdiction: 'oh', extra: true })).status, 400)
    assert.equal((await put(await compactAdmin(), 'oh')).status, 401)
    assert.equal((await call('PUT', '/v1/provider-users/me/home-jurisdiction', undefined, { jurisdiction: 'oh' })).status, 401)
  })
})
