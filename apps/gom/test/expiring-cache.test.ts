import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ExpiringCache } from '../src/cache/expiring-cache.ts'

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
