import type { Db } from '@hearth/kernel'
import type { ExpiringCache } from '@hearth/kernel/cache'
import type { DevmarktCaches } from '../cache/caches.ts'
import type { Repositories } from '../container.ts'
import type { AnswerRecord, ApplicationRow } from '../modules/applications/application.repository.ts'
import type { TemplateRecord } from '../modules/templates/template.repository.ts'
import type { UserRow } from '../modules/users/user.repository.ts'

/**
 * Collects the keys asked for during one tick and loads them with one query; remembers results for
 * the rest of the request. With a `shared` cache (one of `DevmarktCaches`, outliving the request and
 * invalidated through the event bus), a key found there costs no query, and what a batch loads is
 * stored there unless an invalidation happened while it ran.
 */
export class BatchLoader<Key, Value> {
  private readonly cache = new Map<Key, Promise<Value | undefined>>()
  private pending: { key: Key; resolve(value: Value | undefined): void; reject(error: unknown): void }[] = []

  constructor(
    private readonly batch: (keys: Key[]) => Promise<Map<Key, Value>>,
    private readonly shared?: ExpiringCache<Key, Value>,
  ) {}

  load(key: Key): Promise<Value | undefined> {
    const cached = this.cache.get(key)
    if (cached) return cached
    const shared = this.shared?.get(key)
    if (shared !== undefined) {
      const found = Promise.resolve(shared)
      this.cache.set(key, found)
      return found
    }
    const promise = new Promise<Value | undefined>((resolve, reject) => {
      if (this.pending.length === 0) queueMicrotask(() => void this.dispatch())
      this.pending.push({ key, resolve, reject })
    })
    this.cache.set(key, promise)
    return promise
  }

  /** Seeds the cache with a row the caller already has. */
  prime(key: Key, value: Value): void {
    if (!this.cache.has(key)) this.cache.set(key, Promise.resolve(value))
  }

  private async dispatch(): Promise<void> {
    const pending = this.pending
    this.pending = []
    const generation = this.shared?.generation ?? 0
    try {
      const found = await this.batch([...new Set(pending.map((entry) => entry.key))])
      if (this.shared) for (const [key, value] of found) this.shared.set(key, value, generation)
      for (const entry of pending) entry.resolve(found.get(entry.key))
    } catch (error) {
      for (const entry of pending) {
        this.cache.delete(entry.key)
        entry.reject(error)
      }
    }
  }
}

const byKey = <Row, Key>(rows: Row[], key: (row: Row) => Key) => new Map(rows.map((row) => [key(row), row]))

function groupBy<Row, Key>(keys: Key[], rows: Row[], key: (row: Row) => Key): Map<Key, Row[]> {
  const groups = new Map<Key, Row[]>(keys.map((k) => [k, []]))
  for (const row of rows) groups.get(key(row))?.push(row)
  return groups
}

/** Only applications with answers are listed (an id not yet created must not be remembered as answerless). */
function answersByApplication(rows: AnswerRecord[]): Map<number, AnswerRecord[]> {
  const groups = new Map<number, AnswerRecord[]>()
  for (const row of rows) {
    const group = groups.get(row.applicationId)
    if (group) group.push(row)
    else groups.set(row.applicationId, [row])
  }
  return groups
}

/**
 * The request's loaders. Rows by id (applications, users, templates, an application's answers) go
 * through the shared caches, so a repeated `application(id:)` reads nothing from PostgreSQL; the
 * per-user lists are read on every request.
 */
export function createLoaders(db: Db, { applications, users, templates }: Repositories, caches: DevmarktCaches) {
  return {
    application: new BatchLoader<number, ApplicationRow>(async (ids) => byKey(await applications.byIds(db, ids), (row) => row.id), caches.applications),
    user: new BatchLoader<number, UserRow>(async (ids) => byKey(await users.byIds(db, ids), (row) => row.id), caches.usersById),
    template: new BatchLoader<number, TemplateRecord>(async (ids) => byKey(await templates.byIds(db, ids), (row) => row.id), caches.templatesById),
    answers: new BatchLoader<number, AnswerRecord[]>(async (ids) => answersByApplication(await applications.answersOf(db, ids)), caches.answers),
    applicationsOfUser: new BatchLoader<number, ApplicationRow[]>(async (ids) => groupBy(ids, await applications.ofUsers(db, ids), (row) => row.userId)),
    currentApplication: new BatchLoader<number, ApplicationRow>(async (ids) => {
      const found = new Map<number, ApplicationRow>()
      for (const row of await applications.unprocessedOfUsers(db, ids)) if (!found.has(row.userId)) found.set(row.userId, row)
      return found
    }),
  }
}

export type Loaders = ReturnType<typeof createLoaders>
