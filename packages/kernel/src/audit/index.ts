import { auditLog } from '../db/schema.ts'
import { and, defineStatement, desc, eq, runStatement, type Db } from '../db/index.ts'
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
  if (entries.length === 0) return []
  const { records, params } = auditParams(context, entries)
  await runStatement(db, insertAuditEntries, params)
  return records
}

/**
 * The `INSERT` of audit entries for a plain-SQL statement, its nine parameters numbered from
 * `first` (`auditParams` gives them): an app puts it in a `WITH` beside the writes it records, so
 * the change and its entries are one statement. Times and metadata travel as text and are cast
 * here, so both drivers send them alike.
 */
export function auditInsert(first: number): string {
  const $ = (n: number) => `$${first + n - 1}`
  return (
    'INSERT INTO audit_log (id, object, subject, action, at, source_ip, user_agent, route, metadata) ' +
    `SELECT e.id, e.object, ${$(6)}::text, e.action, e.at::timestamptz, ${$(7)}::text, ${$(8)}::text, ${$(9)}::text, e.metadata::jsonb ` +
    `FROM unnest(${$(1)}::text[], ${$(2)}::text[], ${$(3)}::text[], ${$(4)}::text[], ${$(5)}::text[]) AS e(id, object, action, at, metadata)`
  )
}

/** The entries of one actor as `auditInsert`'s parameters (one array element per entry), and the records they write. */
export function auditParams(context: AuditContext, entries: readonly AuditEntry[]): { records: AuditRecord[]; params: unknown[] } {
  const records = entries.map((entry) => recordOf(context, entry))
  return {
    records,
    params: [
      records.map((record) => record.id),
      records.map((record) => record.object),
      records.map((record) => record.action),
      records.map((record) => record.at.toISOString()),
      records.map((record) => JSON.stringify(record.metadata)),
      context.subject,
      context.sourceIp ?? null,
      context.userAgent ?? null,
      context.route ?? null,
    ],
  }
}

const insertAuditEntries = defineStatement('kernel_audit_insert', auditInsert(1))

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
