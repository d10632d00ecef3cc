// Practitioner account (MFA) recovery and e-mail change (§2.1, §2.2, §4.5) over HTTP against the QA dataset:
// reCAPTCHA through a local siteverify fake, the per-provider limits (§4.14), the notification e-mails as
// `notification.send` job rows (the notifications module renders them; the link and code jobs are sealed, so their
// secrets are read from the e-mails on the local SMTP sink), the re-created identity's invitation on the sink too.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '@hearth/kernel/testing/smtp-sink'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { verifyAccountSecret } from '../src/modules/account/account-secrets.ts'
import { seedQa } from '../seeds/qa.ts'
import { providerSub, QA_PASSWORD, seededProviderId } from '../seeds/qa-staff.ts'
import { bearer, providerToken, staffToken } from './tokens.ts'

let testApp: TestApp<CompactConnectConfig>
let siteverify: Server
let sink: SmtpSink
let nextAddress = 1
const INITIATE_MIN_MS = 120
const VERIFY_MIN_MS = 80
const PROCESSED = { message: 'request processed' }

const theo = (overrides: Record<string, unknown> = {}) => ({
  username: 'Theo.Marsh@example.org',
  password: QA_PASSWORD,
  compact: 'aslp',
  jurisdiction: 'oh',
  givenName: 'theo',
  familyName: 'MARSH',
  dob: '1979-11-02',
  partialSocial: '1002',
  licenseType: 'speech-language pathologist',
  recaptchaToken: 'good-token',
  ...overrides,
})
const harriet = (overrides: Record<string, unknown> = {}) =>
  theo({ username: 'harriet.quimby@example.org', jurisdiction: 'co', givenName: 'Harriet', familyName: 'Quimby', dob: '1985-03-14', partialSocial: '1001', ...overrides })
const samuel = (overrides: Record<string, unknown> = {}) =>
  theo({ username: 'samuel.okoro@example.org', jurisdiction: 'ky', givenName: 'Samuel', familyName: 'Okoro', dob: '1968-01-30', partialSocial: '1004', licenseType: 'audiologist', ...overrides })

async function call(method: 'POST' | 'PATCH', url: string, payload: unknown, headers: Record<string, string> = {}) {
  const started = Date.now()
  const response = await testApp.app.inject({ method, url, payload: payload as object, headers: { 'x-forwarded-for': `192.0.2.${nextAddress++}`, ...headers } })
  return { status: response.statusCode, body: response.json() as Record<string, unknown>, elapsed: Date.now() - started }
}
const initiate = (body: unknown) => call('POST', '/v1/provider-users/initiateRecovery', body)
const verify = (body: unknown) => call('POST', '/v1/provider-users/verifyRecovery', body)

async function notifications(template: string) {
  const rows = await testApp.database.query<{ payload: Record<string, unknown> & { templateVariables: Record<string, string>; specificEmails: string[] } }>(
    `SELECT payload FROM jobs WHERE name = 'notification.send' ORDER BY id`,
  )
  return rows.map((row) => row.payload).filter((payload) => payload.template === template)
}

/** The sealed (or, once sent, erased) `notification.send` rows: the recovery-link and e-mail-code jobs. */
async function sealedNotifications() {
  return testApp.database.query<{ raw: string; status: string }>(
    `SELECT payload::text AS raw, status FROM jobs WHERE name = 'notification.send' AND (payload ? '$sealed' OR payload ? '$erased') ORDER BY id`,
  )
}

const isRecoveryMail = (to: string) => (mail: ReceivedMail) => mail.to.includes(to) && mail.text.includes('/Dashboard/MfaRecovery?')
const isCodeMail = (to: string) => (mail: ReceivedMail) => mail.to.includes(to) && mail.subject === 'Verify your new email address'

/** The `count`-th mail matching `match` as the sink received it (waits for the job worker). */
async function nthMail(match: (mail: ReceivedMail) => boolean, count = 1): Promise<ReceivedMail> {
  await sink.waitFor(() => sink.messages.filter(match).length >= count, 10_000)
  return sink.messages.filter(match)[count - 1]!
}

/** The recovery link's query (`compact`, `providerId`, `recoveryToken`) of an e-mail. */
function recoveryQuery(mail: ReceivedMail): Record<string, string> {
  const url = /(http\S+\/Dashboard\/MfaRecovery\?\S+)/.exec(mail.text)![1]!
  return Object.fromEntries(new URL(url).searchParams)
}

