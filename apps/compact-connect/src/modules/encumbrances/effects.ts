import type { Db, EventBus } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import { isoDateTime } from '../../domain/dates.ts'
import { longDate, type RecordKind } from '../../domain/enforcement.ts'
import type { CompactConnectEvents } from '../../events.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import type { NotificationRequest, NotificationTemplate } from '../notifications/notification.types.ts'
import type { EnforcementRepository } from './enforcement.repository.ts'
import { dataEventExpiry } from '../data-events/data-events.ts'

type Logger = { error(object: unknown, message?: string): void }

/** One event to publish after commit, name and payload paired. */
/** The §5 domain events (each names its compact); process-internal events such as `feature-flags.changed` are not among them. */
type DomainEventName = { [Name in keyof CompactConnectEvents]: CompactConnectEvents[Name] extends { compact: string } ? Name : never }[keyof CompactConnectEvents]
export type PendingEvent = { [Name in DomainEventName]: { name: Name; payload: CompactConnectEvents[Name] } }[DomainEventName]

/**
 * What one use case causes besides its own rows, gathered inside its transaction: `notification.send` jobs (outbox,
 * so a rolled-back change sends nothing), data-event rows (§5: every event except the home-jurisdiction change, kept
 * 366 days) and the events to publish once the transaction has committed.
 */
export class Effects {
  readonly events: PendingEvent[] = []

  constructor(
    private readonly tx: Db,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly repository: EnforcementRepository,
    readonly now: Date,
  ) {}

  async notify(request: NotificationRequest, key: string): Promise<void> {
    await this.jobs.enqueue(this.tx, 'notification.send', request, { idempotencyKey: `${request.template}:${key}` })
  }

  /** Queues the event for after commit; with a jurisdiction it also lands in the data-events table. */
  async event(event: PendingEvent, dataEvent?: { jurisdiction: string; detail: Record<string, unknown> }): Promise<void> {
    this.events.push(event)
    if (dataEvent) {
      await this.repository.insertDataEvents(this.tx, [
        {
          compact: event.payload.compact,
          jurisdiction: dataEvent.jurisdiction,
          eventType: event.name,
          eventTime: this.now,
          uploadId: null,
          detail: dataEvent.detail,
          expiresAt: dataEventExpiry(event.name, this.now),
        },
      ])
    }
  }
}

/** Publishes after commit; a bus failure is logged, never undoes the committed change. */
export async function publishAll(bus: EventBus<CompactConnectEvents>, log: Logger, events: readonly PendingEvent[]): Promise<void> {
  for (const event of events) {
    try {
      await (bus.publish as (name: string, payload: unknown) => Promise<void>)(event.name, event.payload)
    } catch (error) {
      log.error({ err: error, event: event.name }, 'could not publish an event')
    }
  }
}

/** A stored row as the `previous` snapshot of an update record (§1.5): no surrogate id, absent for null, ISO moments. */
export function snapshotOf(row: Record<string, unknown>): Record<string, unknown> {
  const snapshot: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    if (key === 'id' || value === null || value === undefined) continue
    snapshot[key] = value instanceof Date ? isoDateTime(value) : value
  }
  return snapshot
}

// ---- notification payloads (§4.15; template variables as the original's notification service takes them) ----

interface Person {
  givenName: string
  familyName: string
  compactConnectRegisteredEmailAddress: string | null
}

/**
 * §4.8: the provider's e-mail (when registered) and one state notification per notified jurisdiction (acting state
 * first, then every other state where the provider holds a license or privilege) for an encumbrance or its lifting.
 */
export function encumbranceNotifications(input: {
  kind: RecordKind
  lifting: boolean
  compact: string
  providerId: string
  provider: Person
  actingJurisdiction: string
  licenseType: string
  date: string
  jurisdictions: readonly string[]
}): NotificationRequest[] {
  const base = `${input.kind}Encumbrance${input.lifting ? 'Lifting' : ''}`
  const where: Record<string, string> = input.lifting ? { liftedJurisdiction: input.actingJurisdiction } : { encumberedJurisdiction: input.actingJurisdiction }
  const when: Record<string, string> = input.lifting ? { effectiveLiftDate: longDate(input.date) } : { effectiveStartDate: longDate(input.date) }
  const names = { providerFirstName: input.provider.givenName, providerLastName: input.provider.familyName }
  const requests: NotificationRequest[] = []
  if (input.provider.compactConnectRegisteredEmailAddress) {
    requests.push({
      template: `${base}ProviderNotification` as NotificationTemplate,
      recipientType: 'SPECIFIC',
      compact: input.compact,
      specificEmails: [input.provider.compactConnectRegisteredEmailAddress],
      templateVariables: { ...names, ...where, licenseType: input.licenseType, ...when },
    })
  }
  for (const jurisdiction of input.jurisdictions) {
    requests.push({
      template: `${base}StateNotification` as NotificationTemplate,
      recipientType: 'JURISDICTION_ADVERSE_ACTIONS',
      compact: input.compact,
      jurisdiction,
      templateVariables: { ...names, providerId: input.providerId, ...where, licenseType: input.licenseType, ...when },
    })
  }
  return requests
}

/** §4.9: state notifications (adverse-action lists) of an investigation opened or closed; no provider e-mail. */
export function investigationNotifications(input: {
  kind: RecordKind
  closed: boolean
  compact: string
  providerId: string
  provider: Person
  investigationJurisdiction: string
  licenseType: string
  jurisdictions: readonly string[]
}): NotificationRequest[] {
  const template = `${input.kind}Investigation${input.closed ? 'Closed' : ''}StateNotification` as NotificationTemplate
  return input.jurisdictions.map((jurisdiction) => ({
    template,
    recipientType: 'JURISDICTION_ADVERSE_ACTIONS',
    compact: input.compact,
    jurisdiction,
    templateVariables: {
      providerFirstName: input.provider.givenName,
      providerLastName: input.provider.familyName,
      providerId: input.providerId,
      investigationJurisdiction: input.investigationJurisdiction,
      licenseType: input.licenseType,
    },
  }))
}
