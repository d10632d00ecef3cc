// The portal in a real headless Chromium in front of the real Devmarkt, built in-process: Devmarkt's
// card shows its banner (GraphiQL link, every demo credential), and its GraphiQL, opened from the
// page, runs an authorized query with a credential copied from the portal. It builds two apps, so it
// lives here rather than in either app (an app imports only the kernel and itself). Skipped with the reason when Chromium
// is missing locally; never skipped in CI (`CI` set), where a missing browser fails.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import devmarkt from '../apps/devmarkt/src/app.ts'
import portal, { type PortalEntry } from '../apps/portal/src/app.ts'
import { browserSkip, launchChromium } from '@hearth/kernel/testing/browser'
import { listen, standIn } from '../apps/portal/test/servers.ts'

/** GraphiQL 3's editors are CodeMirror 5 instances; their API is on the wrapper element. */
type CodeMirrorElement = Element & { CodeMirror: { setValue(text: string): void; getValue(): string } }

describe('the portal in front of Devmarkt, in Chromium', { skip: browserSkip() }, () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>
  let devmarktApp: TestApp<ReturnType<typeof devmarkt.loadConfig>>
  let stopping: { url: string; server: Server }
  let portalApp: FastifyInstance
  let portalUrl: string
  let devmarktEntry: PortalEntry

  before(async () => {
    devmarktApp = await buildTestApp(devmarkt, { env: { SEED: 'demo' } })
    const devmarktUrl = await listen(devmarktApp.app)
    const banner = await devmarkt.banner(devmarktApp.config, devmarktApp.app)
    devmarktEntry = { name: 'devmarkt', url: devmarktUrl, docsUrl: devmarktUrl + banner.docsPath, credentials: banner.credentials }
    stopping = await standIn()
    const entries: PortalEntry[] = [devmarktEntry, { name: 'stand-in', url: stopping.url, docsUrl: `${stopping.url}/docs`, credentials: { 'Demo token': 'Bearer demo.token.value' } }]
    portalApp = await portal.buildApp({ ...portal.loadConfig({ LOG_LEVEL: 'silent', PORTAL_HEALTH_TIMEOUT_MS: '1000' }), entries })
    portalUrl = await listen(portalApp)
    browser = await launchChromium()
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portalUrl })
  })
  after(async () => {
    await browser?.close()
    await portalApp?.close()
    await devmarktApp?.close()
    if (stopping?.server.listening) await new Promise((resolve) => stopping.server.close(resolve))
  })

  test("Devmarkt's GraphiQL, opened from the portal, runs an authorized query with a copied credential", async () => {
    const page = await browser.context.newPage()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`))
    await page.goto(portalUrl)

    const [label, credential] = Object.entries(devmarktEntry.credentials)[0]!
    assert.match(label, /admin/)
    const card = page.locator('article.app[data-app="devmarkt"]')
    await card.locator('.status[data-status="up"]').waitFor()
    assert.equal(await card.locator('a.docs').textContent(), 'GraphiQL')
    assert.equal(await card.locator('.credentials li').count(), Object.keys(devmarktEntry.credentials).length)
    await card.locator('.credentials li').first().locator('button.copy').click()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    assert.equal(copied, credential)

    await card.locator('a.docs').click()
    await page.waitForURL(devmarktEntry.docsUrl)
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: 30_000 })
    await page.evaluate(
      ({ authorization }) => {
        const headers = document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror') as CodeMirrorElement
        headers.CodeMirror.setValue(JSON.stringify({ Authorization: authorization }))
        const query = document.querySelector('.graphiql-query-editor .CodeMirror') as CodeMirrorElement
        query.CodeMirror.setValue('{ __typename templates { name } }')
      },
      { authorization: copied },
    )
    await page.locator('.graphiql-execute-button').click()
    const resultText = await page.waitForFunction(
      () => {
        const text = (document.querySelector('.result-window .CodeMirror') as CodeMirrorElement | null)?.CodeMirror.getValue() ?? ''
        return text.includes('"data"') || text.includes('"errors"') ? text : false
      },
      undefined,
      { timeout: 30_000 },
    )
    const result = JSON.parse((await resultText.jsonValue()) as string) as { data?: { __typename: string; templates: { name: string }[] }; errors?: unknown }
    assert.equal(result.errors, undefined, JSON.stringify(result.errors))
    assert.equal(result.data!.__typename, 'Query')
    assert.ok(result.data!.templates.length > 0, 'the demo templates are listed')
    assert.ok(result.data!.templates.every((template) => typeof template.name === 'string' && template.name.length > 0))

    assert.deepEqual(problems, [], 'GraphiQL loads everything it needs from Devmarkt itself')
    await page.close()
  })
})
