import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { canonicalQuery, stringToSign } from '../src/modules/state-api/signature.service.ts'
import { QA_OH_PRIVATE_KEY, QA_OH_PUBLIC_KEY } from '../seeds/qa-providers.ts'
import { uploadedLicense } from './factories.ts'
import { bearer, staffToken, stateClientToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
const path = '/v1/compacts/aslp/jurisdictions/oh/licenses'

before(async () => {
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false' } })
  await t.app.compactConnect.services.signatures.putKey('aslp', 'oh', 'qa-oh-key-1', QA_OH_PUBLIC_KEY)
})
after(async () => t.close())

function signedHeaders(method: string, url: string, options: { key?: string; keyId?: string; timestamp?: string; nonce?: string; algorithm?: string } = {}) {
  const [requestPath, query = ''] = url.split('?', 2) as [string, string?]
  const timestamp = options.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
  const nonce = options.nonce ?? randomUUID()
  const keyId = options.keyId ?? 'qa-oh-key-1'
  const signature = sign('sha256', Buffer.from(stringToSign({ method, path: requestPath, query }, timestamp, nonce, keyId)), options.key ?? QA_OH_PRIVATE_KEY).toString('base64')
  return { 'x-algorithm': options.algorithm ?? 'ECDSA-SHA256', 'x-timestamp': timestamp, 'x-nonce': nonce, 'x-key-id': keyId, 'x-signature': signature }
}

const ohClient = () => stateClientToken(t.app, { compact: 'aslp', jurisdiction: 'oh', scopes: ['write', 'aslp/readGeneral'], clientId: 'qa-oh-aslp' })

test('canonical query: RFC 3986 encoded, sorted by key then value', () => {
  assert.equal(canonicalQuery(''), '')
  assert.equal(canonicalQuery('b=2&a=z&a=y&c=hello world&d=*'), 'a=y&a=z&b=2&c=hello%20world&d=%2A')
  assert.equal(stringToSign({ method: 'post', path: '/p', query: '' }, 'T', 'N', 'K'), 'POST\n/p\n\nT\nN\nK')
})

test('a state client with a configured key uploads with a valid ECDSA signature', async () => {
  const token = await ohClient()
  const response = await t.app.inject({ method: 'POST', url: path, payload: [uploadedLicense(1)], headers: { ...bearer(token), ...signedHeaders('POST', path) } })
  assert.equal(response.statusCode, 200, response.body)
  const bulk = '/v1/compacts/aslp/jurisdictions/oh/licenses/bulk-upload'
  const url = await t.app.inject({ method: 'GET', url: bulk, headers: { ...bearer(token), ...signedHeaders('GET', bulk) } })
  assert.equal(url.statusCode, 200, url.body)
})

test('signatures are refused with the specific 401 messages of §2.7', async () => {
  const token = await ohClient()
  const attempt = async (headers: Record<string, string>) => {
    const response = await t.app.inject({ method: 'POST', url: path, payload: [uploadedLicense(2)], headers: { ...bearer(token), ...headers } })
    return [response.statusCode, response.json().message]
  }
  assert.deepEqual(await attempt({}), [401, 'X-Key-Id header required when signature keys are configured'])
  assert.deepEqual(await attempt(signedHeaders('POST', path, { keyId: 'unknown-key' })), [401, 'Public key not found for this compact/jurisdiction/key-id'])
  assert.deepEqual(await attempt(signedHeaders('POST', path, { algorithm: 'RSA-SHA256' })), [401, 'Unsupported signature algorithm'])
  const old = new Date(Date.now() - 61_000).toISOString()
  assert.deepEqual(await attempt(signedHeaders('POST', path, { timestamp: old })), [401, 'Request timestamp is too old or too far in the future'])
  const future = new Date(Date.now() + 61_000).toISOString()
  assert.deepEqual(await attempt(signedHeaders('POST', path, { timestamp: future })), [401, 'Request timestamp is too old or too far in the future'])
  const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  assert.deepEqual(await attempt(signedHeaders('POST', path, { key: otherKey })), [401, 'Invalid request signature'])
  const wrongPath = signedHeaders('POST', '/v1/compacts/aslp/jurisdictions/oh/licenses?x=1')
  assert.deepEqual(await attempt(wrongPath), [401, 'Invalid request signature'])
  const once = signedHeaders('POST', path)
  assert.equal((await attempt(once))[0], 200)
  assert.deepEqual(await attempt(once), [401, 'Nonce has already been used'])
  assert.deepEqual(await attempt({ ...signedHeaders('POST', path), 'x-nonce': 'bad nonce!' }), [401, 'Invalid X-Nonce header'])
})

test('without a configured key a state client may upload unsigned; staff tokens are never asked for a signature', async () => {
  const ky = await stateClientToken(t.app, { compact: 'aslp', jurisdiction: 'ky', scopes: ['write'], clientId: 'qa-ky-aslp' })
  const kyResponse = await t.app.inject({ method: 'POST', url: '/v1/compacts/aslp/jurisdictions/ky/licenses', payload: [uploadedLicense(3)], headers: bearer(ky) })
  assert.equal(kyResponse.statusCode, 200, kyResponse.body)
  const staff = await staffToken(t.app, { scopes: ['aslp/readGeneral', 'oh/aslp.write'] })
  const staffResponse = await t.app.inject({ method: 'POST', url: path, payload: [uploadedLicense(4)], headers: bearer(staff) })
  assert.equal(staffResponse.statusCode, 200, staffResponse.body)
  const wrongClient = await t.app.inject({ method: 'POST', url: path, payload: [uploadedLicense(5)], headers: { ...bearer(ky), ...signedHeaders('POST', path) } })
  assert.equal(wrongClient.statusCode, 403, 'ky/aslp.write does not write oh')
})

test('only P-256 public keys are accepted as signature keys', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string
  await assert.rejects(t.app.compactConnect.services.signatures.putKey('aslp', 'ky', 'rsa', rsa))
})

