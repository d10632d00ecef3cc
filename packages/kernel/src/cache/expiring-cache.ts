/**
 * A small in-process cache: entries expire after `ttlMs` (or earlier, when stored with their own
 * expiry); at most `maxEntries` (and, when set, `maxWeight`, e.g. bytes) are kept, the oldest inserted
 * going first; concurrent `getOrLoad`s of one key share one promise. Every invalidation bumps a
 * generation: a value loaded while an invalidation happened is answered to its callers but not stored,
 * so a row read before a change (in this or another process) cannot outlive the change's invalidation.
 * `undefined` (not found) is never stored. `ttlMs` 0 disables the cache.
 *
 * Two ways to use it: `getOrLoad(key, load)`, which does all of the above; or, when the load is not a
 * function call (an answer produced by a whole request), read `generation` before producing the value
 * and `set(key, value, generation)` after: the value is dropped if an invalidation happened in between.
 */
export class ExpiringCache<Key, Value> {
  private readonly entries = new Map<Key, { value: Value; expiresAt: number; weight: number }>()
  private readonly loading = new Map<Key, { generation: number; promise: Promise<Value | undefined> }>()
  private totalWeight = 0
  private currentGeneration = 0

  constructor(
    private readonly options: {
      ttlMs: number
      maxEntries: number
      maxWeight?: number
      /** An entry's weight when `set` is given none (what `getOrLoad` stores); 1 by default. */
      weigh?: (value: Value) => number
      now?: () => number
    },
  ) {}

  get enabled(): boolean {
    return this.options.ttlMs > 0
  }

  get size(): number {
    return this.entries.size
  }

  /** Read before producing a value; pass it to `set` so a value that raced an invalidation is dropped. */
  get generation(): number {
    return this.currentGeneration
  }

  /** The stored value, if present and not expired. */
  get(key: Key): Value | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt > this.now()) return entry.value
    this.remove(key)
    return undefined
  }

  async getOrLoad(key: Key, load: () => Promise<Value | undefined>): Promise<Value | undefined> {
    if (!this.enabled) return load()
    const found = this.get(key)
    if (found !== undefined) return found
    const running = this.loading.get(key)
    if (running !== undefined && running.generation === this.currentGeneration) return running.promise
    const generation = this.currentGeneration
    const promise = load().then(
      (value) => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key)
        if (value !== undefined) this.set(key, value, generation)
        return value
      },
      (error: unknown) => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key)
        throw error
      },
    )
    this.loading.set(key, { generation, promise })
    return promise
  }

  /** Stores `value` unless an invalidation happened since `generation` was read (or it is heavier than `maxWeight`). */
  set(key: Key, value: Value, generation: number, options: { weight?: number; expiresAt?: number } = {}): void {
    if (!this.enabled || generation !== this.currentGeneration) return
    const weight = options.weight ?? this.options.weigh?.(value) ?? 1
    const maxWeight = this.options.maxWeight ?? Number.POSITIVE_INFINITY
    if (weight > maxWeight) return
    const now = this.now()
    const expiresAt = Math.min(now + this.options.ttlMs, options.expiresAt ?? Number.POSITIVE_INFINITY)
    if (expiresAt <= now) return
    this.remove(key)
    while (this.entries.size > 0 && (this.entries.size >= this.options.maxEntries || this.totalWeight + weight > maxWeight)) {
      const oldest = this.entries.keys().next()
      if (oldest.done) break
      this.remove(oldest.value)
    }
    this.entries.set(key, { value, expiresAt, weight })
    this.totalWeight += weight
  }

  delete(key: Key): void {
    this.currentGeneration++
    this.remove(key)
  }

  /** Removes every entry whose value matches (an event names a row by its id, the key is another). */
  deleteWhere(matches: (value: Value) => boolean): void {
    this.currentGeneration++
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.remove(key)
  }

  clear(): void {
    this.currentGeneration++
    this.entries.clear()
    this.totalWeight = 0
  }

  private remove(key: Key): void {
    const entry = this.entries.get(key)
    if (entry === undefined) return
    this.entries.delete(key)
    this.totalWeight -= entry.weight
  }

  private now(): number {
    return this.options.now?.() ?? Date.now()
  }
}
