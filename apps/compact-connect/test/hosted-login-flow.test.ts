// The hosted login's steps after the password (§4.14, Decisions): an invited identity signs in with the e-mailed
// temporary password and must choose a new one (12 characters at least); staff enrol a TOTP authenticator at the
// first sign-in and give a code every time (practitioners only once they have one); the forgotten-password flow
// (a 6-digit code by e-mail: hashed, single use, five wrong guesses). Mail goes through the `mail.send` job to a
// local SMTP sink. The Chromium test (browser.test.ts) drives the same pages in a real browser.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { eq } from '@hearth/kernel'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import { startSmtpSink, type SmtpSink } from '@hearth/kernel/testing/smtp-sink'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { identityCodes, identityMfa } from '../src/db/schema.ts'
import { totpCode } from '../src/auth/totp.ts'
import { seedQa } from '../seeds/qa.ts'
import { QA_PASSWORD, staffSub } from '../seeds/qa-staff.ts'

let testApp: TestApp<CompactConnectConfig>
let sink: SmtpSink
const REDIRECT = 'http://localhost:3018/auth/callback'

function loginFields(pool: 'staff' | 'provider') {
  const verifier = randomBytes(32).toString('base64url')
  return {
    verifier,
    fields: {
      client_id: testApp.config.auth.pools[pool].clientId,
      redirect_uri: REDIRECT,
      state: 'st-1',
      scope: 'openid email profile',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    },
  }
}

async function post(pool: 'staff' | 'provider', path: string, form: Record<string, string>) {
  const response = await testApp.app.inject({
    method: 'POST',
    url: `/auth/${pool}${path}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  })
  const html = response.body
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]
  return {
    status: response.statusCode,
    html,
    location: response.headers.location as string | undefined,
    session: field('session'),
    error: /id="error">([^<]*)</.exec(html)?.[1]?.replace(/&#39;/g, "'"),
    secret: /id="totp-secret">([^<]*)</.exec(html)?.[1],
    has: (id: string) => html.includes(`id="${id}"`),
  }
}

/** Redeems the authorization code of a finished sign-in; the token set's status. */
async function redeem(pool: 'staff' | 'provider', location: string, verifier: string) {
  const code = new URL(location).searchParams.get('code')!
  const response = await testApp.app.inject({
    method: 'POST',
    url: `/auth/${pool}/oauth2/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'authorization_code', client_id: testApp.config.auth.pools[pool].clientId, code, redirect_uri: REDIRECT, code_verifier: verifier }).toString(),
  })
  return { status: response.statusCode, body: response.json() as Record<string, string> }
}

async function invite(email: string) {
  const admin = await testApp.app.compactConnect.services.identity.qaToken('staff', { sub: staffSub(1) })
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/v1/compacts/aslp/staff-users',
    headers: { authorization: `Bearer ${admin.token}` },
    payload: { attributes: { email, givenName: 'New', familyName: 'Staffer' }, permissions: { aslp: { jurisdictions: { oh: { actions: { write: true } } } } } },
  })
  assert.equal(response.statusCode, 200, response.body)
  return (await response.json()) as { userId: string }
}

/** The `mail.send` rows as stored (the kernel seals the secret-bearing ones). */
const mailOutbox = () => testApp.database.query<{ raw: string; status: string }>(`SELECT payload::text AS raw, status FROM jobs WHERE name = 'mail.send' ORDER BY id`)

