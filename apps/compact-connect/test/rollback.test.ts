// cc-s3-rollback: the license upload rollback (§5 "other ops", #1188) end to end: licenses uploaded over HTTP before,
// inside and after a window, the rollback job run as the operator command runs it, then the records, the events,
// the history and the results file.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { readObject } from '@hearth/kernel/storage'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import type { RollbackResults } from '../src/modules/rollback/rollback.service.ts'
import { uploadedLicense } from './factories.ts'
import { bearer, staffToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
const SLP = 'speech-language pathologist'

before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false' } })
})
after(async () => t.close())

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => t.database.query(sql, params) as Promise<T[]>
const container = () => t.app.compactConnect
async function upload(licenses: Record<string, unknown>[]) {
  const token = await staffToken(t.app, { scopes: ['aslp/readGeneral', 'oh/aslp.write'] })
  const response = await t.app.inject({ method: 'POST', url: '/v1/compacts/aslp/jurisdictions/oh/licenses', payload: licenses, headers: bearer(token) })
  assert.equal(response.statusCode, 200, response.body)
  while ((await container().jobs.drain()) > 0);
}
const providerOf = async (licenseNumber: string) => (await query<{ provider_id: string }>(`SELECT provider_id FROM licenses WHERE license_number = $1`, [licenseNumber]))[0]?.provider_id
/** Moments strictly apart from the uploads around them (timestamps are compared, not durations). */
const moment = async () => {
  await sleep(5)
  const now = new Date()
  await sleep(5)
  return now
}

async function rollback(executionName: string, start: Date, end: Date) {
  const started = await container().services.rollback.start({
    compact: 'aslp',
    jurisdiction: 'oh',
    startDateTime: start.toISOString(),
    endDateTime: end.toISOString(),
    rollbackReason: 'Invalid data uploaded',
    executionName,
  })
  while ((await container().jobs.drain()) > 0);
  return started
}

