/**
 * A small in-process cache: entries expire after `ttlMs`, at most `maxEntries` are kept (the oldest
 * inserted goes first), and concurrent loads of one key share one promise. Every invalidation bumps
 * a generation; a load that was running when an invalidation happened is returned to its callers but
 * not stored, so a row read before a change (in this or another process) cannot outlive the
 * change's invalidation. `undefined` (not found) is never stored. `ttlMs` 0 disables the cache.
 */
export class ExpiringCache<Key, Value> {
  private readonly entries = new Map<Key, { value: Value; expiresAt: number }>()
  private readonly loading = new Map<Key, { generation: number; promise: Promise<Value | undefined> }>()
  private generation = 0

  constructor(private readonly options: { ttlMs: number; maxEntries: number; now?: () => number }) {}

  get size(): number {
    return this.entries.size
  }

  async getOrLoad(key: Key, load: () => Promise<Value | undefined>): Promise<Value | undefined> {
    if (this.options.ttlMs <= 0) return load()
    const now = this.options.now?.() ?? Date.now()
    const entry = this.entries.get(key)
    if (entry !== undefined) {
      if (entry.expiresAt > now) return entry.value
      this.entries.delete(key)
    }
    const running = this.loading.get(key)
    if (running !== undefined && running.generation === this.generation) return running.promise
    const generation = this.generation
    const promise = load().then(
      (value) => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key)
        if (value !== undefined && generation === this.generation) this.store(key, value)
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

  delete(key: Key): void {
    this.generation++
    this.entries.delete(key)
  }

  /** Removes every entry whose value matches (an event names a row by its id, the key is another). */
  deleteWhere(matches: (value: Value) => boolean): void {
    this.generation++
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key)
  }

  clear(): void {
    this.generation++
    this.entries.clear()
  }

  private store(key: Key, value: Value): void {
    if (this.entries.size >= this.options.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
    this.entries.set(key, { value, expiresAt: (this.options.now?.() ?? Date.now()) + this.options.ttlMs })
  }
}
