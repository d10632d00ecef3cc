import type { FastifyReply, FastifyRequest } from 'fastify'
import { ExpiringCache } from '@hearth/kernel/cache'
import type { GomEventBus } from '../events.ts'
import type { Caller } from '../permissions.ts'

/** Most answers kept in one process. */
const MAX_ANSWERS = 5_000
/** Most bytes of answers kept in one process (an answer larger than this is never cached). */
const MAX_BYTES = 32 * 1024 * 1024

declare module 'fastify' {
  interface FastifyRequest {
    /** The read cache's key and generation for this `/graphql` request, and whether its answer may be kept. */
    gomReadCache: { key: string; generation: number; storable: boolean; lead?: (answer: string | undefined) => void } | undefined
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
  /**
   * Misses being computed, by key: a request that misses while another computes the same key
   * (same caller, same request) waits for that answer instead of running the query again, so an
   * expired entry under load costs one execution, not one per waiting connection.
   */
  private readonly computing = new Map<string, { generation: number; answer: Promise<string | undefined> }>()

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
    // The change has committed: a bus failure must not turn its answer into an error. Other
    // processes then forget their answers when the TTL ends.
    await this.events.publish('readsChanged', {}).catch(() => undefined)
  }

  /**
   * Answers from the cache (returns true), or notes the key so the answer can be kept once it is
   * known. Runs after the session hooks and the request guard.
   */
  async answer(request: FastifyRequest, reply: FastifyReply, caller: Caller | undefined): Promise<boolean> {
    if (!caller) return false
    const source = request.method === 'POST' ? request.body : request.query
    const key = `${caller.kind}\u0000${caller.sub}\u0000${caller.permissions.join(' ')}\u0000${request.method}\u0000${JSON.stringify(source)}`
    let found = this.answers.get(key)
    const running = this.computing.get(key)
    if (found === undefined && running !== undefined && running.generation === this.answers.generation) {
      found = await running.answer
      // Kept only if no invalidation happened meanwhile; otherwise this request runs the query itself.
      if (found !== undefined && running.generation !== this.answers.generation) found = undefined
    }
    if (found !== undefined) {
      reply.code(200).type('application/json; charset=utf-8').send(found)
      return true
    }
    const generation = this.answers.generation
    const pending: NonNullable<FastifyRequest['gomReadCache']> = { key, generation, storable: false }
    if (!this.computing.has(key) || this.computing.get(key)!.generation !== generation) {
      const answer = new Promise<string | undefined>((resolve) => (pending.lead = resolve))
      this.computing.set(key, { generation, answer })
    }
    request.gomReadCache = pending
    return false
  }

  /**
   * Keeps the answer of a request `answer` could not serve, when it was marked storable; hands it
   * (or nothing) to the requests waiting for the same key. Runs for every answer sent.
   */
  keep(request: FastifyRequest, statusCode: number, payload: unknown): void {
    const pending = request.gomReadCache
    if (!pending) return
    request.gomReadCache = undefined
    const keep = pending.storable && statusCode === 200 && typeof payload === 'string' && pending.generation === this.answers.generation
    if (keep) this.answers.set(pending.key, payload, pending.generation, { weight: payload.length })
    if (pending.lead) {
      if (this.computing.get(pending.key)?.generation === pending.generation) this.computing.delete(pending.key)
      pending.lead(keep ? payload : undefined)
    }
  }

  /** A request that noted a key ended without an answer (e.g. the client went away): release its waiters. */
  abandon(request: FastifyRequest): void {
    if (request.gomReadCache) this.keep(request, 0, undefined)
  }
}
