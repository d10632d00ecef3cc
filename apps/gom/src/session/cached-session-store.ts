import type { GomEventBus } from '../events.ts'
import { ExpiringCache } from '@hearth/kernel/cache'
import type { SessionData, SessionStore } from './session-store.ts'

/** Most sessions kept in one process' cache. */
const MAX_SESSIONS = 20_000

/**
 * The session store with a short-lived in-process copy of what `get` read (gom-perf; README
 * "Caches"): a request on `/graphql` then needs no Redis GET while its session is cached. Every
 * write (`set`: login, CSRF secret, token refresh) and `destroy` (logout, login replacing a
 * session) drops the local copy first, then publishes `sessionChanged` so every other process drops
 * its copy; `clear` (QA seed) publishes `sessionsCleared`. A process that has not yet received the
 * event can use a destroyed session for as long as the event takes to arrive (Redis pub/sub,
 * milliseconds), at most `ttlMs` if it is ever lost. Callers get a copy of the data, never the
 * cached object.
 */
export class CachedSessionStore implements SessionStore {
  private readonly cache: ExpiringCache<string, SessionData>

  constructor(
    private readonly inner: SessionStore,
    private readonly events: Pick<GomEventBus, 'publish'>,
    ttlMs: number,
  ) {
    this.cache = new ExpiringCache({ ttlMs, maxEntries: MAX_SESSIONS })
  }

  /** Keeps this process' copies in step with the writes of every process. */
  async listen(bus: Pick<GomEventBus, 'subscribe'>): Promise<void> {
    await bus.subscribe('sessionChanged', ({ sessionId }) => this.cache.delete(sessionId))
    await bus.subscribe('sessionsCleared', () => this.cache.clear())
  }

  async get(id: string): Promise<SessionData | undefined> {
    const cached = this.cache.get(id)
    if (cached !== undefined) return { ...cached }
    const generation = this.cache.generation
    const data = await this.inner.get(id)
    if (data !== undefined) this.cache.set(id, { ...data }, generation)
    return data
  }

  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    this.cache.delete(id)
    await this.inner.set(id, data, ttlSeconds)
    this.cache.delete(id) // a read that ran during the write must not keep the old data
    await this.events.publish('sessionChanged', { sessionId: id })
  }

  async destroy(id: string): Promise<void> {
    this.cache.delete(id)
    await this.inner.destroy(id)
    this.cache.delete(id)
    await this.events.publish('sessionChanged', { sessionId: id })
  }

  async clear(): Promise<void> {
    this.cache.clear()
    await this.inner.clear()
    this.cache.clear()
    await this.events.publish('sessionsCleared', {})
  }
}
