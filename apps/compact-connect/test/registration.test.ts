// Practitioner registration (§4.4) through HTTP against the QA dataset, with reCAPTCHA verified by a local fake
// siteverify server, and the per-address limit (rate-limiter-flexible; a store outage is a 503).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Redis } from '@hearth/kernel'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import { startSmtpSink, type SmtpSink } from '@hearth/kernel/testing/smtp-sink'
import { decodeJwt } from 'jose'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { RateLimits } from '../src/modules/providers/rate-limits.ts'
import { seedQa } from '../seeds/qa.ts'
import { seededProviderId } from '../seeds/qa-staff.ts'
import { bearer } from './tokens.ts'

let testApp: TestApp<CompactConnectConfig>
let siteverify: Server
let sink: SmtpSink
const verified: string[] = []
let nextAddress = 1

const MIN_MS = 300
const amara = (overrides: Record<string, unknown> = {}) => ({
  givenName: 'amara',
  familyName: 'NWOSU',
  email: 'amara.nwosu@example.org',
  partialSocial: '1006',
  dob: '1994-05-17',
  jurisdiction: 'ky',
  licenseType: 'speech-language pathologist',
  compact: 'aslp',
  token: 'good-token',
  ...overrides,
})

/** Each call comes from its own address unless one is given, so the per-address limit only bites where a test wants it. */
async function register(payload: unknown, address = `203.0.113.${nextAddress++}`) {
  const started = Date.now()
  const response = await testApp.app.inject({ method: 'POST', url: '/v1/provider-users/registration', headers: { 'x-forwarded-for': address }, payload: payload as object })
  return { status: response.statusCode, body: response.json() as { message: string }, elapsed: Date.now() - started }
}

async function qaProviderToken(username: string) {
  const response = await testApp.app.inject({ method: 'POST', url: '/qa/token', payload: { pool: 'provider', username } })
  return { status: response.statusCode, token: (response.json() as { token?: string }).token }
}

const PROCESSED = { message: 'request processed' }

