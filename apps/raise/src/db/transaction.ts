import { HearthError, errors, decodeDatabaseError, type Database, type Db } from '@hearth/kernel'
import { audit, auditAll, type AuditContext, type AuditEntry } from '@hearth/kernel/audit'
import { conflictMessage } from '../http/errors.ts'

/** Runs one use case's transaction; a duplicate key, serialisation failure or deadlock becomes the original's 409. */
export function transaction<T>(database: Database, fn: (tx: Db) => Promise<T>): Promise<T> {
  return conflictOnRace(() => database.transaction(fn))
}

/** A write that is atomic alone (one statement, or a transaction): a duplicate key, serialisation failure or deadlock becomes the original's 409. */
export async function conflictOnRace<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (error instanceof HearthError) throw error
    const failure = decodeDatabaseError(error)?.failure
    if (failure === 'unique' || failure === 'serialization') throw errors.conflict(conflictMessage())
    throw error
  }
}

/** Unix seconds now. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/** An audit entry in the original's vocabulary (`create`/`edit`/`plus`/…, `{tableName, data}`). */
export function auditWrite(db: Db, context: AuditContext, action: string, object: string | undefined, metadata: Record<string, unknown>) {
  return audit(db, context, { action, object, metadata, at: new Date(nowSeconds() * 1000) })
}

/**
 * Audit entries gathered while a transaction runs and written together by `write`, in one statement
 * instead of one per entry: one round trip fewer per entry on the write path (most of all where the
 * transaction holds a row lock that others queue on).
 */
export class AuditBatch {
  private readonly entries: AuditEntry[] = []

  constructor(readonly context: AuditContext) {}

  /** As `auditWrite` would write it, timestamped now. */
  add(action: string, object: string | undefined, metadata: Record<string, unknown>): void {
    this.entries.push({ action, object, metadata, at: new Date(nowSeconds() * 1000) })
  }

  async write(db: Db): Promise<void> {
    await auditAll(db, this.context, this.take())
  }

  /** The entries gathered so far, for a statement that writes them itself (`auditInsert`); the batch is then empty. */
  take(): AuditEntry[] {
    return this.entries.splice(0)
  }
}
