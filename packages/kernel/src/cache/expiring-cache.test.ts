import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ExpiringCache } from './expiring-cache.ts'

function counting<Value>(value: Value) {
  const calls = { count: 0 }
  return { calls, load: async () => (calls.count++, value) }
}

test('serves a stored value until its TTL passes, then loads again', async () => {
  let now = 1_000
  const cache = new ExpiringCache<string, string>({ ttlMs: 100, maxEntries: 10, now: () => now })
  const { calls, load } = counting('v')
  assert.equal(await cache.getOrLoad('k', load), 'v')
  now += 99
  assert.equal(await cache.getOrLoad('k', load), 'v')
  assert.equal(calls.count, 1)
  now += 1
  assert.equal(await cache.getOrLoad('k', load), 'v')
  assert.equal(calls.count, 2)
})

test('never stores "not found", and a TTL of 0 disables the cache', async () => {
  const cache = new ExpiringCache<string, string>({ ttlMs: 1_000, maxEntries: 10 })
  const missing = counting<string | undefined>(undefined)
  await cache.getOrLoad('k', missing.load)
  await cache.getOrLoad('k', missing.load)
  assert.equal(missing.calls.count, 2)
  const off = new ExpiringCache<string, string>({ ttlMs: 0, maxEntries: 10 })
  const found = counting('v')
  await off.getOrLoad('k', found.load)
  await off.getOrLoad('k', found.load)
  assert.equal(found.calls.count, 2)
  assert.equal(off.size, 0)
})

test('keeps at most maxEntries, dropping the oldest', async () => {
  const cache = new ExpiringCache<number, number>({ ttlMs: 60_000, maxEntries: 2 })
  for (const key of [1, 2, 3]) await cache.getOrLoad(key, async () => key)
  assert.equal(cache.size, 2)
  const again = counting(1)
  await cache.getOrLoad(1, again.load)
  assert.equal(again.calls.count, 1) // 1 was evicted
  const kept = counting(3)
  await cache.getOrLoad(3, kept.load)
  assert.equal(kept.calls.count, 0)
})

test('delete, deleteWhere and clear evict', async () => {
  const cache = new ExpiringCache<string, { id: number }>({ ttlMs: 60_000, maxEntries: 10 })
  await cache.getOrLoad('a', async () => ({ id: 1 }))
  await cache.getOrLoad('b', async () => ({ id: 2 }))
  cache.deleteWhere((value) => value.id === 2)
  assert.equal(cache.size, 1)
  cache.delete('a')
  assert.equal(cache.size, 0)
  await cache.getOrLoad('a', async () => ({ id: 1 }))
  cache.clear()
  assert.equal(cache.size, 0)
})

test('concurrent loads of one key share one load', async () => {
  const cache = new ExpiringCache<string, string>({ ttlMs: 60_000, maxEntries: 10 })
  const { calls, load } = counting('v')
  assert.deepEqual(await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load), cache.getOrLoad('k', load)]), ['v', 'v', 'v'])
  assert.equal(calls.count, 1)
})

test('a load that overlaps an invalidation is answered but not stored, and is not shared after it', async () => {
  const cache = new ExpiringCache<string, string>({ ttlMs: 60_000, maxEntries: 10 })
  let release!: (value: string) => void
  const slow = cache.getOrLoad('k', () => new Promise<string>((resolve) => (release = resolve)))
  cache.delete('k') // e.g. a role change published while the old row was being read
  const fresh = counting('new')
  const second = cache.getOrLoad('k', fresh.load)
  release('old')
  assert.equal(await slow, 'old')
  assert.equal(await second, 'new')
  assert.equal(fresh.calls.count, 1)
  const after = counting('unused')
  assert.equal(await cache.getOrLoad('k', after.load), 'new')
  assert.equal(after.calls.count, 0)
})

test('a failed load is not stored and not shared', async () => {
  const cache = new ExpiringCache<string, string>({ ttlMs: 60_000, maxEntries: 10 })
  await assert.rejects(
    cache.getOrLoad('k', async () => Promise.reject(new Error('down'))),
    /down/,
  )
  assert.equal(await cache.getOrLoad('k', async () => 'v'), 'v')
})

test('entries expire after the TTL or their own expiry, whichever is first', () => {
  let now = 1_000
  const cache = new ExpiringCache<string, string>({ ttlMs: 100, maxEntries: 10, now: () => now })
  cache.set('a', 'A', cache.generation)
  cache.set('b', 'B', cache.generation, { expiresAt: 1_050 })
  assert.equal(cache.get('a'), 'A')
  now = 1_050
  assert.equal(cache.get('b'), undefined)
  assert.equal(cache.get('a'), 'A')
  now = 1_100
  assert.equal(cache.get('a'), undefined)
})

test('a value loaded while an invalidation happened is not stored', () => {
  const cache = new ExpiringCache<string, string>({ ttlMs: 1_000, maxEntries: 10 })
  const before = cache.generation
  cache.delete('a') // e.g. a sessionChanged event arriving while the session was being read
  cache.set('a', 'stale', before)
  assert.equal(cache.get('a'), undefined)
  const cleared = cache.generation
  cache.clear()
  cache.set('b', 'stale', cleared)
  assert.equal(cache.size, 0)
})

test('at most maxEntries and maxWeight are kept, the oldest going first; TTL 0 keeps nothing', () => {
  const cache = new ExpiringCache<string, string>({ ttlMs: 1_000, maxEntries: 2, maxWeight: 10 })
  cache.set('a', 'A', cache.generation, { weight: 4 })
  cache.set('b', 'B', cache.generation, { weight: 4 })
  cache.set('c', 'C', cache.generation, { weight: 4 })
  assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], [undefined, 'B', 'C'])
  cache.set('d', 'D', cache.generation, { weight: 11 }) // heavier than the whole cache: not kept
  assert.equal(cache.get('d'), undefined)
  const off = new ExpiringCache<string, string>({ ttlMs: 0, maxEntries: 2 })
  off.set('a', 'A', off.generation)
  assert.equal(off.get('a'), undefined)
})

test('weigh gives what getOrLoad stores its weight', async () => {
  const cache = new ExpiringCache<string, string>({ ttlMs: 1_000, maxEntries: 10, maxWeight: 10, weigh: (value) => value.length })
  await cache.getOrLoad('a', async () => 'aaaaaa')
  await cache.getOrLoad('b', async () => 'bbbbbb') // 6 + 6 > 10: the oldest goes
  assert.deepEqual([cache.get('a'), cache.get('b')], [undefined, 'bbbbbb'])
  await cache.getOrLoad('c', async () => 'c'.repeat(11)) // heavier than the whole cache: answered, not kept
  assert.equal(cache.get('c'), undefined)
})