async function mailJobsSettled() {
  for (let i = 0; i < 200; i += 1) {
    if ((await mailOutbox()).every((job) => job.status === 'done' || job.status === 'failed')) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('mail jobs did not settle')
}

const temporaryPasswordOf = (text: string) => /Temporary password: (\S+)/.exec(text)?.[1]

describe('hosted login steps (new password, TOTP, forgotten password)', () => {
  before(async () => {
    sink = await startSmtpSink()
    testApp = await buildTestApp(compactConnect, { env: { SMTP_URL: sink.url, JOB_POLL_INTERVAL_MS: '50' } })
    await seedQa(testApp.app.compactConnect)
  })
  after(async () => {
    await testApp.close()
    await sink.close()
  })

  test('a staff invitation e-mails the temporary password once; it forces a new password, then TOTP enrolment, then a code', async () => {
    const email = 'first.login@example.org'
    const { userId } = await invite(email)
    const mail = await sink.waitFor((message) => message.to.includes(email), 10_000)
    assert.equal(mail.subject, 'Welcome to CompactConnect')
    assert.match(mail.text, /testing environment/)
    assert.match(mail.text, new RegExp(`username is ${email.replace('.', '\\.')}`))
    const temporary = temporaryPasswordOf(mail.text)
    assert.ok(temporary && temporary.length >= 12)
    // Kept hashed only.
    const [stored] = await testApp.database.db.select().from(identityCodes).where(eq(identityCodes.sub, userId))
    assert.equal(stored!.purpose, 'temporary-password')
    assert.ok(!stored!.codeHash.includes(temporary))
    // The outbox never held it in clear (sealed), and holds nothing of the message once it is sent (erased).
    assert.ok((await mailOutbox()).every((job) => !job.raw.includes(temporary) && !job.raw.includes(email)))
    await mailJobsSettled()
    assert.ok((await mailOutbox()).every((job) => job.raw === '{"$erased": true}'))

    const { fields, verifier } = loginFields('staff')
    assert.equal((await post('staff', '/login', { ...fields, username: email, password: 'wrong-password-1' })).error, 'Incorrect username or password.')
    const step1 = await post('staff', '/login', { ...fields, username: email.toUpperCase(), password: temporary })
    assert.equal(step1.status, 200)
    assert.ok(step1.has('new-password') && step1.session)
    const short = await post('staff', '/login/challenge', { ...fields, session: step1.session, new_password: 'eleven-char', confirm_password: 'eleven-char' })
    assert.equal(short.status, 400)
    assert.equal(short.error, 'Password must have at least 12 characters.')
    const mismatch = await post('staff', '/login/challenge', { ...fields, session: step1.session, new_password: 'twelve-chars-1', confirm_password: 'twelve-chars-2' })
    assert.equal(mismatch.error, 'The passwords do not match.')
    const step2 = await post('staff', '/login/challenge', { ...fields, session: step1.session, new_password: 'my-new-password-1', confirm_password: 'my-new-password-1' })
    assert.equal(step2.status, 200)
    assert.ok(step2.secret && /^[A-Z2-7]{32}$/.test(step2.secret), 'the key is shown as text')
    assert.ok(step2.html.includes('<svg'), 'and as a QR code')
    assert.equal((await post('staff', '/login/challenge', { ...fields, session: step2.session!, code: '12345' })).error, 'Invalid code. Please try again.')
    const done = await post('staff', '/login/challenge', { ...fields, session: step2.session!, code: totpCode(step2.secret!) })
    assert.equal(done.status, 302)
    assert.equal(new URL(done.location!).searchParams.get('state'), 'st-1')
    assert.equal((await redeem('staff', done.location!, verifier)).status, 200)
    // The session is spent.
    assert.equal((await post('staff', '/login/challenge', { ...fields, session: step2.session!, code: totpCode(step2.secret!) })).error, 'Your session has expired. Please sign in again.')

    // The temporary password no longer works; the new one does, and a code is owed every time (a used code never again).
    assert.equal((await post('staff', '/login', { ...fields, username: email, password: temporary })).error, 'Incorrect username or password.')
    const again = await post('staff', '/login', { ...fields, username: email, password: 'my-new-password-1' })
    assert.ok(again.has('code') && !again.secret, 'no new enrolment')
    assert.equal((await post('staff', '/login/challenge', { ...fields, session: again.session!, code: totpCode(step2.secret!) })).error, 'Invalid code. Please try again.')
    const next = await post('staff', '/login/challenge', { ...fields, session: again.session!, code: totpCode(step2.secret!, Date.now() + 30_000) })
    assert.equal(next.status, 302)
    assert.equal(sink.messages.filter((message) => message.to.includes(email)).length, 1)
  })

  test('five wrong answers end the session', async () => {
    const { fields } = loginFields('staff')
    const start = await post('staff', '/login', { ...fields, username: 'owen.barnes@example.org', password: QA_PASSWORD })
    assert.ok(start.secret)
    for (let i = 0; i < 4; i += 1) assert.equal((await post('staff', '/login/challenge', { ...fields, session: start.session!, code: '000000' })).error, 'Invalid code. Please try again.')
    const last = await post('staff', '/login/challenge', { ...fields, session: start.session!, code: '000000' })
    assert.equal(last.error, 'Too many attempts. Please sign in again.')
    assert.ok(last.has('password'), 'back to the login page')
    assert.equal((await post('staff', '/login/challenge', { ...fields, session: start.session!, code: totpCode(start.secret!) })).error, 'Your session has expired. Please sign in again.')
  })

  test('a practitioner without an authenticator gets the code after the password', async () => {
    const { fields, verifier } = loginFields('provider')
    const done = await post('provider', '/login', { ...fields, username: 'theo.marsh@example.org', password: QA_PASSWORD })
    assert.equal(done.status, 302)
    assert.equal((await redeem('provider', done.location!, verifier)).status, 200)
  })

  test('reinvite e-mails a new temporary password; the old password stops working', async () => {
    const admin = await testApp.app.compactConnect.services.identity.qaToken('staff', { sub: staffSub(1) })
    const response = await testApp.app.inject({ method: 'POST', url: `/v1/compacts/aslp/staff-users/${staffSub(5)}/reinvite`, headers: { authorization: `Bearer ${admin.token}` } })
    assert.deepEqual(response.json(), { message: 'User reinvited' })
    const mail = await sink.waitFor((message) => message.to.includes('sasha.evans@example.org'), 10_000)
    const temporary = temporaryPasswordOf(mail.text)!
    const { fields } = loginFields('staff')
    assert.equal((await post('staff', '/login', { ...fields, username: 'sasha.evans@example.org', password: QA_PASSWORD })).error, 'Incorrect username or password.')
    assert.ok((await post('staff', '/login', { ...fields, username: 'sasha.evans@example.org', password: temporary })).has('new-password'))
  })

  test('forgotten password: a code by e-mail resets the password once; wrong codes are counted; unknown users get the same page', async () => {
    const { fields, verifier } = loginFields('provider')
    const email = 'rosa.delgado@example.org'
    const page = await post('provider', '/forgotPassword', { ...fields, username: email })
    assert.equal(page.status, 200)
    assert.ok(page.has('code') && page.has('new-password'))
    const unknown = await post('provider', '/forgotPassword', { ...fields, username: 'nobody@example.org' })
    assert.equal(unknown.html.replace('nobody@example.org', email), page.html, 'no account enumeration')
    const mail = await sink.waitFor((message) => message.to.includes(email) && message.subject === 'Reset your CompactConnect password', 10_000)
    const code = /Verification code: ([0-9]{6})/.exec(mail.text)![1]!
    assert.ok(
      (await mailOutbox()).every((job) => !job.raw.includes(`Verification code: ${code}`)),
      'the reset code rests sealed',
    )
    const wrong = code === '000000' ? '111111' : '000000'
    const refused = await post('provider', '/confirmForgotPassword', { ...fields, username: email, code: wrong, new_password: 'rosa-new-password', confirm_password: 'rosa-new-password' })
    assert.equal(refused.status, 400)
    assert.equal(refused.error, 'Invalid verification code provided, please try again.')
    const ok = await post('provider', '/confirmForgotPassword', { ...fields, username: email, code, new_password: 'rosa-new-password', confirm_password: 'rosa-new-password' })
    assert.equal(ok.status, 200)
    assert.ok(ok.html.includes('Your password has been reset.'))
    const reused = await post('provider', '/confirmForgotPassword', { ...fields, username: email, code, new_password: 'another-password', confirm_password: 'another-password' })
    assert.equal(reused.error, 'Invalid verification code provided, please try again.')
    const signedIn = await post('provider', '/login', { ...fields, username: email, password: 'rosa-new-password' })
    assert.equal(signedIn.status, 302)
    assert.equal((await redeem('provider', signedIn.location!, verifier)).status, 200)
  })

  test('a reset code dies after five wrong guesses', async () => {
    const { fields } = loginFields('provider')
    const email = 'samuel.okoro@example.org'
    await post('provider', '/forgotPassword', { ...fields, username: email })
    const mail = await sink.waitFor((message) => message.to.includes(email), 10_000)
    const code = /Verification code: ([0-9]{6})/.exec(mail.text)![1]!
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 0; i < 5; i += 1)
      await post('provider', '/confirmForgotPassword', { ...fields, username: email, code: wrong, new_password: 'samuel-new-password', confirm_password: 'samuel-new-password' })
    const late = await post('provider', '/confirmForgotPassword', { ...fields, username: email, code, new_password: 'samuel-new-password', confirm_password: 'samuel-new-password' })
    assert.equal(late.error, 'Invalid verification code provided, please try again.')
  })

  test('a page without a valid login request is refused', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/auth/staff/forgotPassword?response_type=code&client_id=nope' })
    assert.equal(response.statusCode, 400)
    const challenge = await post('staff', '/login/challenge', { ...loginFields('staff').fields })
    assert.equal(challenge.status, 400)
    assert.match(challenge.html, /session is required/)
  })

  test('the MFA rows hold no plaintext beyond the TOTP key itself', async () => {
    const rows = await testApp.database.db.select().from(identityMfa)
    assert.ok(rows.length >= 1)
    for (const row of rows) assert.ok(row.confirmedAt === null || typeof row.lastStep === 'number')
  })
})
