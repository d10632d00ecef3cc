import type { FastifyInstance } from 'fastify'
import { createHttpServer, type EnvSource } from '@hearth/kernel'
import { loadPortalConfig, type PortalConfig } from './config.ts'
import { checkHealth, type PortalEntry } from './health.ts'
import { renderPage, script, stylesheet } from './page.ts'

export type { PortalConfig } from './config.ts'
export type { PortalEntry, AppHealth } from './health.ts'

export interface PortalOptions extends PortalConfig {
  /**
   * The apps running in this process. Read on every request, so the launcher may fill the list
   * after the apps (and the portal) listen.
   */
  entries: readonly PortalEntry[]
}

const securityHeaders = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
}

/**
 * The page on port 8000: every app of this process with its live health, its docs and its demo
 * credentials. No database, no dependencies in the page, no requests from the page to other origins
 * (health is checked here, server-side, and served as `/api/apps`).
 */
/** The page and its assets: public, answered as HTML, CSS and JavaScript rather than by a schema. */
const page = { schema: { hide: true }, config: { public: true } } as const

export async function buildPortal(options: PortalOptions): Promise<FastifyInstance> {
  const { entries } = options
  const { app } = await createHttpServer({ name: 'portal', logLevel: options.logLevel, bodyLimit: 16 * 1024 })
  app.get('/', page, async (_request, reply) => {
    const health = await checkHealth(entries, options.healthTimeoutMs)
    return reply.headers(securityHeaders).type('text/html; charset=utf-8').send(renderPage(entries, health))
  })
  app.get('/portal.css', page, async (_request, reply) => reply.headers(securityHeaders).type('text/css; charset=utf-8').send(stylesheet))
  app.get('/portal.js', page, async (_request, reply) => reply.headers(securityHeaders).type('text/javascript; charset=utf-8').send(script))
  app.get('/favicon.ico', page, async (_request, reply) => reply.status(204).send())
  app.get('/api/apps', { schema: { response: { 200: appsResponse } }, config: { public: true } }, async (_request, reply) => {
    const health = await checkHealth(entries, options.healthTimeoutMs)
    const byName = new Map(health.map((item) => [item.name, item]))
    return reply.headers(securityHeaders).send({
      checkedAt: new Date().toISOString(),
      apps: entries.map((entry) => ({ ...byName.get(entry.name)!, url: entry.url, docsUrl: entry.docsUrl })),
    })
  })
  return app
}

const appsResponse = {
  type: 'object',
  properties: {
    checkedAt: { type: 'string' },
    apps: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const

const portal = {
  name: 'portal' as const,
  defaultPort: 8000,
  loadConfig: (env: EnvSource, options: { alone?: boolean } = {}): PortalConfig => loadPortalConfig(env, options),
  buildApp: (options: PortalOptions): Promise<FastifyInstance> => buildPortal(options),
}

export default portal
