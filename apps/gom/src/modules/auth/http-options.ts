import type { IncomingMessage } from 'node:http'
import type { FastifyServerOptions } from 'fastify'
import type { AuthConfig } from './auth.config.ts'

/**
 * `/api/x` → `/x`. The Gom UI calls its own origin under `/api` (a proxy stripped it in front of
 * the original); Gom answers both forms, WebSocket upgrades included (Fastify rewrites before
 * routing, and @fastify/websocket routes upgrades through the same path).
 */
export function withoutApiPrefix(url: string): string {
  if (url === '/api') return '/'
  if (url.startsWith('/api/') || url.startsWith('/api?')) return url.slice(4).replace(/^\?/, '/?')
  return url
}

/**
 * The Fastify server options Gom needs, passed through `createApp({ fastify })`: the `/api`
 * prefix rewrite and the configured proxy trust list (spec §10.9: `trust proxy = true` let any
 * client choose its limiter key with `X-Forwarded-For`; now only listed proxies are believed).
 */
export function gomServerOptions(auth: Pick<AuthConfig, 'trustProxy'>): Partial<FastifyServerOptions> {
  return {
    rewriteUrl: (request: IncomingMessage) => withoutApiPrefix(request.url ?? '/'),
    trustProxy: auth.trustProxy.length > 0 ? [...auth.trustProxy] : false,
  }
}
