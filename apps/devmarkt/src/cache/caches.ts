import type { DevmarktEventBus, EventPublisher } from '../events.ts'
import type { AnswerRecord, ApplicationRow } from '../modules/applications/application.repository.ts'
import type { TemplateRecord } from '../modules/templates/template.repository.ts'
import type { UserRow } from '../modules/users/user.repository.ts'
import { ExpiringCache } from '@hearth/kernel/cache'

export const DEFAULT_CACHE_TTL_MS = 5_000
const USER_LIMIT = 10_000
const APPLICATION_LIMIT = 10_000
const TEMPLATE_LIMIT = 1_000

/**
 * Devmarkt's read caches, all in-process and all invalidated in every process through the kernel bus
 * (Redis when `REDIS_URL` is set):
 * - `users`: the user row behind a credential's `type:number` (id, type, number, role), and
 *   `usersById`, the same rows by id for the GraphQL loaders. Evicted on `userSessionsEnded` (role
 *   change, deletion) and `databaseReset` (QA reseed; ids restart).
 * - `templates`: the enabled templates with their questions, and `templatesById`, any template
 *   version with its questions for the loaders. Cleared on `templatesChanged` (create/update/delete,
 *   published after the transaction commits) and `databaseReset`.
 * - `applications` and `answers`: application rows and each application's answers (with their
 *   questions) by application id, for the loaders behind `application(id:)` and `User.applications`.
 *   Evicted on `applicationProcessed`, `applicationUpdated` (answer texts) and `applicationDeleted`;
 *   cleared on `userSessionsEnded` (a deleted user's applications go with it), `templatesChanged`
 *   (a deleted template takes its applications) and `databaseReset`.
 * The process that makes a change evicts locally first (so its own next request sees it), then
 * publishes for the others; a reader in another process sees the change once the event arrives
 * (milliseconds), and the TTL (`DEVMARKT_CACHE_TTL_MS`, 5 s by default) bounds staleness if a message
 * is ever lost.
 */
export class DevmarktCaches {
  readonly users: ExpiringCache<string, UserRow>
  readonly usersById: ExpiringCache<number, UserRow>
  readonly templates: ExpiringCache<'enabled', TemplateRecord[]>
  readonly templatesById: ExpiringCache<number, TemplateRecord>
  readonly applications: ExpiringCache<number, ApplicationRow>
  readonly answers: ExpiringCache<number, AnswerRecord[]>

  constructor(
    private readonly events: EventPublisher,
    ttlMs: number = DEFAULT_CACHE_TTL_MS,
  ) {
    this.users = new ExpiringCache({ ttlMs, maxEntries: USER_LIMIT })
    this.usersById = new ExpiringCache({ ttlMs, maxEntries: USER_LIMIT })
    this.templates = new ExpiringCache({ ttlMs, maxEntries: 1 })
    this.templatesById = new ExpiringCache({ ttlMs, maxEntries: TEMPLATE_LIMIT })
    this.applications = new ExpiringCache({ ttlMs, maxEntries: APPLICATION_LIMIT })
    this.answers = new ExpiringCache({ ttlMs, maxEntries: APPLICATION_LIMIT })
  }

  /**
   * Evicts an application written by this process (its status, answers or existence changed). The
   * event the service publishes afterwards evicts it in the other processes.
   */
  applicationWritten(applicationId: number): void {
    this.applications.delete(applicationId)
    this.answers.delete(applicationId)
  }

  /** Evicts the user here and ends its sessions (and cache entries) in every process. */
  async userChanged(userId: number): Promise<void> {
    this.evictUser(userId)
    await this.events.publish('userSessionsEnded', { userId })
  }

  async templatesChanged(): Promise<void> {
    this.clearTemplates()
    await this.events.publish('templatesChanged', {})
  }

  async databaseReset(): Promise<void> {
    this.clear()
    await this.events.publish('databaseReset', {})
  }

  /** Keeps this process' caches in step with changes made by any process. */
  async listen(bus: DevmarktEventBus): Promise<void> {
    await bus.subscribe('userSessionsEnded', ({ userId }) => this.evictUser(userId))
    await bus.subscribe('templatesChanged', () => this.clearTemplates())
    await bus.subscribe('applicationProcessed', ({ id }) => this.applicationWritten(id))
    await bus.subscribe('applicationUpdated', ({ id }) => this.applicationWritten(id))
    await bus.subscribe('applicationDeleted', ({ id }) => this.applicationWritten(id))
    await bus.subscribe('databaseReset', () => this.clear())
  }

  private evictUser(userId: number): void {
    this.users.deleteWhere((user) => user.id === userId)
    this.usersById.delete(userId)
    this.clearApplications()
  }

  private clearTemplates(): void {
    this.templates.clear()
    this.templatesById.clear()
    this.clearApplications()
  }

  private clearApplications(): void {
    this.applications.clear()
    this.answers.clear()
  }

  private clear(): void {
    this.users.clear()
    this.usersById.clear()
    this.clearTemplates()
  }
}

/** The users cache key of a public id. */
export const userKey = (type: string, number: bigint): string => `${type}:${number}`
