// Staff provider reads (§2.6), redaction (§3.3), privilege history on its three endpoints (§4.12) and
// GET /v1/provider-users/me (§2.2), against the QA dataset (§9.7).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedQa } from '../seeds/qa.ts'
import { providerSub, seededProviderId, staffSub } from '../seeds/qa-staff.ts'
import { bearer, providerToken, staffToken } from './tokens.ts'

let testApp: TestApp<CompactConnectConfig>
type Body = Record<string, unknown> & { message?: string }

async function call(method: 'GET' | 'POST', url: string, token?: string, payload?: unknown) {
  const response = await testApp.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload !== undefined ? { payload: payload as object } : {}) })
  return { status: response.statusCode, body: response.json() as Body }
}

async function qaToken(pool: 'staff' | 'provider', sub: string): Promise<string> {
  const response = await call('POST', '/qa/token', undefined, { pool, sub })
  assert.equal(response.status, 200, JSON.stringify(response.body))
  return response.body.token as string
}

const P = seededProviderId
const familyNames = (body: Body) => (body.providers as { familyName: string }[]).map((provider) => provider.familyName)

describe('provider reads', () => {
  before(async () => {
    testApp = await buildTestApp(compactConnect)
    await seedQa(testApp.app.compactConnect)
  })
  after(async () => testApp?.close())

  describe('query (§2.6)', () => {
    test('by family name prefix, case-insensitive, in the general shape even for readPrivate callers', async () => {
      const response = await call('POST', '/v1/compacts/aslp/providers/query', await qaToken('staff', staffSub(1)), { query: { familyName: 'MAR' } })
      assert.equal(response.status, 200, JSON.stringify(response.body))
      assert.deepEqual(familyNames(response.body), ['Marsh'])
      const provider = (response.body.providers as Body[])[0]!
      assert.equal(provider.dateOfBirth, undefined)
      assert.equal(provider.ssnLastFour, undefined)
      assert.deepEqual(response.body.sorting, { key: 'familyName', direction: 'ascending' })
    })

    test('by jurisdiction: license jurisdiction or any privilege jurisdiction', async () => {
      const response = await call('POST', '/v1/compacts/aslp/providers/query', await qaToken('staff', staffSub(3)), { query: { jurisdiction: 'ne' }, sorting: { key: 'familyName' } })
      // P3 holds an ne license, P2 an ne privilege.
      assert.deepEqual(familyNames(response.body), ['Delgado', 'Marsh'])
    })

    test('by providerId returns that provider', async () => {
      const response = await call('POST', '/v1/compacts/aslp/providers/query', await qaToken('staff', staffSub(3)), { query: { providerId: P(6) } })
      assert.deepEqual(familyNames(response.body), ['Nwosu'])
    })

    test('pages with lastKey until done', async () => {
      const token = await qaToken('staff', staffSub(3))
      const first = await call('POST', '/v1/compacts/aslp/providers/query', token, { query: {}, pagination: { pageSize: 5 }, sorting: { key: 'familyName', direction: 'descending' } })
      assert.equal((first.body.providers as unknown[]).length, 5)
      const pagination = first.body.pagination as { lastKey: string; prevLastKey: null; pageSize: number }
      assert.equal(typeof pagination.lastKey, 'string')
      const second = await call('POST', '/v1/compacts/aslp/providers/query', token, {
        query: {},
        pagination: { pageSize: 5, lastKey: pagination.lastKey },
        sorting: { key: 'familyName', direction: 'descending' },
      })
      assert.equal((second.body.providers as unknown[]).length, 3)
      assert.deepEqual(second.body.pagination, { pageSize: 5, prevLastKey: pagination.lastKey, lastKey: null })
      const all = [...familyNames(first.body), ...familyNames(second.body)]
      assert.deepEqual(all, [...all].sort().reverse())
    })

    test('refuses bad queries with 400', async () => {
      const token = await qaToken('staff', staffSub(3))
      assert.equal((await call('POST', '/v1/compacts/aslp/providers/query', token, { query: { givenName: 'Theo' } })).status, 400)
      assert.equal((await call('POST', '/v1/compacts/aslp/providers/query', token, { query: { familyName: 'Marsh' }, sorting: { key: 'dateOfUpdate' } })).status, 400)
      assert.equal((await call('POST', '/v1/compacts/aslp/providers/query', token, { query: {}, sorting: { key: 'npi' } })).status, 400)
      assert.deepEqual(await call('POST', '/v1/compacts/aslp/providers/query', token, { query: {}, pagination: { lastKey: 'bm9wZQ==' } }), { status: 400, body: { message: 'Invalid lastKey' } })
      assert.equal((await call('POST', '/v1/compacts/aslp/providers/query', token, { query: { familyName: null } })).status, 400)
    })

    test('refuses callers without readGeneral in the compact', async () => {
      assert.equal((await call('POST', '/v1/compacts/aslp/providers/query', undefined, { query: {} })).status, 401)
      assert.deepEqual(await call('POST', '/v1/compacts/aslp/providers/query', await qaToken('staff', staffSub(10)), { query: {} }), { status: 403, body: { message: 'Access denied' } })
      assert.equal((await call('POST', '/v1/compacts/aslp/providers/query', await qaToken('provider', providerSub(1)), { query: {} })).status, 401)
    })
  })

  describe('get and redaction (§2.6, §3.3)', () => {
    test('a compact reader gets the general shape: addresses, no DOB or SSN last four', async () => {
      const response = await call('GET', `/v1/compacts/aslp/providers/${P(2)}`, await qaToken('staff', staffSub(3)))
      assert.equal(response.status, 200)
      assert.equal(response.body.dateOfBirth, undefined)
      assert.equal(response.body.ssnLastFour, undefined)
      const license = (response.body.licenses as Body[])[0]!
      assert.equal(license.homeAddressCity, 'Columbus')
      assert.equal(license.dateOfBirth, undefined)
      assert.equal((response.body.privileges as Body[]).length, 3)
    })

    test('readPrivate for a jurisdiction of the provider gives the private shape; elsewhere it does not', async () => {
      // S2 holds oh/aslp.readPrivate: P2 is licensed in oh, P1 only in co.
      const private2 = await call('GET', `/v1/compacts/aslp/providers/${P(2)}`, await qaToken('staff', staffSub(2)))
      assert.equal(typeof private2.body.dateOfBirth, 'string')
      assert.equal(private2.body.ssnLastFour, '1002')
      const general1 = await call('GET', `/v1/compacts/aslp/providers/${P(1)}`, await qaToken('staff', staffSub(2)))
      assert.equal(general1.body.ssnLastFour, undefined)
    })

    test('compact admins see private fields and military document keys', async () => {
      const response = await call('GET', `/v1/compacts/aslp/providers/${P(3)}`, await qaToken('staff', staffSub(1)))
      assert.equal(response.body.ssnLastFour, '1003')
      const military = (response.body.militaryAffiliations as Body[])[0]!
      assert.ok(Array.isArray(military.documentKeys))
      const general = await call('GET', `/v1/compacts/aslp/providers/${P(3)}`, await qaToken('staff', staffSub(3)))
      assert.equal(((general.body.militaryAffiliations as Body[])[0] as Body).documentKeys, undefined)
    })

    test('unknown providers are 404; other compacts are 403', async () => {
      assert.equal((await call('GET', '/v1/compacts/aslp/providers/c0000000-0000-4000-8000-000000000099', await qaToken('staff', staffSub(3)))).status, 404)
      assert.equal((await call('GET', '/v1/compacts/aslp/providers/nope', await qaToken('staff', staffSub(3)))).status, 404)
      assert.equal((await call('GET', `/v1/compacts/octp/providers/${P(2)}`, await qaToken('staff', staffSub(3)))).status, 403)
    })

    test('calculated statuses: expired and encumbered providers are inactive', async () => {
      const token = await qaToken('staff', staffSub(3))
      assert.equal((await call('GET', `/v1/compacts/aslp/providers/${P(5)}`, token)).body.licenseStatus, 'inactive')
      assert.equal((await call('GET', `/v1/compacts/aslp/providers/${P(7)}`, token)).body.licenseStatus, 'inactive')
      assert.equal((await call('GET', `/v1/compacts/aslp/providers/${P(6)}`, token)).body.compactEligibility, 'ineligible')
      assert.equal((await call('GET', `/v1/compacts/aslp/providers/${P(1)}`, token)).body.compactEligibility, 'eligible')
    })
  })

  describe('privilege history (§4.12)', () => {
    test('staff history: issuance first, envelope as the original', async () => {
      const response = await call('GET', `/v1/compacts/aslp/providers/${P(2)}/privileges/jurisdiction/co/licenseType/slp/history`, await qaToken('staff', staffSub(3)))
      assert.equal(response.status, 200, JSON.stringify(response.body))
      assert.equal(response.body.privilegeId, 'SLP-CO-1')
      const events = response.body.events as Body[]
      assert.equal(events[0]!.updateType, 'issuance')
      assert.equal(events[0]!.effectiveDate, '2025-01-10T15:00:00+00:00')
    })

    test('public and practitioner endpoints', async () => {
      const open = await call('GET', `/v1/public/compacts/aslp/providers/${P(2)}/jurisdiction/ky/licenseType/slp/history`, undefined)
      assert.equal(open.status, 200)
      assert.equal(open.body.privilegeId, 'SLP-KY-2')
      // Public routes ignore what the logged-out web app sends.
      const nullHeader = await testApp.app.inject({ method: 'GET', url: `/v1/public/compacts/aslp/providers/${P(2)}/jurisdiction/ky/licenseType/slp/history`, headers: { authorization: 'null null' } })
      assert.equal(nullHeader.statusCode, 200)
      const mine = await call('GET', '/v1/provider-users/me/jurisdiction/ne/licenseType/slp/history', await qaToken('provider', providerSub(2)))
      assert.equal(mine.status, 200)
      assert.equal(mine.body.privilegeId, 'SLP-NE-3')
    })

    test('unknown license type is 400, missing privilege 404', async () => {
      const token = await qaToken('staff', staffSub(3))
      assert.equal((await call('GET', `/v1/compacts/aslp/providers/${P(2)}/privileges/jurisdiction/co/licenseType/xyz/history`, token)).status, 400)
      assert.equal((await call('GET', `/v1/compacts/aslp/providers/${P(2)}/privileges/jurisdiction/wa/licenseType/slp/history`, token)).status, 404)
      assert.equal((await call('GET', '/v1/provider-users/me/jurisdiction/co/licenseType/slp/history', await staffToken(testApp.app, { scopes: ['aslp/readGeneral'] }))).status, 401)
      assert.equal((await call('GET', '/v1/provider-users/me/jurisdiction/wa/licenseType/slp/history', await qaToken('provider', providerSub(2)))).status, 404)
    })
  })

  describe('GET /v1/provider-users/me (§2.2)', () => {
    test('the practitioner gets its own record in the private shape', async () => {
      const response = await call('GET', '/v1/provider-users/me', await qaToken('provider', providerSub(1)))
      assert.equal(response.status, 200)
      assert.equal(response.body.providerId, P(1))
      assert.equal(response.body.ssnLastFour, '1001')
      assert.equal(typeof response.body.dateOfBirth, 'string')
    })

    test('a token naming no stored provider is a 500, as the original', async () => {
      const response = await call('GET', '/v1/provider-users/me', await providerToken(testApp.app, { compact: 'aslp', providerId: randomUUID() }))
      assert.deepEqual(response, { status: 500, body: { message: 'Internal Server Error' } })
    })

    test('staff tokens are refused with 401', async () => {
      assert.equal((await call('GET', '/v1/provider-users/me', await qaToken('staff', staffSub(1)))).status, 401)
      assert.equal((await call('GET', '/v1/provider-users/me')).status, 401)
    })
  })
})
