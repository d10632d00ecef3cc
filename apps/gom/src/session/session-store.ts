import type { Redis } from '@hearth/kernel'

/** What the original kept in `sess:<sid>` (spec §3.2), minus express-session's cookie metadata. */
export interface SessionData {
  csrfSecret?: string
  /** The access token's third segment: the split JWT's server half (spec §3.4). */
  access_token_sign?: string
  /** Password grant only (Auth0 or the built-in provider). */
  refresh_token?: string
}

/**
 * Server sessions: in Redis when `REDIS_URL` is set, so every Gom process sees the same ones;
 * in-process otherwise (one process only). TTL follows the session cookie's max-age, as
 * connect-redis did.
 */
export interface SessionStore {
  get(id: string): Promise<SessionData | undefined>
  set(id: string, data: SessionData, ttlSeconds: number): Promise<void>
  destroy(id: string): Promise<void>
  /** Every session gone (QA seed). */
  clear(): Promise<void>
}

export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
    /** `<schema>:`: keeps apps and test runs sharing one Redis apart. Keys are `<prefix>sess:<sid>`. */
    private readonly prefix: string,
  ) {}

  private key(id: string) {
    return `${this.prefix}sess:${id}`
  }

  async get(id: string): Promise<SessionData | undefined> {
    const text = await this.redis.get(this.key(id))
    if (text === null) return undefined
    try {
      const value = JSON.parse(text) as unknown
      return typeof value === 'object' && value !== null ? (value as SessionData) : undefined
    } catch {
      return undefined
    }
  }

  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key(id), JSON.stringify(data), 'EX', ttlSeconds)
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.key(id))
  }

  async clear(): Promise<void> {
    await deleteByPattern(this.redis, `${this.prefix}sess:*`)
  }
}

/** An in-process store with expiry and a bound on its size (oldest sessions go first). */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, { data: SessionData; expiresAt: number }>()

  constructor(private readonly maxSessions = 100_000) {}

  async get(id: string): Promise<SessionData | undefined> {
    const entry = this.sessions.get(id)
    if (!entry) return undefined
    if (entry.expiresAt <= Date.now()) {
      this.sessions.delete(id)
      return undefined
    }
    return structuredClone(entry.data)
  }

  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    this.sessions.delete(id)
    this.sessions.set(id, { data: structuredClone(data), expiresAt: Date.now() + ttlSeconds * 1000 })
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value
      if (oldest === undefined) break
      this.sessions.delete(oldest)
    }
  }

  async destroy(id: string): Promise<void> {
    this.sessions.delete(id)
  }

  async clear(): Promise<void> {
    this.sessions.clear()
  }
}

/** Deletes every key matching `pattern` (SCAN, never KEYS, so a big Redis is not blocked). */
export async function deleteByPattern(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
    cursor = next
    if (keys.length > 0) await redis.del(...keys)
  } while (cursor !== '0')
}
