import { ClearedOnChange, ExpiringCache } from '@hearth/kernel/cache'
import type { FastifyInstance } from 'fastify'
import type { RaiseEventBus } from '../events.ts'

export const DEFAULT_PUBLIC_VIEW_TTL_MS = 5_000
const MAX_VIEWS = 1_000
/** The serialized views kept per process, in UTF-16 code units (a 5,000-donation view is about 0.75 M). */
const MAX_CHARACTERS = 64 * 1024 * 1024

/**
 * `GET /public/fundraisers/{id}`, cached in each process as the exact JSON the route writes (the
 * fundraiser and its public, counted donations: the donation list is most of the cost, both to read
 * and to serialize). A fundraiser and its donations change only through a state-changing request
 * (admin edits, public donations, Stripe's webhooks, tasks, the QA reseed) or the payment collection
 * job, so the kernel's `ClearedOnChange` drops every view after each successful POST, PATCH, PUT or
 * DELETE, in the answering process before its response is sent and in every other process through
 * the kernel bus (`publicViewsChanged`); the collection job calls `changed()` itself. A reader in
 * another process is stale for as long as the bus takes to deliver; if a message is ever lost, the
 * TTL (`PUBLIC_VIEW_CACHE_TTL_MS`, default 5 s) bounds it, as it bounds a change made behind the
 * API's back. `PUBLIC_VIEW_CACHE_TTL_MS=0` turns the cache off.
 */
export class PublicViewsCache {
  private readonly views: ExpiringCache<string, string>
  private readonly changes: ClearedOnChange

  constructor(events: RaiseEventBus, ttlMs: number, log: { warn(object: unknown, message?: string): void }) {
    this.views = new ExpiringCache({ ttlMs, maxEntries: MAX_VIEWS, maxWeight: MAX_CHARACTERS, weigh: (json) => json.length })
    this.changes = new ClearedOnChange({
      clear: () => this.views.clear(),
      publish: () => events.publish('publicViewsChanged', {}),
      subscribe: async (handler) => void (await events.subscribe('publicViewsChanged', handler)),
      log,
      what: 'public fundraiser views',
    })
  }

  /**
   * The cached JSON of fundraiser `id`, or `render()`'s (concurrent misses share one render), stored
   * unless a change was announced while it ran, so a view read before a change cannot outlive it. A
   * failure (404) is never stored.
   */
  async json(id: string, render: () => Promise<string>): Promise<string> {
    return (await this.views.getOrLoad(id, render))!
  }

  changed(): Promise<void> {
    return this.changes.changed()
  }

  listen(): Promise<void> {
    return this.changes.listen()
  }

  clearOnChanges(app: FastifyInstance): void {
    this.changes.clearOnChanges(app)
  }
}
