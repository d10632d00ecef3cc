import type { Database } from '@hearth/kernel'
import { auditByObject, auditBySubject } from '@hearth/kernel/audit'
import { toAuditLogView } from '../../mappers.ts'
import type { AuditLogT } from '../../http/schemas.ts'

/** Reads the kernel's audit table (its own queries), in the original's shape. */
export class AuditLogService {
  constructor(private readonly database: Database) {}

  async byObject(object: string): Promise<AuditLogT[]> {
    return (await auditByObject(this.database.db, object)).map(toAuditLogView)
  }

  async bySubject(subject: string): Promise<AuditLogT[]> {
    return (await auditBySubject(this.database.db, subject)).map(toAuditLogView)
  }
}
