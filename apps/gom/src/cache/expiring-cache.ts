/**
 * A small in-process cache (the same contract as Devmarkt's `ExpiringCache`; a kernel candidate):
 * entries expire after `ttlMs` (or earlier, when stored with their own expiry); at most
 * `maxEntries` and `maxWeight` (e.g. bytes) are kept, the oldest inserted going first. Every
 * invalidation bumps a generation: a value loaded while an invalidation happened is not stored
 * (`set` with the generation read before the load), so a row read before a change (in this or
 * another process) cannot outlive that change's invalidation. `ttlMs` 0 disables the cache.
 */
export class ExpiringCache<Key, Value> {
  private readonly entries = new Map<Key, { value: Value; expiresAt: number; weight: number }>()
  private weight = 0
  private currentGeneration = 0

  constructor(private readonly options: { ttlMs: number; maxEntries: number; maxWeight?: number; now?: () => number }) {}

  get enabled(): boolean {
    return this.options.ttlMs > 0
  }

  get size(): number {
    return this.entries.size
  }

  /** Read before loading a value; pass it to `set` so a load that raced an invalidation is dropped. */
  get generation(): number {
    return this.currentGeneration
  }

  get(key: Key): Value | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt > this.now()) return entry.value
    this.remove(key)
    return undefined
  }

  /** Stores `value` unless an invalidation happened since `generation` was read. */
  set(key: Key, value: Value, generation: number, options: { weight?: number; expiresAt?: number } = {}): void {
    if (!this.enabled || generation !== this.currentGeneration) return
    const weight = options.weight ?? 1
    const maxWeight = this.options.maxWeight ?? Number.POSITIVE_INFINITY
    if (weight > maxWeight) return
    const expiresAt = Math.min(this.now() + this.options.ttlMs, options.expiresAt ?? Number.POSITIVE_INFINITY)
    if (expiresAt <= this.now()) return
    this.remove(key)
    while (this.entries.size > 0 && (this.entries.size >= this.options.maxEntries || this.weight + weight > maxWeight)) {
      const oldest = this.entries.keys().next()
      if (oldest.done) break
      this.remove(oldest.value)
    }
    this.entries.set(key, { value, expiresAt, weight })
    this.weight += weight
  }

  delete(key: Key): void {
    this.currentGeneration++
    this.remove(key)
  }

  clear(): void {
    this.currentGeneration++
    this.entries.clear()
    this.weight = 0
  }

  private remove(key: Key): void {
    const entry = this.entries.get(key)
    if (entry === undefined) return
    this.entries.delete(key)
    this.weight -= entry.weight
  }

  private now(): number {
    return this.options.now?.() ?? Date.now()
  }
}