const codeOf = (mail: ReceivedMail) => /^(\d{4})$/m.exec(mail.text)![1]!

async function jobsSettled() {
  for (let i = 0; i < 200; i += 1) {
    const [open] = await testApp.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued', 'running')`)
    if (open!.n === 0) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('jobs did not settle')
}

async function providerRow(n: number) {
  const [row] = await testApp.database.query<Record<string, unknown>>(
    `SELECT recovery_token, recovery_expiry, pending_email_address, email_verification_code, email_verification_expiry, compact_connect_registered_email_address FROM providers WHERE provider_id = $1`,
    [seededProviderId(n)],
  )
  return row!
}

describe('account recovery and e-mail change (§4.5)', () => {
  before(async () => {
    siteverify = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ success: new URLSearchParams(body).get('response') === 'good-token' }))
      })
    })
    await new Promise<void>((resolve) => siteverify.listen(0, '127.0.0.1', resolve))
    sink = await startSmtpSink()
    testApp = await buildTestApp(compactConnect, {
      env: {
        CC_RECAPTCHA_ENABLED: 'true',
        CC_RECAPTCHA_VERIFY_URL: `http://127.0.0.1:${(siteverify.address() as AddressInfo).port}/siteverify`,
        CC_TRUST_PROXY: 'true',
        CC_RECOVERY_INITIATE_MIN_MS: String(INITIATE_MIN_MS),
        CC_RECOVERY_VERIFY_MIN_MS: String(VERIFY_MIN_MS),
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

  describe('initiate', () => {
    test('matching details, registered e-mail and password: a hashed 15-minute token, and the link e-mailed to the registered address', async () => {
      const response = await initiate(theo())
      assert.deepEqual([response.status, response.body], [200, PROCESSED])
      assert.ok(response.elapsed >= INITIATE_MIN_MS - 5)
      const mail = await nthMail(isRecoveryMail('theo.marsh@example.org'))
      assert.deepEqual(mail.to, ['theo.marsh@example.org'])
      const query = recoveryQuery(mail)
      assert.deepEqual({ ...query, recoveryToken: undefined }, { compact: 'aslp', providerId: seededProviderId(2), recoveryToken: undefined })
      const token = query.recoveryToken!
      assert.match(token, /^[A-Za-z0-9_-]{43}$/, 'URL-safe')
      const row = await providerRow(2)
      assert.notEqual(row.recovery_token, token)
      assert.match(row.recovery_token as string, /^\$argon2id\$/)
      assert.ok(await verifyAccountSecret(token, row.recovery_token as string), 'stored as an argon2 hash of the token')
      // The outbox never held the token in clear, and holds nothing of the message once it is sent.
      const sealed = await sealedNotifications()
      assert.equal(sealed.length, 1)
      assert.ok(!sealed[0]!.raw.includes(token) && !sealed[0]!.raw.includes('theo.marsh'))
      await jobsSettled()
      assert.deepEqual(
        (await sealedNotifications()).map((job) => [job.status, JSON.parse(job.raw)]),
        [['done', { $erased: true }]],
      )
      const minutes = (new Date(row.recovery_expiry as string).getTime() - Date.now()) / 60_000
      assert.ok(minutes > 14 && minutes <= 15, `${minutes}`)
    })

    test('every failure answers the same 200 and sends nothing', async () => {
      const before = (await sealedNotifications()).length
      const failures = [
        harriet({ password: 'not-the-password' }),
        harriet({ username: 'someone.else@example.org' }),
        harriet({ recaptchaToken: 'bad-token' }),
        harriet({ dob: '1985-03-15' }),
        harriet({ licenseType: 'audiologist' }),
        harriet({ compact: 'zzz' }),
        harriet({ password: 'short' }),
        harriet({ partialSocial: 1001 }),
        harriet({ extra: true }),
        { username: 'harriet.quimby@example.org' },
        // Amara (P6) has not registered.
        theo({ username: 'amara@example.org', jurisdiction: 'ky', givenName: 'Amara', familyName: 'Nwosu', dob: '1994-05-17', partialSocial: '1006' }),
      ]
      for (const body of failures) {
        const response = await initiate(body)
        assert.deepEqual([response.status, response.body], [200, PROCESSED], JSON.stringify(body))
        assert.ok(response.elapsed >= INITIATE_MIN_MS - 5)
      }
      assert.equal((await sealedNotifications()).length, before)
      assert.equal((await providerRow(1)).recovery_token, null)
    })

    test('more than 3 initiations per provider in an hour are ignored', async () => {
      const before = (await sealedNotifications()).length
      // Harriet's failures above that matched her license counted (wrong password, wrong username, bad type of body do not).
      for (let i = 0; i < 3; i += 1) await initiate(samuel())
      assert.equal((await sealedNotifications()).length, before + 3)
      assert.deepEqual((await initiate(samuel())).body, PROCESSED)
      assert.equal((await sealedNotifications()).length, before + 3)
      await nthMail(isRecoveryMail('samuel.okoro@example.org'), 3)
    })
  })

  describe('verify', () => {
    test('reCAPTCHA failure is 403; malformed bodies are 400', async () => {
      const response = await verify({ compact: 'aslp', providerId: seededProviderId(2), recoveryToken: 'x', recaptchaToken: 'bad-token' })
      assert.equal(response.status, 403)
      assert.ok(response.elapsed >= VERIFY_MIN_MS - 5)
      assert.equal((await verify({ compact: 'aslp', providerId: 'not-a-uuid', recoveryToken: 'x', recaptchaToken: 'good-token' })).status, 400)
      assert.equal((await verify({ compact: 'aslp', providerId: seededProviderId(2), recaptchaToken: 'good-token' })).status, 400)
    })

    test('a wrong token is 400; the right one re-creates the login without MFA and e-mails a new invitation; a third try in 15 minutes is 429', async () => {
      const token = recoveryQuery(await nthMail(isRecoveryMail('theo.marsh@example.org'))).recoveryToken!
      // Theo had an authenticator and a refresh token.
      const identities = testApp.app.compactConnect.repositories.identities
      await identities.startMfaEnrolment(testApp.database.db, providerSub(2), 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')
      await identities.acceptMfaStep(testApp.database.db, providerSub(2), 1)
      // Another token of the same shape (the first character changed: the last one of base64url carries only a few bits).
      const otherToken = `${token.startsWith('A') ? 'B' : 'A'}${token.slice(1)}`
      const wrong = await verify({ compact: 'aslp', providerId: seededProviderId(2), recoveryToken: otherToken, recaptchaToken: 'good-token' })
      assert.deepEqual([wrong.status, wrong.body], [400, { message: 'Invalid or expired recovery link' }])
      const ok = await verify({ compact: 'aslp', providerId: seededProviderId(2), recoveryToken: token, recaptchaToken: 'good-token' })
      assert.deepEqual([ok.status, ok.body], [200, PROCESSED])
      const identity = await identities.byUsername(testApp.database.db, 'provider', 'theo.marsh@example.org')
      assert.ok(identity)
      assert.notEqual(identity.sub, providerSub(2), 'a new login')
      assert.equal(identity.status, 'FORCE_CHANGE_PASSWORD')
      assert.deepEqual(identity.attributes, { 'custom:compact': 'aslp', 'custom:providerId': seededProviderId(2) })
      assert.equal(await identities.mfa(testApp.database.db, providerSub(2)), undefined)
      assert.equal(await identities.mfa(testApp.database.db, identity.sub), undefined)
      const row = await providerRow(2)
      assert.deepEqual([row.recovery_token, row.recovery_expiry], [null, null])
      // The new invitation (the recovery link sent before it is another message).
      const mail = await sink.waitFor((message) => message.to.includes('theo.marsh@example.org') && /Temporary password/.test(message.text), 10_000)
      assert.match(mail.text, /Temporary password: \S{16}/)
      const limited = await verify({ compact: 'aslp', providerId: seededProviderId(2), recoveryToken: token, recaptchaToken: 'good-token' })
      assert.equal(limited.status, 429)
    })

    test('a provider without a pending recovery, or an expired token, is 400 (and an expired one is cleared)', async () => {
      assert.deepEqual((await verify({ compact: 'aslp', providerId: seededProviderId(3), recoveryToken: 'anything', recaptchaToken: 'good-token' })).body, {
        message: 'Invalid or expired recovery link',
      })
      await initiate(theo({ username: 'rosa.delgado@example.org', jurisdiction: 'ne', givenName: 'Rosa', familyName: 'Delgado', dob: '1990-07-22', partialSocial: '1003' }))
      const notice = recoveryQuery(await nthMail(isRecoveryMail('rosa.delgado@example.org')))
      assert.equal(notice.providerId, seededProviderId(3))
      await testApp.database.query(`UPDATE providers SET recovery_expiry = now() - interval '1 minute' WHERE provider_id = $1`, [seededProviderId(3)])
      const expired = await verify({ compact: 'aslp', providerId: seededProviderId(3), recoveryToken: notice.recoveryToken, recaptchaToken: 'good-token' })
      assert.deepEqual([expired.status, expired.body], [400, { message: 'Invalid or expired recovery link' }])
      assert.equal((await providerRow(3)).recovery_token, null)
    })
  })

  describe('e-mail change', () => {
    const harrietToken = () => providerToken(testApp.app, { compact: 'aslp', providerId: seededProviderId(1), sub: providerSub(1), email: 'harriet.quimby@example.org' })
    const change = async (payload: unknown, token?: string) => call('PATCH', '/v1/provider-users/me/email', payload, token === undefined ? {} : bearer(token))
    const confirm = async (payload: unknown, token?: string) => call('POST', '/v1/provider-users/me/email/verify', payload, token === undefined ? {} : bearer(token))

    test('only practitioners: anonymous and staff tokens are 401; malformed bodies 400', async () => {
      assert.equal((await change({ newEmailAddress: 'h@example.org' })).status, 401)
      const staff = await staffToken(testApp.app, { scopes: ['aslp/admin'] })
      assert.equal((await change({ newEmailAddress: 'h@example.org' }, staff)).status, 401)
      assert.equal((await confirm({ verificationCode: '1234' }, staff)).status, 401)
      const token = await harrietToken()
      assert.equal((await change({ newEmailAddress: 'not an address' }, token)).status, 400)
      assert.equal((await change({ newEmailAddress: 'h@example.org', extra: 1 }, token)).status, 400)
      assert.equal((await confirm({ verificationCode: '12a4' }, token)).status, 400)
      assert.equal((await confirm({ verificationCode: 1234 }, token)).status, 400)
    })

    test('an address already in the provider pool is 400; verifying with nothing pending is 400', async () => {
      const token = await harrietToken()
      assert.deepEqual((await change({ newEmailAddress: 'SAMUEL.okoro@example.org' }, token)).body, { message: 'Email address is already in use' })
      assert.deepEqual((await confirm({ verificationCode: '1234' }, token)).body, { message: 'No email change is pending' })
    })

    test('a 4-digit code goes to the new address; the right code moves login and registered address together and tells the old address', async () => {
      const token = await harrietToken()
      const response = await change({ newEmailAddress: 'harriet.new@example.org' }, token)
      assert.deepEqual([response.status, response.body], [200, { message: 'Verification code sent to new email address' }])
      const mail = await nthMail(isCodeMail('harriet.new@example.org'))
      assert.deepEqual(mail.to, ['harriet.new@example.org'])
      const code = codeOf(mail)
      assert.ok(Number(code) >= 1000 && Number(code) <= 9999)
      const row = await providerRow(1)
      assert.equal(row.pending_email_address, 'harriet.new@example.org')
      assert.notEqual(row.email_verification_code, code, 'kept hashed')
      assert.match(row.email_verification_code as string, /^\$argon2id\$/)
      assert.ok(
        (await sealedNotifications()).every((job) => !job.raw.includes('harriet.new')),
        'the code job is sealed',
      )
      const wrong = code === '1000' ? '1001' : '1000'
      assert.deepEqual((await confirm({ verificationCode: wrong }, token)).body, { message: 'Invalid verification code' })
      const ok = await confirm({ verificationCode: code }, token)
      assert.deepEqual([ok.status, ok.body], [200, { message: 'Email address updated successfully' }])
      const after = await providerRow(1)
      assert.equal(after.compact_connect_registered_email_address, 'harriet.new@example.org')
      assert.deepEqual([after.pending_email_address, after.email_verification_code, after.email_verification_expiry], [null, null, null])
      const identities = testApp.app.compactConnect.repositories.identities
      assert.equal((await identities.bySub(testApp.database.db, 'provider', providerSub(1)))!.username, 'harriet.new@example.org')
      assert.equal(await identities.byUsername(testApp.database.db, 'provider', 'harriet.quimby@example.org'), undefined)
      const [changed] = await notifications('providerEmailChangeNotification')
      assert.deepEqual(changed!.specificEmails, ['harriet.quimby@example.org'])
      assert.deepEqual(changed!.templateVariables, { newEmailAddress: 'harriet.new@example.org' })
      const [update] = await testApp.database.query<{ updated_values: Record<string, unknown>; previous: Record<string, unknown> }>(
        `SELECT updated_values, previous FROM update_records WHERE provider_id = $1 AND update_type = 'emailChange'`,
        [seededProviderId(1)],
      )
      assert.deepEqual(update!.updated_values, { compactConnectRegisteredEmailAddress: 'harriet.new@example.org' })
      assert.equal(update!.previous.compactConnectRegisteredEmailAddress, 'harriet.quimby@example.org')
      assert.equal(update!.previous.emailVerificationCode, undefined)
    })

    test('an expired code is 400 and clears the pending change; too many wrong codes are 429', async () => {
      const token = await providerToken(testApp.app, { compact: 'aslp', providerId: seededProviderId(4), sub: providerSub(4), email: 'samuel.okoro@example.org' })
      await change({ newEmailAddress: 'samuel.new@example.org' }, token)
      await testApp.database.query(`UPDATE providers SET email_verification_expiry = now() - interval '1 second' WHERE provider_id = $1`, [seededProviderId(4)])
      assert.deepEqual((await confirm({ verificationCode: '1234' }, token)).body, { message: 'Verification code has expired' })
      assert.equal((await providerRow(4)).pending_email_address, null)
      await change({ newEmailAddress: 'samuel.new@example.org' }, token)
      const code = codeOf(await nthMail(isCodeMail('samuel.new@example.org'), 2))
      const wrong = code === '1000' ? '1001' : '1000'
      for (let i = 0; i < 5; i += 1) assert.equal((await confirm({ verificationCode: wrong }, token)).status, 400)
      assert.equal((await confirm({ verificationCode: code }, token)).status, 429)
    })

    test('a database failure after the login update is a 500 and leaves login and registered address as they were', async () => {
      const [registered] = await testApp.database.query<{ email: string }>('SELECT compact_connect_registered_email_address AS email FROM providers WHERE provider_id = $1', [seededProviderId(2)])
      const token = await providerToken(testApp.app, { compact: 'aslp', providerId: seededProviderId(2), sub: providerSub(2), email: registered!.email })
      await change({ newEmailAddress: 'p2.new@example.org' }, token)
      const code = codeOf(await nthMail(isCodeMail('p2.new@example.org'), 1))
      const accounts = testApp.app.compactConnect.repositories.accounts
      const original = accounts.insertProviderUpdate.bind(accounts)
      accounts.insertProviderUpdate = async () => {
        throw new Error('simulated database failure')
      }
      try {
        assert.equal((await confirm({ verificationCode: code }, token)).status, 500)
      } finally {
        accounts.insertProviderUpdate = original
      }
      const identities = testApp.app.compactConnect.repositories.identities
      assert.ok(await identities.byUsername(testApp.database.db, 'provider', registered!.email), 'the login keeps its address')
      assert.equal(await identities.byUsername(testApp.database.db, 'provider', 'p2.new@example.org'), undefined)
      const row = await providerRow(2)
      assert.equal(row.compact_connect_registered_email_address, registered!.email)
      assert.equal(row.pending_email_address, 'p2.new@example.org', 'the pending change is still there to retry')
    })

    test('an address taken between the request and the verification is 400 and nothing changes', async () => {
      const token = await providerToken(testApp.app, { compact: 'aslp', providerId: seededProviderId(3), sub: providerSub(3), email: 'rosa.delgado@example.org' })
      await change({ newEmailAddress: 'rosa.new@example.org' }, token)
      const code = codeOf(await nthMail(isCodeMail('rosa.new@example.org')))
      await testApp.app.compactConnect.services.identity.createIdentity({
        sub: '0f000000-0000-4000-8000-000000000001',
        pool: 'provider',
        username: 'rosa.new@example.org',
        email: 'rosa.new@example.org',
      })
      assert.deepEqual((await confirm({ verificationCode: code }, token)).body, { message: 'Email address is already in use' })
      assert.equal((await providerRow(3)).compact_connect_registered_email_address, 'rosa.delgado@example.org')
    })
  })
})
