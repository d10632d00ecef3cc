// Raise's admin web app runs on its own origin and edits through PATCH with a bearer token and a JSON
// body: the request a browser only sends after a CORS preflight. Here a page on another origin does
// exactly that in headless Chromium (the kernel's browser kit). Skipped with the reason when Chromium
// is missing locally; never skipped in CI.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { browserSkip, launchChromium } from '@hearth/kernel/testing/browser'
import { DEMO_FUNDRAISER_ID } from '../seeds/demo.ts'
import { NATIONAL, startRaise, type RaiseTestContext } from './helpers.ts'

describe('the admin web app in Chromium, from another origin', { skip: browserSkip() }, () => {
  let ctx: RaiseTestContext
  let raiseUrl: string
  let page: Server
  let pageUrl: string
  let browser: Awaited<ReturnType<typeof launchChromium>>

  before(async () => {
    ctx = await startRaise({ seed: true })
    await ctx.app.listen({ host: '127.0.0.1', port: 0 })
    raiseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
    // The admin app's origin: a different port is a different origin.
    page = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end('<!doctype html><title>Raise admin</title>')
    })
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve))
    pageUrl = `http://localhost:${(page.address() as AddressInfo).port}`
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    if (page?.listening) await new Promise((resolve) => page.close(resolve))
    await ctx?.close()
  })

  test('editing a fundraiser with PATCH passes the preflight and is saved', async () => {
    const token = await ctx.token([NATIONAL])
    const tab = await browser.context.newPage()
    await tab.goto(pageUrl)
    const result = await tab.evaluate(
      async ({ raiseUrl, token, id }) => {
        const response = await fetch(`${raiseUrl}/admin/fundraisers/${id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ publicName: 'Edited from the admin app', matchFundingRemaining: null }),
        })
        return { status: response.status }
      },
      { raiseUrl, token, id: DEMO_FUNDRAISER_ID },
    )
    assert.equal(result.status, 204)
    const saved = (await ctx.request('GET', '/admin/fundraisers', { token })).body.find((row: { id: string }) => row.id === DEMO_FUNDRAISER_ID)
    assert.equal(saved.publicName, 'Edited from the admin app')
    assert.equal(saved.matchFundingRemaining, null)
  })

  test('an error answer is readable cross-origin too (it carries the CORS headers)', async () => {
    const tab = await browser.context.newPage()
    await tab.goto(pageUrl)
    const result = await tab.evaluate(async (raiseUrl) => {
      const response = await fetch(`${raiseUrl}/admin/fundraisers/01HZX3K6W1Z8Q4M5N6P7R8S9TV`, {
        method: 'PATCH',
        headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
        body: '{}',
      })
      return { status: response.status, body: await response.json() }
    }, raiseUrl)
    assert.equal(result.status, 401)
    assert.equal(typeof result.body.message, 'string')
  })
})
