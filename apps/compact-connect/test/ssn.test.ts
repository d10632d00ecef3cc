// The SSN endpoint (§2.6, §4.14, §9.9): who may read, the per-user and global limits, the disabled user, the
// shut-off flag; and that a full SSN appears in no other response and in no log line.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedQa } from '../seeds/qa.ts'
import { providerSub, seededProviderId, staffSub } from '../seeds/qa-staff.ts'
import { bearer } from './tokens.ts'

let testApp: TestApp<CompactConnectConfig>
const SSN_PATTERN = /900-?10-?100\d/
const logged: string[] = []
const bodies: string[] = []
const originalWriteSync = fs.writeSync
const originalWrite = fs.write
const originalStdoutWrite = process.stdout.write.bind(process.stdout)

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, token?: string, payload?: unknown) {
  const response = await testApp.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload !== undefined ? { payload: payload as object } : {}) })
  bodies.push(response.body)
  return { status: response.statusCode, body: response.json() as Record<string, unknown> & { message?: string } }
}

async function qaToken(pool: 'staff' | 'provider', sub: string) {
  const response = await call('POST', '/qa/token', undefined, { pool, sub })
  return { status: response.status, token: response.body.token as string }
}

const ssnUrl = (n: number) => `/v1/compacts/aslp/providers/${seededProviderId(n)}/ssn`

describe('the SSN endpoint', () => {
  before(async () => {
    // Capture whatever the app's logger writes, however it reaches stdout (pino through sonic-boom or the stream).
    ;(fs as { writeSync: typeof fs.writeSync }).writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
      if (fd === 1 || fd === 2) logged.push(String(data))
      return (originalWriteSync as (...args: unknown[]) => number)(fd, data, ...rest)
    }) as typeof fs.writeSync
    ;(fs as { write: typeof fs.write }).write = ((fd: number, data: unknown, ...rest: unknown[]) => {
      if (fd === 1 || fd === 2) logged.push(String(data))
      return (originalWrite as (...args: unknown[]) => void)(fd, data, ...rest)
    }) as typeof fs.write
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk))
      return (originalStdoutWrite as (...args: unknown[]) => boolean)(chunk, ...rest)
    }) as typeof process.stdout.write
    testApp = await buildTestApp(compactConnect, { env: { LOG_LEVEL: 'trace', CC_SSN_PER_USER_LIMIT: '5', CC_SSN_GLOBAL_LIMIT: '15' } })
    await seedQa(testApp.app.compactConnect)
  })
  after(async () => {
    ;(fs as { writeSync: typeof fs.writeSync }).writeSync = originalWriteSync
    ;(fs as { write: typeof fs.write }).write = originalWrite
    process.stdout.write = originalStdoutWrite
    await testApp?.close()
  })

  test('readSSN for the compact reads any provider; the body is exactly the SSN', async () => {
    const { token } = await qaToken('staff', staffSub(5))
    assert.deepEqual(await call('GET', ssnUrl(2), token), { status: 200, body: { ssn: '900-10-1002' } })
  })

  test('readSSN for a jurisdiction reads only providers with a license or privilege there', async () => {
    const { token } = await qaToken('staff', staffSub(7))
    // S7: ky/aslp.readSSN. P6 is licensed in ky, P2 holds a ky privilege, P1 has nothing in ky.
    assert.equal((await call('GET', ssnUrl(6), token)).status, 200)
    assert.equal((await call('GET', ssnUrl(2), token)).status, 200)
    assert.deepEqual(await call('GET', ssnUrl(1), token), { status: 403, body: { message: 'Access denied' } })
  })

  test('no readSSN is 403, no token 401, practitioner token 401', async () => {
    assert.deepEqual(await call('GET', ssnUrl(1), (await qaToken('staff', staffSub(2))).token), { status: 403, body: { message: 'Access denied' } })
    assert.equal((await call('GET', ssnUrl(1))).status, 401)
    assert.equal((await call('GET', ssnUrl(1), (await qaToken('provider', providerSub(1))).token)).status, 401)
  })

  test('a user gets 5 reads; the 6th is refused, the 7th also disables the user', async () => {
    const { token } = await qaToken('staff', staffSub(6)) // oh readSSN; P2 is licensed in oh
    for (let i = 0; i < 5; i += 1) assert.equal((await call('GET', ssnUrl(2), token)).status, 200, `read ${i + 1}`)
    assert.equal((await call('GET', ssnUrl(2), token)).status, 429)
    assert.equal((await qaToken('staff', staffSub(6))).status, 200, 'still enabled after the 6th')
    assert.equal((await call('GET', ssnUrl(2), token)).status, 429)
    assert.equal((await qaToken('staff', staffSub(6))).status, 403, 'disabled after the 7th')
  })

  test('more than 15 reads in the window shut the endpoint off for everyone, until a seed', async () => {
    // So far: 1 (S5) + 3 (S7) + 7 (S6) = 11 counted. S5 reads 4 more (15), then the 16th shuts it off.
    const { token } = await qaToken('staff', staffSub(5))
    for (let i = 0; i < 4; i += 1) assert.equal((await call('GET', ssnUrl(3), token)).status, 200, `read ${i + 12}`)
    assert.equal((await call('GET', ssnUrl(3), token)).status, 429)
    const other = await qaToken('staff', staffSub(7))
    assert.equal((await call('GET', ssnUrl(6), other.token)).status, 429)
    const reseeded = await testApp.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
    assert.equal(reseeded.statusCode, 204)
    assert.equal((await call('GET', ssnUrl(6), (await qaToken('staff', staffSub(7))).token)).status, 200)
  })

  test('no other response and no log line carries a full SSN', async () => {
    const admin = (await qaToken('staff', staffSub(1))).token
    const practitioner = (await qaToken('provider', providerSub(2))).token
    for (let n = 1; n <= 8; n += 1) await call('GET', `/v1/compacts/aslp/providers/${seededProviderId(n)}`, admin)
    await call('POST', '/v1/compacts/aslp/providers/query', admin, { query: {} })
    await call('GET', '/v1/provider-users/me', practitioner)
    const leaking = bodies.filter((body) => SSN_PATTERN.test(body) && !/^\{"ssn":"900-10-100\d"\}$/.test(body))
    assert.deepEqual(leaking, [])
    assert.ok(logged.length > 0, 'the logger wrote something')
    assert.deepEqual(
      logged.filter((line) => SSN_PATTERN.test(line)),
      [],
    )
  })
})
