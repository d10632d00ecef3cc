import { createHash } from 'node:crypto'
import { lt, type Database, type Db, type EventBus } from '@hearth/kernel'
import { dataEvents } from '../../db/schema.ts'

const DAY_MS = 86_400_000

/** §1.12: validation errors and ingest failures are kept 90 days, every other data event 366 days. */
export function dataEventExpiry(eventType: string, eventTime: Date): Date {
  const days = eventType === 'license.validation-error' || eventType === 'license.ingest-failure' ? 90 : 366
  return new Date(eventTime.getTime() + days * DAY_MS)
}

/** §5: every event lands in `data_events` except the home-jurisdiction change. */
export function isRecordedEvent(eventType: string): boolean {
  return eventType !== 'provider.homeJurisdictionChange'
}

/** The payload of any published event: its compact, usually a jurisdiction and the event time. */
export interface EventPayload {
  compact: string
  jurisdiction?: string
  eventTime?: string
  [field: string]: unknown
}

/**
 * The jurisdictions an event is filed under: its own `jurisdiction`, else those of its `privileges` (a purchase),
 * else `-` (a compact-wide event).
 */
export function jurisdictionsOf(payload: EventPayload): string[] {
  if (typeof payload.jurisdiction === 'string' && payload.jurisdiction !== '') return [payload.jurisdiction]
  const privileges = Array.isArray(payload.privileges) ? (payload.privileges as { jurisdiction?: unknown }[]) : []
  const found = [...new Set(privileges.map((privilege) => privilege?.jurisdiction).filter((value): value is string => typeof value === 'string' && value !== ''))]
  return found.length > 0 ? found : ['-']
}

/** The stored detail: the payload without its filing fields and without anything SSN-like. */
export function detailOf(payload: EventPayload): Record<string, unknown> {
  const detail: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(payload)) {
    if (key === 'compact' || key === 'jurisdiction' || key === 'eventTime' || /ssn/i.test(key)) continue
    detail[key] = value
  }
  return detail
}

/**
 * The data-events recorder (§5 "everything except provider.homeJurisdictionChange → data-events table"), keyed by
 * event name: a producer calls `record(tx, name, payload)` in the transaction that causes the event (then publishes
 * it after commit), so each event is stored exactly once however many processes subscribe to the bus.
 */
export class DataEventsRecorder {
  async record(db: Db, eventType: string, payload: EventPayload, options: { uploadId?: string | null; now?: Date; eventKey?: string } = {}): Promise<number> {
    if (!isRecordedEvent(eventType)) return 0
    const eventTime = payload.eventTime ? new Date(payload.eventTime) : (options.now ?? new Date())
    const rows = jurisdictionsOf(payload).map((jurisdiction) => ({
      compact: payload.compact,
      jurisdiction,
      eventType,
      eventTime,
      uploadId: options.uploadId ?? null,
      detail: detailOf(payload),
      expiresAt: dataEventExpiry(eventType, eventTime),
      eventKey: options.eventKey ?? null,
    }))
    const inserted = await db.insert(dataEvents).values(rows).onConflictDoNothing().returning({ id: dataEvents.id })
    return inserted.length
  }

  /** Deletes the data events whose expiry has passed (the daily purge, the DynamoDB TTL's role). */
  async purgeExpired(db: Db, now: Date): Promise<number> {
    const deleted = await db.delete(dataEvents).where(lt(dataEvents.expiresAt, now)).returning({ id: dataEvents.id })
    return deleted.length
  }
}

/**
 * §5 events recorded from the bus by `recordFromBus`: the military audit (published without recording; it names no
 * jurisdiction, filed under `-`) and the reverts — the upload rollback (`modules/rollback`) records its own in its
 * transaction under the same event key, so their bus copies are not stored again; a revert published by anything
 * else is still recorded. Every other event is recorded in its producer's transaction: `license.ingest`,
 * `license.validation-error`, `license.ingest-failure`, `license.deactivation` (ingest), `privilege.purchase`,
 * `privilege.issued`, `privilege.renewed` (purchases), and the encumbrance, investigation and deactivation events
 * (`modules/encumbrances/effects.ts`).
 */
export const BUS_RECORDED_EVENTS = ['militaryAffiliation.audit', 'license.revert', 'privilege.revert'] as const

/** The same event always hashes the same: name and payload with keys sorted. */
export function eventKeyOf(eventType: string, payload: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value as object)
              .sort()
              .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
          )
        : value
  return createHash('sha256')
    .update(eventType)
    .update('\0')
    .update(JSON.stringify(canonical(payload)))
    .digest('hex')
}

/**
 * Subscribes the recorder to the bus events of `BUS_RECORDED_EVENTS`. With Redis every process receives each event;
 * the event key (hash of name and payload) with a unique index stores it once. Returns the unsubscribe functions.
 */
export async function recordFromBus(
  events: EventBus<Record<string, unknown>>,
  database: Database,
  recorder: DataEventsRecorder,
  log: { error(object: unknown, message?: string): void },
): Promise<(() => Promise<void>)[]> {
  return Promise.all(
    BUS_RECORDED_EVENTS.map((name) =>
      events.subscribe(name, (payload) => {
        if (payload === null || typeof payload !== 'object' || typeof (payload as EventPayload).compact !== 'string') return
        recorder
          .record(database.db, name, payload as EventPayload, { eventKey: eventKeyOf(name, payload) })
          .catch((error: unknown) => log.error({ err: error, event: name }, 'could not record a data event'))
      }),
    ),
  )
}
