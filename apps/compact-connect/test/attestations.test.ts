import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedQaConfiguration } from '../seeds/qa-configuration.ts'
import { bearer, providerToken, staffToken } from './tokens.ts'

let testApp: TestApp<CompactConnectConfig>
let token: string

async function get(url: string, headers: Record<string, string> = bearer(token)) {
  const response = await testApp.app.inject({ method: 'GET', url, headers })
  return { status: response.statusCode, body: response.json() as Record<string, unknown> }
}

describe('attestations (§1.9, §2.2, §9.5)', () => {
  before(async () => {
    testApp = await buildTestApp(compactConnect)
    await seedQaConfiguration(testApp.app.compactConnect)
    token = await providerToken(testApp.app, { providerId: 'c0000000-0000-4000-8000-000000000001', compact: 'aslp' })
  })
  after(() => testApp.close())

  test('GET returns the latest version (jurisprudence-confirmation is at version 2)', async () => {
    assert.deepEqual(await get('/v1/compacts/aslp/attestations/jurisprudence-confirmation'), {
      status: 200,
      body: {
        type: 'attestation',
        compact: 'aslp',
        attestationId: 'jurisprudence-confirmation',
        version: '2',
        dateCreated: '2025-06-01T00:00:00+00:00',
        dateOfUpdate: '2025-06-01T00:00:00+00:00',
        text: 'QA text for jurisprudence-confirmation, version 2.',
        required: true,
        displayName: 'Jurisprudence confirmation',
        description: "The practitioner has read the member state's jurisprudence material.",
        locale: 'en',
      },
    })
    const scope = await get('/v1/compacts/aslp/attestations/scope-of-practice-attestation?locale=en')
    assert.equal(scope.body.version, '1')
    assert.equal(scope.body.text, 'QA text for scope-of-practice-attestation, version 1.')
  })

  test('unknown id, other locale, or a compact without attestations → 404', async () => {
    assert.equal((await get('/v1/compacts/aslp/attestations/nope')).status, 404)
    assert.equal((await get('/v1/compacts/aslp/attestations/jurisprudence-confirmation?locale=fr')).status, 404)
    assert.equal((await get('/v1/compacts/octp/attestations/jurisprudence-confirmation')).status, 404)
  })

  test('practitioners only: no token or a staff token → 401', async () => {
    assert.equal((await get('/v1/compacts/aslp/attestations/jurisprudence-confirmation', {})).status, 401)
    const staff = await staffToken(testApp.app, { scopes: ['aslp/readGeneral', 'aslp/admin'] })
    assert.equal((await get('/v1/compacts/aslp/attestations/jurisprudence-confirmation', bearer(staff))).status, 401)
  })

  test('a new version is added only when the content changes; the latest is served', async () => {
    const service = testApp.app.compactConnect.services.attestations
    const base = {
      compact: 'aslp',
      attestationId: 'scope-of-practice-attestation',
      required: true,
      displayName: 'Scope of practice',
      description: "The practitioner will follow each privilege state's practice act.",
    }
    const same = await service.addVersion({ ...base, text: 'QA text for scope-of-practice-attestation, version 1.' })
    assert.equal(same.version, '1')
    const changed = await service.addVersion({ ...base, text: 'New wording.' })
    assert.equal(changed.version, '2')
    assert.equal((await get('/v1/compacts/aslp/attestations/scope-of-practice-attestation')).body.text, 'New wording.')
    assert.equal((await service.latestVersions('aslp')).get('scope-of-practice-attestation'), '2')
  })
})
