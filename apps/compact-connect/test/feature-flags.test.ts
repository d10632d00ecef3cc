import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import { loadConfig, type CompactConnectConfig } from '../src/config.ts'
import { conditionsHold } from '../src/modules/feature-flags/feature-flags.service.ts'

let t: TestApp<CompactConnectConfig>
before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false', FEATURE_FLAGS: 'example-flag=off' } })
})
after(async () => t.close())

const check = (flagId: string, payload?: unknown) =>
  t.app.inject({ method: 'POST', url: `/v1/flags/${flagId}/check`, ...(payload === undefined ? {} : { payload: payload as object }), headers: { authorization: 'null null' } })

test('POST /v1/flags/{flagId}/check is public and answers {enabled}; unknown flags are off', async () => {
  const response = await check('test-flag', { context: { userId: 'someone' } })
  assert.equal(response.statusCode, 200, response.body)
  assert.deepEqual(response.json(), { enabled: true }, 'test-flag is created enabled outside production')
  assert.deepEqual((await check('test-flag', {})).json(), { enabled: true })
  assert.deepEqual((await check('no-such-flag', {})).json(), { enabled: false })
  const rows = await t.database.query<{ flag_id: string }>(`SELECT flag_id FROM feature_flags ORDER BY flag_id`)
  assert.deepEqual(
    rows.map((row) => row.flag_id),
    ['example-flag', 'license-ssn-correction-migration-flag', 'test-flag'],
  )
})

test('bad bodies are 400 in the app error shape, never coerced', async () => {
  for (const payload of [{ context: 'x' }, { context: { userId: 5 } }, { other: true }, { context: { customAttributes: { compact: ['aslp'] } } }]) {
    const response = await check('test-flag', payload)
    assert.equal(response.statusCode, 400, JSON.stringify(payload))
    assert.equal(typeof response.json().message, 'string')
  }
})

test('custom-attribute conditions, the FEATURE_FLAGS override and changes through the service (cache dropped)', async () => {
  const flags = t.app.compactConnect.services.featureFlags
  // example-flag is limited to compact aslp, but FEATURE_FLAGS switches it off in this deployment
  assert.deepEqual((await check('example-flag', { context: { customAttributes: { compact: 'aslp' } } })).json(), { enabled: false })
  await flags.set('beta-ui', true, { compact: ['aslp'] })
  assert.deepEqual((await check('beta-ui', { context: { customAttributes: { compact: 'aslp' } } })).json(), { enabled: true })
  assert.deepEqual((await check('beta-ui', { context: { customAttributes: { compact: 'octp' } } })).json(), { enabled: false })
  assert.deepEqual((await check('beta-ui', {})).json(), { enabled: false }, 'a condition needs the attribute')
  assert.equal(await flags.isEnabled('beta-ui', { compact: 'aslp' }), true)
  // A change made by another process reaches this one through the event bus.
  await t.database.query(`UPDATE feature_flags SET enabled = false WHERE flag_id = 'beta-ui'`)
  assert.equal(await flags.isEnabled('beta-ui', { compact: 'aslp' }), true, 'cached until told')
  await t.app.compactConnect.events.publish('feature-flags.changed', { flagId: 'beta-ui' })
  // On Redis the event comes back through the server, not within one turn of the event loop: wait for it (bounded).
  const deadline = Date.now() + 5_000
  while ((await flags.isEnabled('beta-ui', { compact: 'aslp' })) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
  assert.equal(await flags.isEnabled('beta-ui', { compact: 'aslp' }), false)
})

test('fail closed: a flag that cannot be read is off', async () => {
  const flags = t.app.compactConnect.services.featureFlags
  await t.database.query(`ALTER TABLE feature_flags RENAME TO feature_flags_away`)
  try {
    flags.invalidate()
    assert.equal(await flags.isEnabled('test-flag'), false)
  } finally {
    await t.database.query(`ALTER TABLE feature_flags_away RENAME TO feature_flags`)
    flags.invalidate()
  }
  assert.equal(await flags.isEnabled('test-flag'), true)
})

test('a cached flag is answered without reading the table', async () => {
  const flags = t.app.compactConnect.services.featureFlags
  flags.invalidate()
  assert.equal(await flags.isEnabled('test-flag'), true)
  // Were the table read again, the read would fail now, as a rejection nobody awaits.
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  await t.database.query(`ALTER TABLE feature_flags RENAME TO feature_flags_away`)
  try {
    for (let check = 0; check < 5; check++) assert.equal(await flags.isEnabled('test-flag'), true)
    await new Promise((resolve) => setTimeout(resolve, 50))
  } finally {
    await t.database.query(`ALTER TABLE feature_flags_away RENAME TO feature_flags`)
    process.off('unhandledRejection', onUnhandled)
  }
  assert.deepEqual(unhandled, [])
})

test('configuration: FEATURE_FLAGS is parsed strictly; conditions compare as strings', () => {
  assert.deepEqual(loadConfig({ FEATURE_FLAGS: 'test-flag=on,example-flag=false' }).featureFlagOverrides, { 'test-flag': true, 'example-flag': false })
  assert.throws(() => loadConfig({ FEATURE_FLAGS: 'test-flag' }), /FEATURE_FLAGS/)
  assert.equal(conditionsHold({ compact: ['aslp'] }, { compact: 'aslp' }), true)
  assert.equal(conditionsHold({ level: ['2'] }, { level: 2 }), true)
  assert.equal(conditionsHold({ compact: ['aslp'] }, {}), false)
})
