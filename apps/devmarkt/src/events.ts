import type { EventBus } from '@hearth/kernel'

export type ApplicationStatus = 'UNPROCESSED' | 'REJECTED' | 'ACCEPTED'

/**
 * Every event Devmarkt publishes on the kernel bus (in-process, or through Redis across processes).
 * Payloads carry ids only; subscribers load rows when they deliver, so nothing 64-bit or stale
 * travels through Redis.
 */
export interface DevmarktEvents extends Record<string, unknown> {
  applicationCreated: { id: number }
  applicationDeleted: { id: number }
  applicationProcessed: { id: number; status: ApplicationStatus }
  /** An application's answer texts were rewritten (not a GraphQL subscription: it keeps caches in step). */
  applicationUpdated: { id: number }
  /** A user's role changed or the user was deleted: every process ends that user's subscriptions. */
  userSessionsEnded: { userId: number }
  /** A template was created, updated or deleted (published after the commit): caches drop the list. */
  templatesChanged: Record<string, never>
  /** The QA reseed dropped and re-created the schema (ids restart): caches drop everything. */
  databaseReset: Record<string, never>
}

export type DevmarktEventBus = EventBus<DevmarktEvents>
export type EventPublisher = Pick<DevmarktEventBus, 'publish'>
