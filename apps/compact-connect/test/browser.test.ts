// The web app's sign-in through the hosted login, in headless Chromium (the kernel's browser kit): a page on another
// origin sends the browser to {authDomain}/login with PKCE S256, the user fills the login page, the code comes back
// to the page, which redeems it cross-origin at {authDomain}/oauth2/token and calls the API with the tokens (staff:
// the access token; practitioners: the ID token). Skipped with the reason when Chromium is missing locally.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { browserSkip, launchChromium } from '@hearth/kernel/testing/browser'
import { startSmtpSink, type SmtpSink } from '@hearth/kernel/testing/smtp-sink'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedQa } from '../seeds/qa.ts'
import { QA_PASSWORD, staffSub } from '../seeds/qa-staff.ts'
import { totpCode } from '../src/auth/totp.ts'

describe('signing in through the hosted login from the web app, in Chromium', { skip: browserSkip() }, () => {
  let testApp: TestApp<CompactConnectConfig>
  let apiUrl: string
  let page: Server
  let pageUrl: string
  let browser: Awaited<ReturnType<typeof launchChromium>>
  let sink: SmtpSink
  /** The TOTP secret each staff user enrolled during these tests (staff MFA is required). */
  const authenticators = new Map<string, string>()
  const codesUsed = new Map<string, number>()

  before(async () => {
    page = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end('<!doctype html><title>CompactConnect web app</title>')
    })
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve))
    pageUrl = `http://localhost:${(page.address() as AddressInfo).port}`
    sink = await startSmtpSink()
    testApp = await buildTestApp(compactConnect, { env: { ALLOWED_ORIGINS: pageUrl, SMTP_URL: sink.url, JOB_POLL_INTERVAL_MS: '50' } })
    await seedQa(testApp.app.compactConnect)
    await testApp.app.listen({ host: '127.0.0.1', port: 0 })
    apiUrl = `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    if (page?.listening) await new Promise((resolve) => page.close(resolve))
    await testApp?.close()
    await sink?.close()
  })

  /**
   * After the password, staff owe a TOTP code: the first time they enrol (the page shows the key), later they type
   * the current code. A code for the next 30-second step is used, so two sign-ins within one step still work.
   */
  async function answerMfa(tab: import('playwright-core').Page, username: string) {
    await tab.waitForSelector('#code')
    if (await tab.$('#totp-secret')) {
      assert.equal(authenticators.has(username), false, 'enrolment is only asked once')
      assert.ok(await tab.$('#totp-qr svg'), 'the QR code is shown')
      authenticators.set(username, (await tab.textContent('#totp-secret'))!.trim())
    }
    const secret = authenticators.get(username)
    assert.ok(secret, 'a code is asked only of an enrolled user')
    // Each accepted code's step is spent (no replay): a second sign-in uses the next step's code (within the ±1 window).
    const uses = codesUsed.get(username) ?? 0
    codesUsed.set(username, uses + 1)
    await tab.fill('#code', totpCode(secret, Date.now() + 30_000 * uses))
  }

  function loginQuery(pool: 'staff' | 'provider') {
    const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url')
    return new URLSearchParams({
      response_type: 'code',
      client_id: testApp.config.auth.pools[pool].clientId,
      redirect_uri: `${pageUrl}/callback`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString()
  }

  async function signIn(pool: 'staff' | 'provider', username: string, password = QA_PASSWORD, beforeCode?: (tab: import('playwright-core').Page) => Promise<void>) {
    const clientId = testApp.config.auth.pools[pool].clientId
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const redirectUri = `${pageUrl}/callback`
    const state = randomBytes(8).toString('hex')
    const login = new URL(`${apiUrl}/auth/${pool}/login`)
    for (const [key, value] of Object.entries({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'openid email profile',
    })) {
      login.searchParams.set(key, value)
    }
    const tab = await browser.context.newPage()
    await tab.goto(login.toString())
    await tab.fill('#username', username)
    await tab.fill('#password', password)
    if (pool === 'staff' || beforeCode) {
      await tab.click('#sign-in')
      if (beforeCode) await beforeCode(tab)
      await answerMfa(tab, username)
      await Promise.all([tab.waitForURL(`${redirectUri}?**`), tab.click('#submit')])
    } else {
      await Promise.all([tab.waitForURL(`${redirectUri}?**`), tab.click('#sign-in')])
    }
    const returned = new URL(tab.url())
    assert.equal(returned.searchParams.get('state'), state)
    const code = returned.searchParams.get('code')!
    const tokens = await tab.evaluate(
      async ({ apiUrl, pool, clientId, code, redirectUri, verifier }) => {
        const response = await fetch(`${apiUrl}/auth/${pool}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, code_verifier: verifier }).toString(),
        })
        return { status: response.status, body: await response.json() }
      },
      { apiUrl, pool, clientId, code, redirectUri, verifier },
    )
    return { tab, tokens, clientId, code, redirectUri, verifier }
  }

  test('a staff user signs in and calls the API with the access token', async () => {
    const { tab, tokens, clientId } = await signIn('staff', 'alma.abbott@example.org')
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body))
    assert.equal(tokens.body.token_type, 'Bearer')
    for (const key of ['access_token', 'id_token', 'refresh_token']) assert.equal(typeof tokens.body[key], 'string', key)
    const me = await tab.evaluate(
      async ({ apiUrl, token }) => {
        const response = await fetch(`${apiUrl}/v1/staff-users/me`, { headers: { authorization: `Bearer ${token}`, 'cache-control': 'no-cache' } })
        return { status: response.status, body: await response.json() }
      },
      { apiUrl, token: tokens.body.access_token as string },
    )
    assert.equal(me.status, 200)
    assert.equal(me.body.attributes.email, 'alma.abbott@example.org')
    // The refresh token gives new tokens once, then never again (rotation, single use).
    const refreshed = await tab.evaluate(
      async ({ apiUrl, clientId, refreshToken }) => {
        const results: { status: number; body: Record<string, unknown> }[] = []
        for (let i = 0; i < 2; i += 1) {
          const response = await fetch(`${apiUrl}/auth/staff/oauth2/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }).toString(),
          })
          results.push({ status: response.status, body: await response.json() })
        }
        return results
      },
      { apiUrl, clientId, refreshToken: tokens.body.refresh_token as string },
    )
    assert.equal(refreshed[0]!.status, 200)
    assert.deepEqual([refreshed[1]!.status, refreshed[1]!.body], [400, { error: 'invalid_grant' }])
  })

  test('an invited staff user signs in with the e-mailed temporary password, must choose a new one, enrols TOTP, and then needs a code every time', async () => {
    const admin = await testApp.app.compactConnect.services.identity.qaToken('staff', { sub: staffSub(1) })
    const email = 'ines.invited@example.org'
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/v1/compacts/aslp/staff-users',
      headers: { authorization: `Bearer ${admin.token}` },
      payload: { attributes: { email, givenName: 'Ines', familyName: 'Invited' }, permissions: { aslp: { jurisdictions: { oh: { actions: { write: true } } } } } },
    })
    assert.equal(created.statusCode, 200, created.body)
    const invitation = await sink.waitFor((mail) => mail.to.includes(email), 10_000)
    const temporary = /Temporary password: (\S+)/.exec(invitation.text)?.[1]
    assert.ok(temporary, invitation.text)
    const newPassword = 'a-new-password-for-ines'
    const first = await signIn('staff', email, temporary, async (tab) => {
      await tab.waitForSelector('#new-password')
      // A confirmation that differs is refused on the same page (the 12-character minimum is also the inputs' minlength).
      assert.equal(await tab.getAttribute('#new-password', 'minlength'), '12')
      await tab.fill('#new-password', newPassword)
      await tab.fill('#confirm-password', `${newPassword}-typo`)
      await Promise.all([tab.waitForSelector('#error'), tab.click('#submit')])
      assert.equal(await tab.textContent('#error'), 'The passwords do not match.')
      await tab.fill('#new-password', newPassword)
      await tab.fill('#confirm-password', newPassword)
      await tab.click('#submit')
    })
    assert.equal(first.tokens.status, 200, JSON.stringify(first.tokens.body))
    const me = await first.tab.evaluate(async ({ apiUrl, token }) => (await fetch(`${apiUrl}/v1/staff-users/me`, { headers: { authorization: `Bearer ${token}` } })).json(), {
      apiUrl,
      token: first.tokens.body.access_token as string,
    })
    assert.equal(me.attributes.email, email)
    assert.equal(me.status, 'active')
    // The temporary password is spent; the new one and a TOTP code sign in again.
    const again = await signIn('staff', email, newPassword)
    assert.equal(again.tokens.status, 200)
    const tab = await browser.context.newPage()
    await tab.goto(`${apiUrl}/auth/staff/login?${loginQuery('staff')}`)
    await tab.fill('#username', email)
    await tab.fill('#password', temporary)
    await Promise.all([tab.waitForSelector('#error'), tab.click('#sign-in')])
    assert.equal(await tab.textContent('#error'), 'Incorrect username or password.')
  })

  test('a staff user with an authenticator is refused a wrong code', async () => {
    const tab = await browser.context.newPage()
    await tab.goto(`${apiUrl}/auth/staff/login?${loginQuery('staff')}`)
    await tab.fill('#username', 'alma.abbott@example.org')
    await tab.fill('#password', QA_PASSWORD)
    await tab.click('#sign-in')
    await tab.waitForSelector('#code')
    assert.equal(await tab.$('#totp-secret'), null, 'enrolled already: no new key')
    await tab.fill('#code', '000000')
    await Promise.all([tab.waitForSelector('#error'), tab.click('#submit')])
    assert.equal(await tab.textContent('#error'), 'Invalid code. Please try again.')
  })

  test('a practitioner signs in and calls the API with the ID token; a code is single use', async () => {
    const { tab, tokens, clientId, code, redirectUri, verifier } = await signIn('provider', 'theo.marsh@example.org')
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body))
    const me = await tab.evaluate(
      async ({ apiUrl, token }) => {
        const response = await fetch(`${apiUrl}/v1/provider-users/me`, { headers: { authorization: `Bearer ${token}` } })
        return { status: response.status, body: await response.json() }
      },
      { apiUrl, token: tokens.body.id_token as string },
    )
    assert.equal(me.status, 200)
    assert.equal(me.body.providerId, 'c0000000-0000-4000-8000-000000000002')
    const again = await fetch(`${apiUrl}/auth/provider/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, code_verifier: verifier }).toString(),
    })
    assert.deepEqual([again.status, await again.json()], [400, { error: 'invalid_grant' }])
  })

  test('a wrong password shows the login page again; an error answer is readable cross-origin', async () => {
    const tab = await browser.context.newPage()
    const login = new URL(`${apiUrl}/auth/staff/login`)
    const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url')
    for (const [key, value] of Object.entries({
      response_type: 'code',
      client_id: testApp.config.auth.pools.staff.clientId,
      redirect_uri: `${pageUrl}/callback`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })) {
      login.searchParams.set(key, value)
    }
    await tab.goto(login.toString())
    await tab.fill('#username', 'alma.abbott@example.org')
    await tab.fill('#password', 'not-the-password')
    await Promise.all([tab.waitForSelector('#error'), tab.click('#sign-in')])
    assert.equal(await tab.textContent('#error'), 'Incorrect username or password.')
    const other = await browser.context.newPage()
    await other.goto(pageUrl)
    const refused = await other.evaluate(async (apiUrl) => {
      const response = await fetch(`${apiUrl}/v1/staff-users/me`, { headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' } })
      return { status: response.status, body: await response.json() }
    }, apiUrl)
    assert.deepEqual(refused, { status: 401, body: { message: 'Unauthorized' } })
  })
})
