import type { DevmarktEventBus, EventPublisher } from '../events.ts'
import type { TemplateRecord } from '../modules/templates/template.repository.ts'
import type { UserRow } from '../modules/users/user.repository.ts'
import { ExpiringCache } from '@hearth/kernel/cache'

export const DEFAULT_CACHE_TTL_MS = 5_000
const USER_LIMIT = 10_000

/**
 * Devmarkt's two read caches, both in-process and both invalidated in every process through the
 * kernel bus (Redis when `REDIS_URL` is set):
 * - `users`: the user row behind a credential's `type:number` (id, type, number, role). Evicted on
 *   `userSessionsEnded` (role change, deletion) and `databaseReset` (QA reseed; ids restart).
 * - `templates`: the enabled templates with their questions. Cleared on `templatesChanged`
 *   (create/update/delete, published after the transaction commits) and `databaseReset`.
 * The process that makes a change evicts locally first (so its own next request sees it), then
 * publishes for the others. The TTL bounds staleness if a message is ever lost.
 */
export class DevmarktCaches {
  readonly users: ExpiringCache<string, UserRow>
  readonly templates: ExpiringCache<'enabled', TemplateRecord[]>

  constructor(
    private readonly events: EventPublisher,
    ttlMs: number = DEFAULT_CACHE_TTL_MS,
  ) {
    this.users = new ExpiringCache({ ttlMs, maxEntries: USER_LIMIT })
    this.templates = new ExpiringCache({ ttlMs, maxEntries: 1 })
  }

  /** Evicts the user here and ends its sessions (and cache entries) in every process. */
  async userChanged(userId: number): Promise<void> {
    this.evictUser(userId)
    await this.events.publish('userSessionsEnded', { userId })
  }

  async templatesChanged(): Promise<void> {
    this.templates.clear()
    await this.events.publish('templatesChanged', {})
  }

  async databaseReset(): Promise<void> {
    this.clear()
    await this.events.publish('databaseReset', {})
  }

  /** Keeps this process' caches in step with changes made by any process. */
  async listen(bus: DevmarktEventBus): Promise<void> {
    await bus.subscribe('userSessionsEnded', ({ userId }) => this.evictUser(userId))
    await bus.subscribe('templatesChanged', () => this.templates.clear())
    await bus.subscribe('databaseReset', () => this.clear())
  }

  private evictUser(userId: number): void {
    this.users.deleteWhere((user) => user.id === userId)
  }

  private clear(): void {
    this.users.clear()
    this.templates.clear()
  }
}

/** The users cache key of a public id. */
export const userKey = (type: string, number: bigint): string => `${type}:${number}`
