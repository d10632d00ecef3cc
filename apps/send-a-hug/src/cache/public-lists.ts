import { ClearedOnChange, ExpiringCache } from '@hearth/kernel/cache'
import type { FastifyInstance } from 'fastify'
import type { SendAHugEventBus } from '../events.ts'

export const DEFAULT_PUBLIC_LISTS_TTL_MS = 5_000
/** Pages kept per process (both orders); a page past this is read from PostgreSQL each time. */
const MAX_PAGES = 2_000

/**
 * The public post lists, cached in each process: `GET /` (the two home lists, one entry) and the
 * pages of `GET /posts/{new|suggested}` (one entry per order and page), as the mapped views the
 * routes answer. Everything they show (posts, their hug counts and open reports, the author's
 * display name) changes only through a state-changing request, so the kernel's `ClearedOnChange`
 * clears them after every successful POST, PATCH, PUT or DELETE (but those declared `readOnly`):
 * in the process that answered it before the response is sent (so the caller's own next read sees
 * the change), then in every other process through the kernel bus (`publicListsChanged`). A reader
 * in another process is stale for as long as the bus takes to deliver (milliseconds through Redis);
 * if a message is ever lost, the TTL (`PUBLIC_LISTS_CACHE_TTL_MS`, default 5 s) bounds it. A change
 * made behind the API's back (SQL) is seen after the TTL. `PUBLIC_LISTS_CACHE_TTL_MS=0` turns the
 * cache off.
 */
export class PublicListsCache<Home, Page> {
  readonly home: ExpiringCache<'home', Home>
  readonly pages: ExpiringCache<string, Page>
  private readonly changes: ClearedOnChange

  constructor(events: SendAHugEventBus, ttlMs: number, log: { warn(object: unknown, message?: string): void }) {
    this.home = new ExpiringCache({ ttlMs, maxEntries: 1 })
    this.pages = new ExpiringCache({ ttlMs, maxEntries: MAX_PAGES })
    this.changes = ClearedOnChange.overBus(events, 'publicListsChanged', { clear: () => this.clear(), log, what: 'public lists' })
  }

  /** Drops the lists here, then tells every other process. */
  changed(): Promise<void> {
    return this.changes.changed()
  }

  /** Keeps this process in step with changes answered by any process. */
  listen(): Promise<void> {
    return this.changes.listen()
  }

  /** Clears the lists after every successful state-changing request, before its response is sent. */
  clearOnChanges(app: FastifyInstance): void {
    this.changes.clearOnChanges(app)
  }

  private clear(): void {
    this.home.clear()
    this.pages.clear()
  }
}