/** The `notification.send` jobs registration enqueued (the notifications module renders and sends them). */
async function attemptNotices() {
  const rows = await testApp.database.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM jobs WHERE name = 'notification.send' ORDER BY id`)
  return rows.map((row) => row.payload).filter((payload) => payload.template === 'multipleRegistrationAttemptNotification')
}

describe('registration (§4.4)', () => {
  before(async () => {
    siteverify = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => {
        const form = new URLSearchParams(body)
        verified.push(form.get('response') ?? '')
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ success: form.get('secret') === 'test-secret' && form.get('response') === 'good-token' }))
      })
    })
    await new Promise<void>((resolve) => siteverify.listen(0, '127.0.0.1', resolve))
    sink = await startSmtpSink()
    testApp = await buildTestApp(compactConnect, {
      env: {
        CC_RECAPTCHA_ENABLED: 'true',
        CC_RECAPTCHA_VERIFY_URL: `http://127.0.0.1:${(siteverify.address() as AddressInfo).port}/siteverify`,
        CC_RECAPTCHA_SECRET: 'test-secret',
        CC_TRUST_PROXY: 'true',
        CC_REGISTRATION_MIN_MS: String(MIN_MS),
        SMTP_URL: sink.url,
        JOB_POLL_INTERVAL_MS: '50',
      },
    })
    await seedQa(testApp.app.compactConnect)
  })
  after(async () => {
    await testApp?.close()
    await new Promise((resolve) => siteverify?.close(resolve))
    await sink?.close()
  })

  test('a wrong date of birth matches nothing: the same answer, no identity, at least the minimum time', async () => {
    const response = await register(amara({ dob: '1994-05-18' }))
    assert.deepEqual([response.status, response.body], [200, PROCESSED])
    assert.ok(response.elapsed >= MIN_MS - 5, `took ${response.elapsed} ms`)
    assert.equal((await qaProviderToken('amara.nwosu@example.org')).status, 404)
  })

  test('a wrong last four of the SSN or another license type matches nothing either', async () => {
    for (const mismatch of [{ partialSocial: '6001' }, { licenseType: 'audiologist' }]) {
      const response = await register(amara(mismatch))
      assert.deepEqual([response.status, response.body], [200, PROCESSED], JSON.stringify(mismatch))
    }
    assert.equal((await qaProviderToken('amara.nwosu@example.org')).status, 404)
  })

  test('two licenses matching the same details are a 500 and register nobody', async () => {
    const twin = (providerId: string, ssn: string) =>
      testApp.app.compactConnect.services.licenses.loadProvider({
        providerId,
        compact: 'aslp',
        ssn,
        at: new Date('2026-01-15T12:00:00Z'),
        provider: { currentHomeJurisdiction: 'unknown' },
        licenses: [
          {
            jurisdiction: 'ky',
            licenseType: 'speech-language pathologist',
            givenName: 'Tove',
            familyName: 'Twin',
            dateOfIssuance: '2020-01-01',
            dateOfExpiration: '2040-01-01',
            dateOfBirth: '1990-02-02',
            homeAddressStreet1: '1 Main St',
            homeAddressCity: 'Louisville',
            homeAddressState: 'KY',
            homeAddressPostalCode: '40202',
            jurisdictionUploadedLicenseStatus: 'active',
            jurisdictionUploadedCompactEligibility: 'eligible',
          },
        ],
      })
    await twin(randomUUID(), '911-11-4242')
    await twin(randomUUID(), '922-22-4242')
    const response = await register(amara({ givenName: 'Tove', familyName: 'Twin', email: 'tove.twin@example.org', partialSocial: '4242', dob: '1990-02-02' }))
    assert.equal(response.status, 500)
    assert.deepEqual(Object.keys(response.body), ['message'])
    assert.equal((await qaProviderToken('tove.twin@example.org')).status, 404)
  })

  test('a failure while recording the registration is a 500 and leaves no login behind', async () => {
    const repository = testApp.app.compactConnect.repositories.registration
    const original = repository.insertProviderUpdate.bind(repository)
    repository.insertProviderUpdate = async () => {
      throw new Error('simulated database failure')
    }
    try {
      const response = await register(amara())
      assert.equal(response.status, 500)
      assert.deepEqual(Object.keys(response.body), ['message'])
    } finally {
      repository.insertProviderUpdate = original
    }
    assert.equal((await qaProviderToken('amara.nwosu@example.org')).status, 404)
    const [row] = await testApp.database.query<{ registered: string | null }>('SELECT compact_connect_registered_email_address AS registered FROM providers WHERE provider_id = $1', [
      seededProviderId(6),
    ])
    assert.equal(row!.registered, null)
  })

  test('a matching unregistered practitioner registers (names case-insensitive), gets its temporary password by e-mail and can read its record', async () => {
    // A stale projection is rebuilt from the matched license (§4.4).
    await testApp.database.query(`UPDATE providers SET given_name = 'Stale', license_jurisdiction = 'oh', npi = NULL WHERE provider_id = $1`, [seededProviderId(6)])
    const response = await register(amara())
    assert.deepEqual([response.status, response.body], [200, PROCESSED])
    assert.ok(verified.includes('good-token'))
    const { status, token } = await qaProviderToken('amara.nwosu@example.org')
    assert.equal(status, 200)
    const claims = decodeJwt(token!)
    assert.equal(claims['custom:providerId'], seededProviderId(6))
    assert.equal(claims['custom:compact'], 'aslp')
    const me = await testApp.app.inject({ method: 'GET', url: '/v1/provider-users/me', headers: bearer(token!) })
    assert.equal(me.statusCode, 200)
    const body = me.json() as { currentHomeJurisdiction: string; compactConnectRegisteredEmailAddress: string }
    assert.equal(body.currentHomeJurisdiction, 'ky')
    assert.equal(body.compactConnectRegisteredEmailAddress, 'amara.nwosu@example.org')
    const [provider] = await testApp.database.query<{ given_name: string; license_jurisdiction: string; npi: string | null }>(
      'SELECT given_name, license_jurisdiction, npi FROM providers WHERE provider_id = $1',
      [seededProviderId(6)],
    )
    assert.deepEqual(provider, { given_name: 'Amara', license_jurisdiction: 'ky', npi: '1000000006' })
    const [update] = await testApp.database.query<{ updated_values: Record<string, unknown> }>(`SELECT updated_values FROM update_records WHERE provider_id = $1 AND update_type = 'registration'`, [
      seededProviderId(6),
    ])
    assert.equal(update!.updated_values.givenName, 'Amara')
    assert.equal(update!.updated_values.licenseJurisdiction, 'ky')
    const mail = await sink.waitFor((message) => message.to.includes('amara.nwosu@example.org'), 10_000)
    assert.equal(mail.subject, 'Your CompactConnect account')
    assert.match(mail.text, /Temporary password: \S{16}/)
  })

  test('registering again (or an already registered practitioner) answers the same, creates nothing and tells the registered address', async () => {
    assert.deepEqual((await register(amara({ email: 'someone.else@example.org' }))).body, PROCESSED)
    assert.equal((await qaProviderToken('someone.else@example.org')).status, 404)
    const harriet = { givenName: 'Harriet', familyName: 'Quimby', email: 'harriet.new@example.org', partialSocial: '1001', dob: '1985-03-14', jurisdiction: 'co' }
    assert.deepEqual((await register(amara(harriet))).body, PROCESSED)
    assert.equal((await qaProviderToken('harriet.new@example.org')).status, 404)
    const notices = await attemptNotices()
    assert.deepEqual(
      notices.map((notice) => notice.specificEmails),
      [['amara.nwosu@example.org'], ['harriet.quimby@example.org']],
    )
    for (const notice of notices)
      assert.deepEqual(
        { ...notice, specificEmails: undefined },
        { template: 'multipleRegistrationAttemptNotification', recipientType: 'SPECIFIC', compact: 'aslp', templateVariables: {}, specificEmails: undefined },
      )
  })

  test('an address already in the provider pool is told of the attempt; no identity is created', async () => {
    const before = (await attemptNotices()).length
    const lena = { givenName: 'Lena', familyName: 'Brandt', email: 'Theo.Marsh@example.org', partialSocial: '1005', dob: '1972-09-09', jurisdiction: 'oh' }
    assert.deepEqual((await register(amara(lena))).body, PROCESSED)
    const notices = await attemptNotices()
    assert.equal(notices.length, before + 1)
    assert.deepEqual(notices.at(-1)!.specificEmails, ['Theo.Marsh@example.org'])
    const [row] = await testApp.database.query<{ registered: string | null }>('SELECT compact_connect_registered_email_address AS registered FROM providers WHERE provider_id = $1', [
      seededProviderId(5),
    ])
    assert.equal(row!.registered, null)
  })

  test('a registration left in FORCE_CHANGE_PASSWORD for over a day may be redone: same address re-invited, another address replaces it', async () => {
    const lena = { givenName: 'Lena', familyName: 'Brandt', email: 'lena.first@example.org', partialSocial: '1005', dob: '1972-09-09', jurisdiction: 'oh' }
    assert.deepEqual((await register(amara(lena))).body, PROCESSED)
    await sink.waitFor((message) => message.to.includes('lena.first@example.org'), 10_000)
    const backdate = () => testApp.database.query(`UPDATE identities SET updated_at = now() - interval '25 hours' WHERE lower(username) LIKE 'lena.%'`)
    // Within the day: an attempt, not a re-registration.
    const noticesBefore = (await attemptNotices()).length
    assert.deepEqual((await register(amara(lena))).body, PROCESSED)
    assert.equal((await attemptNotices()).length, noticesBefore + 1)
    await backdate()
    assert.deepEqual((await register(amara(lena))).body, PROCESSED)
    // The first invitation and its resend (the attempt notice in between is another message).
    const invitations = () => sink.messages.filter((other) => other.to.includes('lena.first@example.org') && /Temporary password/.test(other.text))
    await sink.waitFor(() => invitations().length === 2, 10_000)
    assert.equal((await attemptNotices()).length, noticesBefore + 1, 'a resend, not an attempt notice')
    await backdate()
    assert.deepEqual((await register(amara({ ...lena, email: 'lena.second@example.org' }))).body, PROCESSED)
    assert.equal((await qaProviderToken('lena.first@example.org')).status, 404)
    assert.equal((await qaProviderToken('lena.second@example.org')).status, 200)
    await sink.waitFor((message) => message.to.includes('lena.second@example.org'), 10_000)
  })

  test('a failed reCAPTCHA is 403', async () => {
    const response = await register(amara({ token: 'bad-token' }))
    assert.equal(response.status, 403)
  })

  test('configuration refusals are 400: not live, not configured, registration off', async () => {
    assert.equal((await register(amara({ jurisdiction: 'al' }))).status, 400)
    assert.equal((await register(amara({ jurisdiction: 'wa' }))).status, 400)
    assert.equal((await register(amara({ compact: 'octp', licenseType: 'occupational therapist' }))).status, 400)
    // coun has no compact configuration at all.
    assert.deepEqual(await register(amara({ compact: 'coun', licenseType: 'licensed professional counselor' })).then((response) => [response.status, response.body]), [
      400,
      { message: 'Registration is not currently available for this compact.' },
    ])
  })

  test('malformed bodies are 400 before anything else', async () => {
    assert.equal((await register(amara({ partialSocial: '12a4' }))).status, 400)
    assert.equal((await register(amara({ dob: null }))).status, 400)
    assert.equal((await register(amara({ extra: 1 }))).status, 400)
    assert.equal((await register(amara({ licenseType: 'audiologist-ish' }))).status, 400)
    assert.equal((await register(amara({ compact: 'zzz' }))).status, 400)
    const { token: _token, ...withoutToken } = amara()
    assert.equal((await register(withoutToken)).status, 400)
  })

  test('a fourth attempt from one address within 15 minutes is 429', async () => {
    const address = '198.51.100.7'
    for (let i = 0; i < 3; i += 1) assert.equal((await register(amara({ dob: '2000-01-01' }), address)).status, 200)
    assert.deepEqual((await register(amara({ dob: '2000-01-01' }), address)).status, 429)
    assert.equal((await register(amara({ dob: '2000-01-01' }), '198.51.100.8')).status, 200)
  })
})

describe('rate-limit store', () => {
  test('a Redis outage is a clear 503, never a pass', async () => {
    const broken = new Proxy(
      {},
      {
        get: (_target, property) =>
          property === 'then'
            ? undefined
            : () => {
                throw new Error('connection lost')
              },
      },
    ) as Redis
    const limits = new RateLimits(broken)
    await assert.rejects(limits.hit('registration', '127.0.0.1'), (error: { status?: number }) => error.status === 503)
  })

  test('in memory, counts within the window', async () => {
    const limits = new RateLimits(undefined)
    assert.equal(await limits.hit('ssn-user', 'a'), 1)
    assert.equal(await limits.hit('ssn-user', 'a'), 2)
    assert.equal(await limits.hit('ssn-user', 'b'), 1)
    await limits.reset()
    assert.equal(await limits.hit('ssn-user', 'a'), 1)
  })
})
