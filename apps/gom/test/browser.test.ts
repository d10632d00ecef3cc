// What the Gom UI does, in headless Chromium (the kernel's browser kit), from a page Gom itself
// serves (GOM_UI_DIR, one origin): ping, sign in with the CSRF header read from the cookie, GraphQL
// with cookies only, the order subscription over WebSocket (legacy graphql-ws) authenticated by the
// same cookies; and the cookie flags hold (the page reads `session-token` and `csrf-token`, never
// the HttpOnly `session-id`). Skipped with the reason when Chromium is missing locally.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { browserSkip, launchChromium } from '@hearth/kernel/testing/browser'
import { O, U1, startGom, type Gom } from './helpers.ts'

describe('the Gom UI flow in Chromium, same origin', { skip: browserSkip() }, () => {
  let gom: Gom
  let origin: string
  let browser: Awaited<ReturnType<typeof launchChromium>>

  before(async () => {
    const ui = mkdtempSync(join(tmpdir(), 'gom-ui-'))
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Gom UI</title><p>Gom</p>')
    gom = await startGom({ GOM_UI_DIR: ui })
    await gom.app.listen({ host: '127.0.0.1', port: 0 })
    origin = `http://localhost:${(gom.app.server.address() as AddressInfo).port}`
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await gom?.close()
  })

  test('ping, login, query, mutation and the subscription work with cookies only', async () => {
    const tab = await browser.context.newPage()
    // tsx (esbuild keepNames) wraps named functions in the evaluated code with `__name`.
    await tab.addInitScript('window.__name = (target) => target')
    await tab.goto(`${origin}/`)
    assert.equal(await tab.title(), 'Gom UI')

    const signedIn = await tab.evaluate(async () => {
      const cookie = (name: string) =>
        document.cookie
          .split('; ')
          .find((entry) => entry.startsWith(`${name}=`))
          ?.slice(name.length + 1)
      const ping = await fetch('/api/auth/ping')
      const withoutCsrf = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' }),
      })
      const login = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(cookie('csrf-token') ?? '') },
        body: JSON.stringify({ grantType: 'password', username: 'ana.lopez@gom.test', password: 'Ana-QA-pass-1' }),
      })
      const token = cookie('session-token') ?? ''
      const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub: string; permissions: string[] }
      return {
        ping: ping.status,
        withoutCsrf: { status: withoutCsrf.status, body: await withoutCsrf.json() },
        login: { status: login.status, body: await login.json() },
        cookieNames: document.cookie
          .split('; ')
          .map((entry) => entry.split('=')[0])
          .sort(),
        tokenParts: token.split('.').length,
        sub: payload.sub,
        permissions: payload.permissions.length,
      }
    })
    assert.equal(signedIn.ping, 200)
    assert.deepEqual(signedIn.withoutCsrf, { status: 403, body: { statusCode: 403, error: 'EBADCSRFTOKEN', message: 'invalid csrf token' } })
    assert.deepEqual(signedIn.login, { status: 200, body: { nickname: 'ana.lopez', name: 'Ana López', email: 'ana.lopez@gom.test', sub: U1 } })
    assert.deepEqual(signedIn.cookieNames, ['csrf-token', 'session-token'], 'session-id is HttpOnly: the page never sees it')
    assert.equal(signedIn.tokenParts, 2, 'header.payload: the signature stays on the server')
    assert.equal(signedIn.sub, U1)
    assert.equal(signedIn.permissions, 19)

    const cookies = await browser.context.cookies(origin)
    const flags = Object.fromEntries(cookies.map((cookie) => [cookie.name, { httpOnly: cookie.httpOnly, secure: cookie.secure, sameSite: cookie.sameSite }]))
    // The development profile of the original (spec §3.1): HttpOnly, not Secure, no SameSite attribute.
    assert.equal(flags['session-id']?.httpOnly, true)
    assert.equal(flags['session-id']?.secure, false)
    assert.deepEqual(flags['session-token'], { httpOnly: false, secure: true, sameSite: 'Lax' })
    assert.deepEqual(flags['csrf-token'], { httpOnly: false, secure: true, sameSite: 'Lax' })

    // The subscription, opened the way the UI opens it: same origin, legacy subprotocol, cookies only.
    const subscribed = await tab.evaluate(
      async ({ u1 }) => {
        const socket = new WebSocket(`${location.origin.replace('http', 'ws')}/api/graphql`, 'graphql-ws')
        const received: unknown[] = []
        ;(window as unknown as { gomMessages: unknown[] }).gomMessages = received
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { type: string }
          if (message.type !== 'ka') received.push(message)
        }
        await new Promise((resolve) => (socket.onopen = resolve))
        socket.send(JSON.stringify({ type: 'connection_init', payload: {} }))
        socket.send(
          JSON.stringify({
            id: '1',
            type: 'start',
            payload: {
              query: 'subscription($where: OrderSubscriptionWhereInput) { order(where: $where) { mutation node { uid stage } } }',
              variables: { where: { mutation_in: ['CREATED', 'UPDATED'], node: { assignedTo: { extUid: u1 } } } },
            },
          }),
        )
        for (let attempt = 0; attempt < 50 && received.length === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 100))
        await new Promise((resolve) => setTimeout(resolve, 300))
        return { protocol: socket.protocol, first: received[0] }
      },
      { u1: U1 },
    )
    assert.equal(subscribed.protocol, 'graphql-ws')
    assert.deepEqual(subscribed.first, { type: 'connection_ack' })

    // A query and a mutation with cookies only (plus the CSRF header the UI adds to every POST).
    const results = await tab.evaluate(
      async ({ order }) => {
        const csrf = decodeURIComponent(
          document.cookie
            .split('; ')
            .find((entry) => entry.startsWith('csrf-token='))!
            .slice('csrf-token='.length),
        )
        const post = async (query: string) => {
          const response = await fetch('/api/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ query }) })
          return { status: response.status, body: await response.json() }
        }
        const query = await post(`{ order(where: { uid: "${order}" }) { uid name stage } }`)
        const mutation = await post(`mutation { updateOrder(data: { stage: IN_PROCESS }, where: { uid: "${order}" }) { uid stage } }`)
        const messages = (window as unknown as { gomMessages: { type: string }[] }).gomMessages
        for (let attempt = 0; attempt < 50 && !messages.some((message) => message.type === 'data'); attempt++) await new Promise((resolve) => setTimeout(resolve, 100))
        return { query, mutation, data: messages.find((message) => message.type === 'data') }
      },
      { order: O(101) },
    )
    assert.deepEqual(results.query, { status: 200, body: { data: { order: { uid: O(101), name: 'Despensa semanal', stage: 'OPEN' } } } })
    assert.deepEqual(results.mutation, { status: 200, body: { data: { updateOrder: { uid: O(101), stage: 'IN_PROCESS' } } } })
    assert.deepEqual(results.data, { type: 'data', id: '1', payload: { data: { order: { mutation: 'UPDATED', node: { uid: O(101), stage: 'IN_PROCESS' } } } } })

    // Logout clears every cookie, HttpOnly one included.
    const loggedOut = await tab.evaluate(async () => ({ status: (await fetch('/api/auth/logout')).status, cookies: document.cookie }))
    assert.deepEqual(loggedOut, { status: 200, cookies: '' })
    assert.deepEqual(await browser.context.cookies(origin), [])
  })
})
