import type { Caller } from '../permissions.ts'
import type { Services } from '../container.ts'
import type { ModelName } from '../modules/shared/model.ts'
import type { NodeRecord } from '../modules/shared/records.repository.ts'

/**
 * Collects the keys asked for during one tick and loads them with one query; remembers results for
 * the rest of the request (request-scoped: nothing outlives it).
 */
export class BatchLoader<Value> {
  private readonly cache = new Map<string, Promise<Value | undefined>>()
  private pending: { key: string; resolve(value: Value | undefined): void; reject(error: unknown): void }[] = []

  constructor(private readonly batch: (keys: string[]) => Promise<Map<string, Value>>) {}

  load(key: string): Promise<Value | undefined> {
    const cached = this.cache.get(key)
    if (cached) return cached
    const promise = new Promise<Value | undefined>((resolve, reject) => {
      if (this.pending.length === 0) queueMicrotask(() => void this.dispatch())
      this.pending.push({ key, resolve, reject })
    })
    this.cache.set(key, promise)
    return promise
  }

  private async dispatch(): Promise<void> {
    const pending = this.pending
    this.pending = []
    try {
      const found = await this.batch([...new Set(pending.map((entry) => entry.key))])
      for (const entry of pending) entry.resolve(found.get(entry.key))
    } catch (error) {
      for (const entry of pending) entry.reject(error)
    }
  }
}

/** What every resolver sees: the caller, the services, and request-scoped loaders scoped to the caller. */
export class GomContext {
  private readonly rows = new Map<ModelName, BatchLoader<NodeRecord>>()
  private readonly lists = new Map<string, BatchLoader<NodeRecord[]>>()

  constructor(
    readonly caller: Caller | undefined,
    readonly services: Services,
  ) {}

  /** Visible rows of a model by uid. */
  row(model: ModelName): BatchLoader<NodeRecord> {
    let loader = this.rows.get(model)
    if (!loader) {
      loader = new BatchLoader((uids) => this.services.reads.byUids(this.caller, model, uids))
      this.rows.set(model, loader)
    }
    return loader
  }

  /** Visible rows of a to-many relation (no arguments), by parent uid. */
  children(parent: ModelName, relation: string, target: ModelName): BatchLoader<NodeRecord[]> {
    const key = `${parent}.${relation}`
    let loader = this.lists.get(key)
    if (!loader) {
      loader = new BatchLoader((uids) => this.services.reads.children(this.caller, parent, relation, target, uids))
      this.lists.set(key, loader)
    }
    return loader
  }
}
