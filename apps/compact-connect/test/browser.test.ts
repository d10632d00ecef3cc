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
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { seedQa } from '../seeds/qa.ts'
import { QA_PASSWORD } from '../seeds/qa-staff.ts'

describe('signing in through the hosted login from the web app, in Chromium', { skip: browserSkip() }, () => {
  let testApp: TestApp<CompactConnectConfig>
  let apiUrl: string
  let page: Server
  let pageUrl: string
  let browser: Awaited<ReturnType<typeof launchChromium>>

  before(async () => {
    page = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end('<!doctype html><title>CompactConnect web app</title>')
    })
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve))
    pageUrl = `http://localhost:${(page.address() as AddressInfo).port}`
    testApp = await buildTestApp(compactConnect, { env: { ALLOWED_ORIGINS: pageUrl } })
    await seedQa(testApp.app.compactConnect)
    await testApp.app.listen({ host: '127.0.0.1', port: 0 })
    apiUrl = `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    if (page?.listening) await new Promise((resolve) => page.close(resolve))
    await testApp?.close()
  })

  async function signIn(pool: 'staff' | 'provider', username: string) {
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
    await tab.fill('#password', QA_PASSWORD)
    await Promise.all([tab.waitForURL(`${redirectUri}?**`), tab.click('#sign-in')])
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
