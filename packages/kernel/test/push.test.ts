import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Agent, request as httpsRequest } from 'node:https'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import webpush from 'web-push'
import { loadBaseConfig, ConfigError } from '../src/index.ts'
import { createPushSender, loadVapidConfig } from '../src/push/index.ts'
import { startPushService, type FakePushService } from '../src/testing/push-service/index.ts'

const developmentConfig = () => loadBaseConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'hearth-push-')) }, { app: 'push-test', defaultPort: 0 })

describe('web push to a local push service', () => {
  let service: FakePushService
  const agent = new Agent({ rejectUnauthorized: false })
  before(async () => {
    service = await startPushService()
  })
  after(() => service.close())

  test('delivers an encrypted payload that the push service decrypts, signed with VAPID', async () => {
    const vapid = loadVapidConfig({}, developmentConfig(), { defaultSubject: 'mailto:team@example.org' })
    const sender = createPushSender({ vapid, agent })
    const subscription = service.subscribe()
    const outcome = await sender.send([subscription], { title: 'New hug', body: 'Sam sent you a hug' })
    assert.equal(outcome.delivered.length, 1)
    assert.deepEqual(service.refused, [])
    const [push] = service.deliveredTo(subscription.endpoint)
    assert.deepEqual(push?.payload, { title: 'New hug', body: 'Sam sent you a hug' })
    assert.equal(push?.vapid.sub, 'mailto:team@example.org')
    assert.equal(push?.vapid.aud, service.origin)
  })

  test('reports subscriptions answered 404 or 410 as dead and keeps other failures', async () => {
    const sender = createPushSender({ vapid: loadVapidConfig({}, developmentConfig(), { defaultSubject: 'mailto:a@example.org' }), agent })
    const [alive, gone, missing, busy] = [service.subscribe(), service.subscribe(), service.subscribe(), service.subscribe()]
    service.answer(gone.endpoint, 410)
    service.answer(missing.endpoint, 404)
    service.answer(busy.endpoint, 429)
    const outcome = await sender.send(
      [alive, gone, missing, busy].map((target, index) => ({ ...target, id: index })),
      { title: 'x', body: 'y' },
    )
    assert.deepEqual(
      outcome.delivered.map((target) => target.id),
      [0],
    )
    assert.deepEqual(outcome.dead.map((target) => target.id).sort(), [1, 2])
    assert.deepEqual(
      outcome.failed.map((failure) => failure.target.id),
      [3],
    )
  })

  test('a push signed with another key pair than the one advertised is refused by the service', async () => {
    const subscription = service.subscribe()
    const real = webpush.generateVAPIDKeys()
    const other = webpush.generateVAPIDKeys()
    const details = webpush.generateRequestDetails(subscription, 'hello', { vapidDetails: { subject: 'mailto:a@example.org', publicKey: real.publicKey, privateKey: real.privateKey } })
    const forged = String(details.headers.Authorization).replace(/k=.*/, `k=${other.publicKey}`)
    const response = await new Promise<number>((resolve, reject) => {
      const request = httpsRequest(details.endpoint, { method: 'POST', headers: { ...details.headers, Authorization: forged }, agent }, (res) => resolve(res.statusCode ?? 0))
      request.on('error', reject)
      request.end(details.body)
    })
    assert.equal(response, 400)
    assert.equal(service.deliveredTo(subscription.endpoint).length, 0)
  })
})

test('VAPID keys are generated once in development, derived from the private key, and required in production', () => {
  const config = developmentConfig()
  const first = loadVapidConfig({}, config, { privateKeyVariable: 'PRIVATE_VAPID_KEY', defaultSubject: 'mailto:a@example.org' })
  const again = loadVapidConfig({}, config, { privateKeyVariable: 'PRIVATE_VAPID_KEY', defaultSubject: 'mailto:a@example.org' })
  assert.equal(again.privateKey, first.privateKey)
  const given = webpush.generateVAPIDKeys()
  assert.equal(loadVapidConfig({ PRIVATE_VAPID_KEY: given.privateKey }, config, { privateKeyVariable: 'PRIVATE_VAPID_KEY', defaultSubject: 'mailto:a@example.org' }).publicKey, given.publicKey)
  assert.throws(() => loadVapidConfig({ PRIVATE_VAPID_KEY: 'short' }, config, { privateKeyVariable: 'PRIVATE_VAPID_KEY', defaultSubject: 'mailto:a@example.org' }), ConfigError)
  const production = loadBaseConfig({ HEARTH_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/db' }, { app: 'push-test', defaultPort: 0 })
  assert.throws(() => loadVapidConfig({}, production, { privateKeyVariable: 'PRIVATE_VAPID_KEY', defaultSubject: 'mailto:a@example.org' }), /PRIVATE_VAPID_KEY/)
})