test('State API reads: a signed query lists providers with a privilege in the jurisdiction updated within the window', async () => {
  await t.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
  await t.app.compactConnect.services.signatures.putKey('aslp', 'co', 'co-key', QA_OH_PUBLIC_KEY)
  const token = await stateClientToken(t.app, { compact: 'aslp', jurisdiction: 'co', scopes: ['aslp/readGeneral'], clientId: 'qa-co-aslp' })
  const queryPath = '/v1/compacts/aslp/jurisdictions/co/providers/query'
  const body = { query: { startDateTime: '2026-01-14T00:00:00Z', endDateTime: '2026-01-16T00:00:00Z' } }
  const response = await t.app.inject({ method: 'POST', url: queryPath, payload: body, headers: { ...bearer(token), ...signedHeaders('POST', queryPath, { keyId: 'co-key' }) } })
  assert.equal(response.statusCode, 200, response.body)
  const result = response.json()
  assert.deepEqual(
    result.providers.map((provider: { providerId: string }) => provider.providerId),
    ['c0000000-0000-4000-8000-000000000002'],
  )
  assert.equal(result.providers[0].dateOfBirth, undefined, 'general shape')
  assert.deepEqual(result.pagination, { pageSize: 100, prevLastKey: null, lastKey: null })

  const outside = await t.app.inject({
    method: 'POST',
    url: queryPath,
    payload: { query: { startDateTime: '2026-01-16T00:00:00Z', endDateTime: '2026-01-20T00:00:00Z' } },
    headers: { ...bearer(token), ...signedHeaders('POST', queryPath, { keyId: 'co-key' }) },
  })
  assert.deepEqual(outside.json().providers, [])
  const tooWide = await t.app.inject({
    method: 'POST',
    url: queryPath,
    payload: { query: { startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2026-01-09T00:00:00Z' } },
    headers: { ...bearer(token), ...signedHeaders('POST', queryPath, { keyId: 'co-key' }) },
  })
  assert.equal(tooWide.statusCode, 400)
  const unsigned = await t.app.inject({ method: 'POST', url: queryPath, payload: body, headers: bearer(token) })
  assert.deepEqual([unsigned.statusCode, unsigned.json()], [401, { message: 'Missing required X-Key-Id header' }])
  const staff = await staffToken(t.app, { scopes: ['aslp/readGeneral'] })
  assert.equal((await t.app.inject({ method: 'POST', url: queryPath, payload: body, headers: bearer(staff) })).statusCode, 401, 'the State API takes state app clients only')
  const octp = await stateClientToken(t.app, { compact: 'octp', jurisdiction: 'co', scopes: ['octp/readGeneral'] })
  assert.equal((await t.app.inject({ method: 'POST', url: queryPath, payload: body, headers: { ...bearer(octp), ...signedHeaders('POST', queryPath, { keyId: 'co-key' }) } })).statusCode, 403)
})

test('State API reads: one provider’s privileges in the jurisdiction with the home license, private fields only with readPrivate', async () => {
  const path = '/v1/compacts/aslp/jurisdictions/co/providers/c0000000-0000-4000-8000-000000000002'
  const general = await stateClientToken(t.app, { compact: 'aslp', jurisdiction: 'co', scopes: ['aslp/readGeneral'] })
  const response = await t.app.inject({ method: 'GET', url: path, headers: { ...bearer(general), ...signedHeaders('GET', path, { keyId: 'co-key' }) } })
  assert.equal(response.statusCode, 200, response.body)
  const body = response.json()
  assert.equal(body.providerUIUrl, 'http://localhost:3018/aslp/Licensing/c0000000-0000-4000-8000-000000000002')
  assert.equal(body.privileges.length, 1)
  const [privilege] = body.privileges
  assert.deepEqual(
    [privilege.type, privilege.privilegeId, privilege.status, privilege.licenseJurisdiction, privilege.licenseNumber, privilege.licenseStatus],
    ['statePrivilege', 'SLP-CO-1', 'active', 'oh', 'OH-SLP-1002', 'active'],
  )
  assert.equal(privilege.ssnLastFour, undefined)
  assert.equal(privilege.homeAddressStreet1, undefined)
  const privateToken = await stateClientToken(t.app, { compact: 'aslp', jurisdiction: 'co', scopes: ['aslp/readGeneral', 'readPrivate'] })
  const privateView = (await t.app.inject({ method: 'GET', url: path, headers: { ...bearer(privateToken), ...signedHeaders('GET', path, { keyId: 'co-key' }) } })).json()
  assert.deepEqual([privateView.privileges[0].ssnLastFour, privateView.privileges[0].dateOfBirth, privateView.privileges[0].homeAddressCity], ['1002', '1979-11-02', 'Columbus'])
  const none = '/v1/compacts/aslp/jurisdictions/co/providers/c0000000-0000-4000-8000-000000000001'
  assert.equal((await t.app.inject({ method: 'GET', url: none, headers: { ...bearer(general), ...signedHeaders('GET', none, { keyId: 'co-key' }) } })).statusCode, 404, 'no privilege in co')
})

test('State API delta query: descending order, pages joined by lastKey, forgiving sorting/pagination keys, the original’s window message', async () => {
  await t.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
  await t.app.compactConnect.services.signatures.putKey('aslp', 'oh', 'qa-oh-key-1', QA_OH_PUBLIC_KEY)
  const token = await stateClientToken(t.app, { compact: 'aslp', jurisdiction: 'oh', scopes: ['readGeneral'] })
  const queryPath = '/v1/compacts/aslp/jurisdictions/oh/providers/query'
  // Five providers with a privilege in oh, updated one minute apart (P4's seeded privilege is one of them).
  const { database } = t.app.compactConnect
  await database.query(
    `UPDATE providers SET privilege_jurisdictions = ARRAY['oh'], provider_date_of_update = timestamptz '2026-02-01T00:00:00Z' + (right(provider_id::text, 1)::int * interval '1 minute') WHERE right(provider_id::text, 1) IN ('1','3','5','6','4')`,
  )
  const post = async (body: unknown) => t.app.inject({ method: 'POST', url: queryPath, payload: body as object, headers: { ...bearer(token), ...signedHeaders('POST', queryPath) } })
  const window = { startDateTime: '2026-02-01T00:00:00Z', endDateTime: '2026-02-02T00:00:00Z' }
  const first = await post({ query: window, pagination: { pageSize: 5 }, sorting: { key: 'dateOfUpdate', direction: 'descending' } })
  assert.equal(first.statusCode, 200, first.body)
  const page = first.json()
  assert.deepEqual(page.sorting, { direction: 'descending' })
  const all = [6, 5, 4, 3, 1].map((n) => `c0000000-0000-4000-8000-00000000000${n}`)
  assert.deepEqual(
    page.providers.map((provider: { providerId: string }) => provider.providerId),
    all,
  )
  const ascending = (await post({ query: window, pagination: { pageSize: 5 } })).json()
  assert.deepEqual(
    ascending.providers.map((provider: { providerId: string }) => provider.providerId),
    [...all].reverse(),
  )
  await database.query(
    `UPDATE providers SET privilege_jurisdictions = ARRAY['oh'], provider_date_of_update = timestamptz '2026-02-01T00:10:00Z' WHERE provider_id = 'c0000000-0000-4000-8000-000000000008'`,
  )
  const paged = (await post({ query: window, pagination: { pageSize: 5 } })).json()
  assert.equal(paged.providers.length, 5)
  assert.notEqual(paged.pagination.lastKey, null)
  const rest = (await post({ query: window, pagination: { pageSize: 5, lastKey: paged.pagination.lastKey } })).json()
  assert.deepEqual(
    rest.providers.map((provider: { providerId: string }) => provider.providerId),
    ['c0000000-0000-4000-8000-000000000008'],
  )
  assert.deepEqual(rest.pagination, { pageSize: 5, prevLastKey: paged.pagination.lastKey, lastKey: null })
  const wide = await post({ query: { startDateTime: '2026-02-01T00:00:00Z', endDateTime: '2026-02-08T00:00:01Z' } })
  assert.deepEqual([wide.statusCode, wide.json()], [400, { message: 'Time filter cannot be larger than 7 days.' }])
  const badKey = await post({ query: window, pagination: { lastKey: 'bm9wZQ==' } })
  assert.deepEqual([badKey.statusCode, badKey.json()], [400, { message: 'Invalid lastKey' }])
  assert.equal((await post({ query: { startDateTime: '2026-02-01T00:00:00' } })).statusCode, 400, 'endDateTime required')
  assert.equal((await post({ query: { ...window, extra: 1 } })).statusCode, 400)
})
