import { auditLog } from '../db/schema.ts'
import { and, desc, eq, type Db } from '../db/index.ts'
import { ulid } from './ulid.ts'

export { ulid, ULID_PATTERN } from './ulid.ts'
export { auditLog } from '../db/schema.ts'

/** Who acted and from where; taken from the request by the route layer and handed to services. */
export interface AuditContext {
  subject: string
  sourceIp?: string | null
  userAgent?: string | null
  /** `"<METHOD> <path>"` as called. */
  route?: string | null
}

export interface AuditEntry {
  /** Defaults to a new ULID. */
  id?: string
  /** What was affected; defaults to the entry's own id when there is no object. */
  object?: string
  action: string
  metadata?: Record<string, unknown>
  at?: Date
}

export interface AuditRecord {
  id: string
  object: string
  subject: string
  action: string
  at: Date
  sourceIp: string | null
  userAgent: string | null
  route: string | null
  metadata: Record<string, unknown>
}

/**
 * Writes one audit entry with `db`: pass the transaction that makes the change, so the entry and
 * the change commit together (or neither does). For refused attempts, pass the database itself.
 */
export async function audit(db: Db, context: AuditContext, entry: AuditEntry): Promise<AuditRecord> {
  const [record] = await auditAll(db, context, [entry])
  return record!
}

/**
 * Writes several entries by one actor in one statement (one round trip, which matters where the
 * transaction holds a row lock that others queue on). Same transaction rule as `audit`.
 */
export async function auditAll(db: Db, context: AuditContext, entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
  const records = entries.map((entry) => recordOf(context, entry))
  if (records.length > 0) await db.insert(auditLog).values(records)
  return records
}

function recordOf(context: AuditContext, entry: AuditEntry): AuditRecord {
  const id = entry.id ?? ulid()
  return {
    id,
    object: entry.object ?? id,
    subject: context.subject,
    action: entry.action,
    at: entry.at ?? new Date(),
    sourceIp: context.sourceIp ?? null,
    userAgent: context.userAgent ?? null,
    route: context.route ?? null,
    metadata: entry.metadata ?? {},
  }
}

/** Entries about one object, newest first. */
export async function auditByObject(db: Db, object: string): Promise<AuditRecord[]> {
  return (await db.select().from(auditLog).where(eq(auditLog.object, object)).orderBy(desc(auditLog.id))) as AuditRecord[]
}

/** Entries by one subject, newest first. */
export async function auditBySubject(db: Db, subject: string): Promise<AuditRecord[]> {
  return (await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.subject, subject)))
    .orderBy(desc(auditLog.at), desc(auditLog.id))) as AuditRecord[]
}
