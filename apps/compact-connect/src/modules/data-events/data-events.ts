import { lt, type Db } from '@hearth/kernel'
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
  async record(db: Db, eventType: string, payload: EventPayload, options: { uploadId?: string | null; now?: Date } = {}): Promise<number> {
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
    }))
    await db.insert(dataEvents).values(rows)
    return rows.length
  }

  /** Deletes the data events whose expiry has passed (the daily purge, the DynamoDB TTL's role). */
  async purgeExpired(db: Db, now: Date): Promise<number> {
    const deleted = await db.delete(dataEvents).where(lt(dataEvents.expiresAt, now)).returning({ id: dataEvents.id })
    return deleted.length
  }
}
