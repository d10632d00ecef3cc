import { ExpiringCache } from '@hearth/kernel/cache'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { SendAHugEventBus } from '../events.ts'

export const DEFAULT_PUBLIC_LISTS_TTL_MS = 5_000
/** Pages kept per process (both orders); a page past this is read from PostgreSQL each time. */
const MAX_PAGES = 2_000

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that changes nothing (search): answering it leaves the public lists cached. */
    readOnly?: boolean
  }
}

/**
 * The public post lists, cached in each process: `GET /` (the two home lists, one entry) and the
 * pages of `GET /posts/{new|suggested}` (one entry per order and page), as the mapped views the
 * routes answer. Everything they show (posts, their hug counts and open reports, the author's
 * display name) changes only through a state-changing request, so every successful POST, PATCH,
 * PUT or DELETE (but those declared `readOnly`) clears them: in the process that answered it before
 * the response is sent (so the caller's own next read sees the change), then in every other process
 * through the kernel bus (`publicListsChanged`). A reader in another process is stale for as long
 * as the bus takes to deliver (milliseconds through Redis); if a message is ever lost, the TTL
 * (`PUBLIC_LISTS_CACHE_TTL_MS`, default 5 s) bounds it. A change made behind the API's back (SQL)
 * is seen after the TTL. `PUBLIC_LISTS_CACHE_TTL_MS=0` turns the cache off.
 */
export class PublicListsCache<Home, Page> {
  readonly home: ExpiringCache<'home', Home>
  readonly pages: ExpiringCache<string, Page>

  constructor(
    private readonly events: SendAHugEventBus,
    ttlMs: number,
    private readonly log: { warn(object: unknown, message?: string): void },
  ) {
    this.home = new ExpiringCache({ ttlMs, maxEntries: 1 })
    this.pages = new ExpiringCache({ ttlMs, maxEntries: MAX_PAGES })
  }

  /** Drops the lists here, then tells every other process; a bus failure is logged (the TTL still bounds staleness). */
  async changed(): Promise<void> {
    this.clear()
    try {
      await this.events.publish('publicListsChanged', {})
    } catch (error) {
      this.log.warn({ err: error }, 'could not publish publicListsChanged; other processes refresh their lists within the TTL')
    }
  }

  /** Keeps this process in step with changes answered by any process. */
  async listen(): Promise<void> {
    await this.events.subscribe('publicListsChanged', () => this.clear())
  }

  /** Clears the lists after every successful state-changing request, before its response is sent. */
  clearOnChanges(app: FastifyInstance): void {
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode < 400 && changesState(request)) await this.changed()
      return payload
    })
  }

  private clear(): void {
    this.home.clear()
    this.pages.clear()
  }
}

function changesState(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return false
  return request.routeOptions.config?.readOnly !== true
}
