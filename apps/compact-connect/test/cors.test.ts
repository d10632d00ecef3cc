// CORS as the original's gateway answers (§2): an allowed Origin is echoed, any other origin (or none) gets the first
// allowed origin, with `Vary: Origin`; error answers carry the headers too.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'

let testApp: TestApp<CompactConnectConfig>

describe('CORS (§2)', () => {
  before(async () => {
    testApp = await buildTestApp(compactConnect, { env: { ALLOWED_ORIGINS: 'https://app.compactconnect.example,https://beta.compactconnect.example' } })
  })
  after(() => testApp.close())

  test('an allowed origin is echoed', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/v1/public/jurisdictions/live', headers: { origin: 'https://beta.compactconnect.example' } })
    assert.equal(response.headers['access-control-allow-origin'], 'https://beta.compactconnect.example')
    assert.match(String(response.headers.vary), /Origin/)
  })

  test('another origin gets the first allowed origin, on a preflight and on an error answer too', async () => {
    const other = { origin: 'https://elsewhere.example' }
    const get = await testApp.app.inject({ method: 'GET', url: '/v1/public/jurisdictions/live', headers: other })
    assert.equal(get.headers['access-control-allow-origin'], 'https://app.compactconnect.example')
    assert.match(String(get.headers.vary), /Origin/)
    const preflight = await testApp.app.inject({
      method: 'OPTIONS',
      url: '/v1/staff-users/me',
      headers: { ...other, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, cache-control, content-type' },
    })
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.compactconnect.example')
    const refused = await testApp.app.inject({ method: 'GET', url: '/v1/staff-users/me', headers: { ...other, authorization: 'Bearer nope' } })
    assert.equal(refused.statusCode, 401)
    assert.equal(refused.headers['access-control-allow-origin'], 'https://app.compactconnect.example')
  })
})