describe('license upload rollback', () => {
  let start: Date
  let end: Date
  let updated: string, created: string, changedAfter: string, deactivated: string

  before(async () => {
    // Before the window: three providers' licenses, and a privilege in ky on the fourth's oh license.
    await upload([uploadedLicense(1), uploadedLicense(3), uploadedLicense(4)])
    updated = (await providerOf('OH-1'))!
    changedAfter = (await providerOf('OH-3'))!
    deactivated = (await providerOf('OH-4'))!
    await t.database.query(
      `INSERT INTO privileges (provider_id, compact, jurisdiction, license_jurisdiction, license_type, date_of_issuance, date_of_renewal, date_of_expiration, privilege_id, date_of_update) VALUES ($1, 'aslp', 'ky', 'oh', $2, now(), now(), '2040-01-01', 'SLP-KY-1', now())`,
      [deactivated, SLP],
    )
    start = await moment()
    // The window: a name change, a new license, a change later changed again, a deactivation (cascading to the privilege).
    await upload([
      uploadedLicense(1, { givenName: 'Wrong', dateOfExpiration: '2045-01-01' }),
      uploadedLicense(2),
      uploadedLicense(3, { homeAddressCity: 'Dayton' }),
      uploadedLicense(4, { licenseStatus: 'inactive', compactEligibility: 'ineligible' }),
    ])
    created = (await providerOf('OH-2'))!
    end = await moment()
    // After the window: another upload for the third provider.
    await upload([uploadedLicense(3, { homeAddressCity: 'Akron' })])
    assert.equal((await query(`SELECT 1 FROM privileges WHERE provider_id = $1 AND license_deactivated_status = 'licenseDeactivated'`, [deactivated])).length, 1)
  })

  test('reverts the window’s uploads, skips a provider changed after it, records events and history, writes the results file', async () => {
    const { execution, created: isNew } = await rollback('rollback-aslp-oh-test', start, end)
    assert.ok(isNew)
    assert.equal((await container().services.rollback.execution(execution.executionName))?.status, 'complete')

    // Created in the window: the license is gone, and the provider with it (it had no other license).
    assert.equal(await providerOf('OH-2'), undefined)
    assert.equal((await query(`SELECT 1 FROM providers WHERE provider_id = $1`, [created])).length, 0)
    // Updated in the window: restored, with the provider projection, and its window update records gone.
    const [license] = await query<{ given_name: string; date_of_expiration: string }>(`SELECT given_name, date_of_expiration::text FROM licenses WHERE provider_id = $1`, [updated])
    assert.deepEqual(license, { given_name: 'Given1', date_of_expiration: '2040-01-01' })
    assert.deepEqual(await query(`SELECT given_name, date_of_expiration::text FROM providers WHERE provider_id = $1`, [updated]), [{ given_name: 'Given1', date_of_expiration: '2040-01-01' }])
    assert.equal((await query(`SELECT 1 FROM update_records WHERE provider_id = $1`, [updated])).length, 0)
    // Deactivated in the window: the license active again and its privilege reactivated.
    assert.deepEqual(await query(`SELECT jurisdiction_uploaded_license_status AS status FROM licenses WHERE provider_id = $1`, [deactivated]), [{ status: 'active' }])
    assert.deepEqual(await query(`SELECT license_deactivated_status FROM privileges WHERE provider_id = $1`, [deactivated]), [{ license_deactivated_status: null }])
    // Changed after the window: untouched.
    assert.deepEqual(await query(`SELECT home_address_city FROM licenses WHERE provider_id = $1`, [changedAfter]), [{ home_address_city: 'Akron' }])

    // Events, recorded in data_events.
    const events = await query<{ event_type: string; jurisdiction: string; detail: Record<string, unknown> }>(
      `SELECT event_type, jurisdiction, detail FROM data_events WHERE event_type IN ('license.revert', 'privilege.revert') ORDER BY event_type, jurisdiction, detail->>'providerId'`,
    )
    assert.deepEqual(
      events.map((event) => [event.event_type, event.jurisdiction, event.detail.providerId]),
      [
        ...[
          ['license.revert', 'oh', created],
          ['license.revert', 'oh', deactivated],
          ['license.revert', 'oh', updated],
        ].sort((a, b) => a[2]!.localeCompare(b[2]!)),
        ['privilege.revert', 'ky', deactivated],
      ],
    )
    assert.equal(events[0]!.detail.rollbackReason, 'Invalid data uploaded')
    assert.equal(events[0]!.detail.rollbackExecutionName, 'rollback-aslp-oh-test')
    // History: an audit entry for every revert.
    const history = await query<{ action: string; object: string; metadata: Record<string, unknown> }>(
      `SELECT action, object, metadata FROM audit_log WHERE subject = 'rollback:rollback-aslp-oh-test' ORDER BY action, object`,
    )
    assert.equal(history.filter((entry) => entry.action === 'license.revert').length, 3)
    assert.deepEqual(
      history.filter((entry) => entry.action === 'privilege.revert').map((entry) => entry.object),
      [`aslp/provider/${deactivated}/privilege/ky/${SLP}`],
    )
    assert.equal(history.find((entry) => entry.object.includes(updated))!.metadata.action, 'REVERT')

    // The results file, at the original's key, in the object store.
    const file = await readObject(container().stores.rollbackResults, 'rollback-aslp-oh-test/results.json')
    const results = JSON.parse(file!.toString()) as RollbackResults
    assert.deepEqual(results.revertedProviderSummaries.map((summary) => summary.providerId).sort(), [created, deactivated, updated].sort())
    const actions = Object.fromEntries(results.revertedProviderSummaries.map((summary) => [summary.providerId, summary.licensesReverted.map((entry) => entry.action)]))
    assert.deepEqual(actions[created], ['DELETE'])
    assert.deepEqual(actions[updated], ['REVERT'])
    assert.deepEqual(
      results.revertedProviderSummaries.find((summary) => summary.providerId === deactivated)!.privilegesReverted.map((entry) => [entry.jurisdiction, entry.action]),
      [['ky', 'REACTIVATED']],
    )
    assert.deepEqual(
      results.skippedProviderDetails.map((detail) => [detail.providerId, detail.ineligibleUpdates.map((entry) => [entry.recordType, entry.typeOfUpdate])]),
      [[changedAfter, [['licenseUpdate', 'other']]]],
    )
    assert.deepEqual(results.failedProviderDetails, [])
  })

  test('running it again reverts nothing twice: the same execution is not started again, a new one finds nothing to revert', async () => {
    const eventsBefore = await query(`SELECT id FROM data_events WHERE event_type IN ('license.revert', 'privilege.revert')`)
    const again = await rollback('rollback-aslp-oh-test', start, end)
    assert.equal(again.created, false)
    const second = await rollback('rollback-aslp-oh-test-2', start, end)
    assert.ok(second.created)
    const results = JSON.parse((await readObject(container().stores.rollbackResults, 'rollback-aslp-oh-test-2/results.json'))!.toString()) as RollbackResults
    assert.deepEqual(results.revertedProviderSummaries, [])
    assert.deepEqual(
      results.skippedProviderDetails.map((detail) => detail.providerId),
      [changedAfter],
    )
    assert.equal((await query(`SELECT id FROM data_events WHERE event_type IN ('license.revert', 'privilege.revert')`)).length, eventsBefore.length)
    assert.deepEqual(await query(`SELECT given_name FROM licenses WHERE provider_id = $1`, [updated]), [{ given_name: 'Given1' }])
  })

  test('a run resumed after a crash skips the providers whose revert committed', async () => {
    // Upload again in a new window, then let a first run "die" after one provider: its outcome row committed with
    // its revert; the job runs again from the start of the list.
    const windowStart = await moment()
    await upload([uploadedLicense(1, { givenName: 'Again' }), uploadedLicense(5)])
    const windowEnd = await moment()
    const firstDone = (await providerOf('OH-1'))!
    const service = container().services.rollback
    const { execution } = await service.start({
      compact: 'aslp',
      jurisdiction: 'oh',
      startDateTime: windowStart.toISOString(),
      endDateTime: windowEnd.toISOString(),
      rollbackReason: 'resume',
      executionName: 'resume-test',
    })
    // The first attempt: only the first provider is reverted before the process dies.
    await (service as unknown as { rollbackProvider(execution: unknown, providerId: string): Promise<void> }).rollbackProvider(execution, firstDone)
    assert.deepEqual(await query(`SELECT given_name FROM licenses WHERE provider_id = $1`, [firstDone]), [{ given_name: 'Given1' }])
    // The job (taken up again by any process) finishes the rest and reverts the first provider only once.
    while ((await container().jobs.drain()) > 0);
    assert.equal((await service.execution('resume-test'))?.status, 'complete')
    assert.equal(await providerOf('OH-5'), undefined)
    const reverts = await query(`SELECT 1 FROM data_events WHERE event_type = 'license.revert' AND detail->>'rollbackExecutionName' = 'resume-test' AND detail->>'providerId' = $1`, [firstDone])
    assert.equal(reverts.length, 1)
  })

  test('refuses a bad request before anything is stored', async () => {
    const service = container().services.rollback
    const request = { compact: 'aslp', jurisdiction: 'oh', startDateTime: end.toISOString(), endDateTime: start.toISOString(), rollbackReason: 'x', executionName: 'bad-window' }
    await assert.rejects(service.start(request), /Start time must be before end time/)
    await assert.rejects(service.start({ ...request, startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2026-01-09T00:00:00Z' }), /cannot exceed 7 days/)
    await assert.rejects(service.start({ ...request, compact: 'nope', startDateTime: start.toISOString(), endDateTime: end.toISOString() }), /Unknown compact/)
    assert.equal(await service.execution('bad-window'), undefined)
  })
})
