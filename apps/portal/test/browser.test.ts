// The portal in a real headless Chromium, in front of two stand-in apps: the page lists the apps with
// live health and copyable credentials, and notices an app going down. The same page in front of the
// real Devmarkt, GraphiQL included, is e2e/portal-devmarkt.browser.test.ts. Skipped with the reason when Chromium
// is missing locally; never skipped in CI (`CI` set), where a missing browser fails.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { FastifyInstance } from 'fastify'
import portal, { type PortalEntry } from '../src/app.ts'
import { browserSkip, launchChromium } from '@hearth/kernel/testing/browser'
import { listen, standIn } from './servers.ts'

describe('the portal in Chromium', { skip: browserSkip() }, () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>
  let steady: { url: string; server: Server }
  let stopping: { url: string; server: Server }
  let portalApp: FastifyInstance
  let portalUrl: string
  let steadyEntry: PortalEntry

  before(async () => {
    steady = await standIn()
    steadyEntry = {
      name: 'steady',
      url: steady.url,
      docsUrl: `${steady.url}/graphiql`,
      credentials: { 'Admin token': 'Bearer admin.token.value', 'User token': 'Bearer user.token.value' },
    }
    stopping = await standIn()
    const entries: PortalEntry[] = [steadyEntry, { name: 'stand-in', url: stopping.url, docsUrl: `${stopping.url}/docs`, credentials: { 'Demo token': 'Bearer demo.token.value' } }]
    portalApp = await portal.buildApp({ ...portal.loadConfig({ LOG_LEVEL: 'silent', PORTAL_HEALTH_TIMEOUT_MS: '1000' }), entries })
    portalUrl = await listen(portalApp)
    browser = await launchChromium()
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portalUrl })
  })
  after(async () => {
    await browser?.close()
    await portalApp?.close()
    if (steady?.server.listening) await new Promise((resolve) => steady.server.close(resolve))
    if (stopping?.server.listening) await new Promise((resolve) => stopping.server.close(resolve))
  })

  test('renders every app, copies a credential, and notices an app going down', async () => {
    const page = await browser.context.newPage()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    await page.goto(portalUrl)

    assert.deepEqual(await page.locator('article.app h2').allTextContents(), ['steady', 'stand-in'])
    const steadyCard = page.locator('article.app[data-app="steady"]')
    await steadyCard.locator('.status[data-status="up"]').waitFor()
    assert.equal(await steadyCard.locator('a.docs').textContent(), 'GraphiQL')
    assert.equal(await steadyCard.locator('.credentials li').count(), Object.keys(steadyEntry.credentials).length)

    const card = page.locator('article.app[data-app="stand-in"]')
    assert.equal(await card.locator('a.docs').getAttribute('href'), `${stopping.url}/docs`)
    await card.locator('button.copy').click()
    await card.locator('button.copy', { hasText: 'Copied' }).waitFor()
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'Bearer demo.token.value')

    // The page polls /api/apps; once the app stops, its badge turns red without a reload.
    await new Promise((resolve) => stopping.server.close(resolve))
    await card.locator('.status[data-status="down"]').waitFor({ timeout: 20_000 })
    assert.match((await card.locator('.status').textContent()) ?? '', /down · not reachable/)
    assert.equal(await steadyCard.locator('.status').getAttribute('data-status'), 'up')

    assert.deepEqual(problems, [], 'no script errors and no blocked resources')
    await page.close()
  })
})
