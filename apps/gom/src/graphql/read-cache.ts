import type { FastifyReply, FastifyRequest } from 'fastify'
import { ExpiringCache } from '../cache/expiring-cache.ts'
import type { GomEventBus } from '../events.ts'
import type { Caller } from '../permissions.ts'

/** Most answers kept in one process. */
const MAX_ANSWERS = 5_000
/** Most bytes of answers kept in one process (an answer larger than this is never cached). */
const MAX_BYTES = 32 * 1024 * 1024

declare module 'fastify' {
  interface FastifyRequest {
    /** The read cache's key and generation for this `/graphql` request, and whether its answer may be kept. */
    gomReadCache: { key: string; generation: number; storable: boolean } | undefined
  }
}

/**
 * Successful answers to GraphQL queries, per caller and request (gom-perf; README "Caches"). The
 * key is the caller's kind, `sub` and permissions (all an answer depends on besides the data) plus
 * the request's document, variables and operation name. Only answers of a `query` operation with
 * status 200 and no `errors` are kept. Every mutation (in any process) and the QA seed empty the
 * cache of every process: the process that ran it before answering, the others when the
 * `readsChanged` event reaches them (Redis pub/sub); `orderChanged` empties it too. An answer is
 * kept at most `ttlMs`, which bounds staleness should an event be lost or data change outside
 * GraphQL (SQL by hand). The session layer (cookie, CSRF, split JWT) runs before every lookup.
 */
export class ReadCache {
  private readonly answers: ExpiringCache<string, string>

  constructor(
    private readonly events: Pick<GomEventBus, 'publish'>,
    ttlMs: number,
  ) {
    this.answers = new ExpiringCache({ ttlMs, maxEntries: MAX_ANSWERS, maxWeight: MAX_BYTES })
  }

  async listen(bus: Pick<GomEventBus, 'subscribe'>): Promise<void> {
    await bus.subscribe('readsChanged', () => this.answers.clear())
    await bus.subscribe('orderChanged', () => this.answers.clear())
  }

  /** Data readable through GraphQL changed here: forget locally now, then tell every other process. */
  async changed(): Promise<void> {
    this.answers.clear()
    await this.events.publish('readsChanged', {})
  }

  /**
   * Answers from the cache (returns true), or notes the key so the answer can be kept once it is
   * known. Runs after the session hooks and the request guard.
   */
  answer(request: FastifyRequest, reply: FastifyReply, caller: Caller | undefined): boolean {
    if (!caller) return false
    const source = request.method === 'POST' ? request.body : request.query
    const key = `${caller.kind}\u0000${caller.sub}\u0000${caller.permissions.join(' ')}\u0000${request.method}\u0000${JSON.stringify(source)}`
    const found = this.answers.get(key)
    if (found !== undefined) {
      reply.code(200).type('application/json; charset=utf-8').send(found)
      return true
    }
    request.gomReadCache = { key, generation: this.answers.generation, storable: false }
    return false
  }

  /** Keeps the answer of a request `answer` could not serve, when it was marked storable. */
  keep(request: FastifyRequest, statusCode: number, payload: unknown): void {
    const pending = request.gomReadCache
    if (!pending?.storable || statusCode !== 200 || typeof payload !== 'string') return
    this.answers.set(pending.key, payload, pending.generation, { weight: payload.length })
  }
}
