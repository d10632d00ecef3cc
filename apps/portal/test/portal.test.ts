import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigError } from '@hearth/kernel'
import portal, { type PortalEntry } from '../src/app.ts'
import { browserSkip } from '@hearth/kernel/testing/browser'

/** A stand-in app: answers `/health` with the given status. */
async function fakeApp(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/health' ? status : 404, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ status: status === 200 ? 'UP' : 'DOWN' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** A port nothing listens on: bind one, note it, release it. */
async function closedPortUrl(): Promise<string> {
  const { url, server } = await fakeApp(200)
  await new Promise((resolve) => server.close(resolve))
  return url
}

describe('portal configuration', () => {
  test('listens on 8000 by default, PORTAL_PORT overrides, and plain PORT applies only when alone', () => {
    assert.equal(portal.loadConfig({}).port, 8000)
    assert.equal(portal.loadConfig({ PORTAL_PORT: '9100' }).port, 9100)
    assert.equal(portal.loadConfig({ PORT: '9200' }, { alone: false }).port, 8000)
    assert.equal(portal.loadConfig({ PORT: '9200' }, { alone: true }).port, 9200)
    assert.equal(portal.loadConfig({}).host, '127.0.0.1')
  })

  test('an invalid port is refused with a message naming the variable', () => {
    assert.throws(
      () => portal.loadConfig({ PORTAL_PORT: 'eighty' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.equal(error.variable, 'PORTAL_PORT')
        return true
      },
    )
  })
})

describe('portal page and API', () => {
  let up: { url: string; server: Server }
  let failing: { url: string; server: Server }
  let app: Awaited<ReturnType<typeof portal.buildApp>>
  let entries: PortalEntry[]

  before(async () => {
    up = await fakeApp(200)
    failing = await fakeApp(503)
    entries = [
      { name: 'devmarkt', url: up.url, docsUrl: `${up.url}/graphiql`, credentials: { 'Admin (Self header)': 'Self eyJhbGciOi.abc.def' } },
      { name: 'raise', url: failing.url, docsUrl: `${failing.url}/docs`, credentials: {} },
      { name: 'gone', url: await closedPortUrl(), docsUrl: 'http://127.0.0.1:1/docs', credentials: { '<b>label</b>': '"quoted" & <script>' } },
    ]
    app = await portal.buildApp({ ...portal.loadConfig({ LOG_LEVEL: 'silent', PORTAL_HEALTH_TIMEOUT_MS: '1000' }), entries })
  })
  after(async () => {
    await app.close()
    await new Promise((resolve) => up.server.close(resolve))
    await new Promise((resolve) => failing.server.close(resolve))
  })

  test('the page lists every app with its docs link, health and credentials', async () => {
    const response = await app.inject({ method: 'GET', url: '/' })
    assert.equal(response.statusCode, 200)
    assert.match(response.headers['content-type'] as string, /^text\/html/)
    const html = response.body
    for (const entry of entries) assert.ok(html.includes(`data-app="${entry.name}"`), entry.name)
    assert.ok(html.includes(`href="${up.url}/graphiql">GraphiQL</a>`))
    assert.ok(html.includes(`href="${failing.url}/docs">API reference</a>`))
    assert.ok(html.includes('Self eyJhbGciOi.abc.def'))
    assert.match(html, /data-app="devmarkt"[\s\S]*?data-status="up"/)
    assert.match(html, /data-app="raise"[\s\S]*?data-status="down"[^>]*>down · HTTP 503/)
    assert.match(html, /data-app="gone"[\s\S]*?data-status="down"[^>]*>down · not reachable/)
    assert.ok(html.includes('<strong id="app-count">3 apps</strong>'))
  })

  test('everything the apps hand over is escaped', async () => {
    const html = (await app.inject({ method: 'GET', url: '/' })).body
    assert.ok(!html.includes('<script>'))
    assert.ok(!html.includes('<b>label</b>'))
    assert.ok(html.includes('&#34;quoted&#34; &#38; &#60;script&#62;'))
  })

  test('the page forbids inline script and outside requests', async () => {
    const response = await app.inject({ method: 'GET', url: '/' })
    const policy = response.headers['content-security-policy'] as string
    assert.match(policy, /default-src 'none'/)
    assert.match(policy, /script-src 'self'/)
    assert.ok(!/unsafe-inline/.test(policy))
    assert.ok(!/<script>[^<]/.test(response.body), 'no inline script')
    assert.equal((await app.inject({ method: 'GET', url: '/portal.js' })).statusCode, 200)
    assert.match((await app.inject({ method: 'GET', url: '/portal.css' })).headers['content-type'] as string, /^text\/css/)
  })

  test('/api/apps reports each app as checked server-side against its /health', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/apps' })
    assert.equal(response.statusCode, 200)
    const body = response.json() as { apps: { name: string; status: string; detail: string; latencyMs: number; docsUrl: string }[] }
    assert.deepEqual(
      body.apps.map(({ name, status, detail }) => ({ name, status, detail })),
      [
        { name: 'devmarkt', status: 'up', detail: 'HTTP 200' },
        { name: 'raise', status: 'down', detail: 'HTTP 503' },
        { name: 'gone', status: 'down', detail: 'not reachable' },
      ],
    )
    assert.equal(body.apps[0]!.docsUrl, `${up.url}/graphiql`)
    assert.equal(typeof body.apps[0]!.latencyMs, 'number')
  })

  test('/health answers, and an unknown route is a JSON 404 with a request id', async () => {
    const health = await app.inject({ method: 'GET', url: '/health' })
    assert.equal(health.statusCode, 200)
    assert.deepEqual(health.json(), { status: 'UP' })
    const missing = await app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'portal-test-1' } })
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.headers['x-request-id'], 'portal-test-1')
    assert.deepEqual(missing.json(), { error: { code: 'NOT_FOUND', message: 'Route GET /nope not found' } })
  })

  test('the list is read on every request, so the launcher can fill it after listening', async () => {
    const later: PortalEntry[] = []
    const lazy = await portal.buildApp({ ...portal.loadConfig({ LOG_LEVEL: 'silent' }), entries: later })
    try {
      assert.deepEqual((await lazy.inject({ method: 'GET', url: '/api/apps' })).json().apps, [])
      later.push(entries[0]!)
      const apps = (await lazy.inject({ method: 'GET', url: '/api/apps' })).json().apps as { name: string; status: string }[]
      assert.deepEqual(
        apps.map(({ name, status }) => ({ name, status })),
        [{ name: 'devmarkt', status: 'up' }],
      )
    } finally {
      await lazy.close()
    }
  })

  test('with no apps, the page says how to start them', async () => {
    const empty = await portal.buildApp({ ...portal.loadConfig({ LOG_LEVEL: 'silent' }), entries: [] })
    try {
      const html = (await empty.inject({ method: 'GET', url: '/' })).body
      assert.match(html, /No apps are running in this process/)
      assert.ok(html.includes('npm start'))
    } finally {
      await empty.close()
    }
  })
})

describe('the browser test', () => {
  test('is skipped with the reason when Chromium is missing locally, and never skipped in CI', () => {
    assert.equal(browserSkip({}, '/nonexistent/chromium'), 'Chromium not installed: apt-get install -y chromium')
    assert.equal(browserSkip({ CI: 'true' }, '/nonexistent/chromium'), false)
    assert.equal(browserSkip({}, process.execPath), false)
  })
})
