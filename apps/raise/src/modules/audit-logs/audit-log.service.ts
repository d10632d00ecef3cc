import type { Database } from '@hearth/kernel'
import { auditByObject, auditBySubject, type AuditRecord } from '@hearth/kernel/audit'
import type { AuditLogT } from '../../http/schemas.ts'

/** The kernel's audit record in the original's shape (Unix seconds, `routeRaw`, `ttl: null`). */
export function presentAuditLog(record: AuditRecord): AuditLogT {
  return {
    id: record.id,
    object: record.object,
    subject: record.subject,
    action: record.action as AuditLogT['action'],
    at: Math.floor(record.at.getTime() / 1000),
    sourceIp: record.sourceIp ?? '',
    userAgent: record.userAgent ?? '',
    routeRaw: record.route ?? '',
    metadata: record.metadata,
    ttl: null,
  }
}

export function createAuditLogService(database: Database) {
  return {
    byObject: async (object: string) => (await auditByObject(database.db, object)).map(presentAuditLog),
    bySubject: async (subject: string) => (await auditBySubject(database.db, subject)).map(presentAuditLog),
  }
}
