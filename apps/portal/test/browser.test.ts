// The portal in a real headless Chromium: it renders every app, keeps health live, copies
// credentials. Skipped with the reason when Chromium is missing locally; never skipped in CI.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import portal, { type PortalEntry } from '../src/app.ts'
import { browserSkip, launchChromium } from './chromium.ts'

async function fakeApp(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' })
    response.end('{"status":"UP"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

describe('the portal in Chromium', { skip: browserSkip() }, () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>
  let stopping: { url: string; server: Server }
  let portalApp: FastifyInstance
  let portalUrl: string
  const entries: PortalEntry[] = []

  before(async () => {
    stopping = await fakeApp()
    entries.push({ name: 'stand-in', url: stopping.url, docsUrl: `${stopping.url}/docs`, credentials: { 'Demo token': 'Bearer demo.token.value' } })
    portalApp = await portal.buildApp({ ...portal.loadConfig({ LOG_LEVEL: 'silent', PORTAL_HEALTH_TIMEOUT_MS: '1000' }), entries })
    portalUrl = await listen(portalApp)
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await portalApp?.close()
    if (stopping.server.listening) await new Promise((resolve) => stopping.server.close(resolve))
  })

  test('renders each app, copies a credential, and notices an app going down', async () => {
    const page = await browser.context.newPage()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portalUrl })
    await page.goto(portalUrl)

    const card = page.locator('article.app[data-app="stand-in"]')
    assert.equal(await page.locator('article.app').count(), 1)
    assert.equal(await card.locator('h2').textContent(), 'stand-in')
    assert.equal(await card.locator('a.docs').getAttribute('href'), `${stopping.url}/docs`)
    await card.locator('.status[data-status="up"]').waitFor()

    await card.locator('button.copy').click()
    await card.locator('button.copy', { hasText: 'Copied' }).waitFor()
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'Bearer demo.token.value')

    // The page polls /api/apps; once the app stops, its badge turns red without a reload.
    await new Promise((resolve) => stopping.server.close(resolve))
    await card.locator('.status[data-status="down"]').waitFor({ timeout: 20_000 })
    assert.match((await card.locator('.status').textContent()) ?? '', /down · not reachable/)

    assert.deepEqual(problems, [], 'no script errors and no blocked resources')
    await page.close()
  })
})
