import { ClearedOnChange, ExpiringCache } from '@hearth/kernel/cache'
import { EncodedJson } from '@hearth/kernel/http'
import type { FastifyInstance } from 'fastify'
import type { RaiseEventBus } from '../events.ts'

export const DEFAULT_PUBLIC_VIEW_TTL_MS = 5_000
const MAX_VIEWS = 1_000
/** The bytes of serialized views kept per process (a 5,000-donation view is about 0.75 MB). */
const MAX_BYTES = 64 * 1024 * 1024

/**
 * `GET /public/fundraisers/{id}`, cached in each process as the exact JSON the route writes, UTF-8
 * encoded once so that each answer is a copy of bytes rather than an encoding of a long string (the
 * fundraiser and its public, counted donations: the donation list is most of the cost, both to read
 * and to serialize), and compressed once per content coding a client accepts (the kernel's
 * `EncodedJson`: a browser gets about a tenth of the bytes). A fundraiser and its donations change
 * only through a state-changing request (admin edits, public donations, Stripe's webhooks, tasks, the
 * QA reseed) or the payment collection job, so the kernel's `ClearedOnChange` drops every view after each successful POST, PATCH, PUT or
 * DELETE, in the answering process before its response is sent and in every other process through
 * the kernel bus (`publicViewsChanged`); the collection job calls `changed()` itself. A reader in
 * another process is stale for as long as the bus takes to deliver; if a message is ever lost, the
 * TTL (`PUBLIC_VIEW_CACHE_TTL_MS`, default 5 s) bounds it, as it bounds a change made behind the
 * API's back. `PUBLIC_VIEW_CACHE_TTL_MS=0` turns the cache off.
 */
export class PublicViewsCache {
  private readonly views: ExpiringCache<string, EncodedJson>
  private readonly changes: ClearedOnChange

  constructor(events: RaiseEventBus, ttlMs: number, log: { warn(object: unknown, message?: string): void }) {
    this.views = new ExpiringCache({ ttlMs, maxEntries: MAX_VIEWS, maxWeight: MAX_BYTES, weigh: (view) => view.byteLength })
    this.changes = ClearedOnChange.overBus(events, 'publicViewsChanged', { clear: () => this.views.clear(), log, what: 'public fundraiser views' })
  }

  /**
   * The cached JSON of fundraiser `id`, or `render()`'s (concurrent misses share one render), stored
   * unless a change was announced while it ran, so a view read before a change cannot outlive it. A
   * failure (404) is never stored.
   */
  async json(id: string, render: () => Promise<string>): Promise<EncodedJson> {
    return (await this.views.getOrLoad(id, async () => new EncodedJson(await render())))!
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
