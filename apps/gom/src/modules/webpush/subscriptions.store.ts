import type { Redis } from '@hearth/kernel'
import type { PushTarget } from '@hearth/kernel/push'
import { deleteByPattern } from '../../session/session-store.ts'

/** A stored browser subscription: what a push needs. */
export interface StoredSubscription {
  endpoint: string
  keys: { p256dh: string; auth: string }
}

/**
 * Push subscriptions per user (the JWT `sub`: a seller's Auth0 id, a customer's Bp uid). In Redis
 * when `REDIS_URL` is set, so every process sees them (Decisions); in-process otherwise.
 */
export interface SubscriptionStore {
  save(userId: string, subscription: StoredSubscription): Promise<void>
  remove(userId: string, endpoint: string): Promise<void>
  forUser(userId: string): Promise<StoredSubscription[]>
  clear(): Promise<void>
}

/**
 * The original's Redis layout (spec §5.2) under the app's namespace: `sub:<endpoint>` a hash
 * (`p256dh`, `auth`), `user:<id>:subs` a set of endpoints. Removal deletes the right hash (the
 * original deleted `sub:[object Object]`), and only when no other user still lists the endpoint:
 * `sub:<endpoint>:users` counts who does.
 */
export class RedisSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  private hashKey = (endpoint: string) => `${this.namespace}sub:${endpoint}`
  private usersKey = (endpoint: string) => `${this.namespace}sub:${endpoint}:users`
  private userKey = (userId: string) => `${this.namespace}user:${userId}:subs`

  async save(userId: string, subscription: StoredSubscription): Promise<void> {
    const { endpoint, keys } = subscription
    await this.redis.multi().hset(this.hashKey(endpoint), 'p256dh', keys.p256dh, 'auth', keys.auth).sadd(this.userKey(userId), endpoint).sadd(this.usersKey(endpoint), userId).exec().then(failOnError)
  }

  async remove(userId: string, endpoint: string): Promise<void> {
    const results = await this.redis.multi().srem(this.userKey(userId), endpoint).srem(this.usersKey(endpoint), userId).scard(this.usersKey(endpoint)).exec().then(failOnError)
    if (results[2] === 0) await this.redis.del(this.hashKey(endpoint), this.usersKey(endpoint))
  }

  async forUser(userId: string): Promise<StoredSubscription[]> {
    const endpoints = await this.redis.smembers(this.userKey(userId))
    if (endpoints.length === 0) return []
    const pipeline = this.redis.pipeline()
    for (const endpoint of endpoints) pipeline.hgetall(this.hashKey(endpoint))
    const hashes = await pipeline.exec().then(failOnError)
    return endpoints.flatMap((endpoint, index) => {
      const hash = hashes[index] as Record<string, string> | null
      return hash?.p256dh && hash.auth ? [{ endpoint, keys: { p256dh: hash.p256dh, auth: hash.auth } }] : []
    })
  }

  async clear(): Promise<void> {
    await deleteByPattern(this.redis, `${this.namespace}sub:*`)
    await deleteByPattern(this.redis, `${this.namespace}user:*:subs`)
  }
}

function failOnError(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('Redis transaction aborted')
  for (const [error] of results) if (error) throw error
  return results.map(([, value]) => value)
}

/** One process only (no `REDIS_URL`). */
export class MemorySubscriptionStore implements SubscriptionStore {
  private readonly byUser = new Map<string, Map<string, StoredSubscription['keys']>>()

  async save(userId: string, subscription: StoredSubscription): Promise<void> {
    let endpoints = this.byUser.get(userId)
    if (!endpoints) this.byUser.set(userId, (endpoints = new Map()))
    endpoints.set(subscription.endpoint, { ...subscription.keys })
  }

  async remove(userId: string, endpoint: string): Promise<void> {
    this.byUser.get(userId)?.delete(endpoint)
  }

  async forUser(userId: string): Promise<StoredSubscription[]> {
    return [...(this.byUser.get(userId) ?? [])].map(([endpoint, keys]) => ({ endpoint, keys: { ...keys } }))
  }

  async clear(): Promise<void> {
    this.byUser.clear()
  }
}

export type { PushTarget }
