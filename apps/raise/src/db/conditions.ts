import { HearthError, errors, and, eq, isNull, sql, decodeDatabaseError, type Database, type Db } from '@hearth/kernel'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { SQL } from 'drizzle-orm'
import { audit, type AuditContext } from '@hearth/kernel/audit'
import { conflictMessage } from '../http/errors.ts'

/** `column = value`, or `column IS NULL` for null: the original's "unchanged since read" condition. */
export function unchanged(column: PgColumn, value: unknown): SQL {
  return value === null || value === undefined ? isNull(column) : eq(column, value as never)
}

/**
 * A conditional update (DynamoDB's ConditionExpression): updates the row with this id only when every
 * condition holds, else throws the original's 409 and the surrounding transaction rolls back. An id
 * that does not exist fails the same way.
 */
export async function updateWhere(db: Db, table: PgTable & { id: PgColumn }, id: string, set: Record<string, unknown>, conditions: (SQL | undefined)[], entity: string): Promise<void> {
  const rows = await db
    .update(table)
    .set(set as never)
    .where(and(eq(table.id, id), ...conditions.filter((condition): condition is SQL => condition !== undefined)))
    .returning({ id: table.id })
  if (rows.length === 0) throw errors.conflict(conflictMessage(entity))
}

/** `column + delta` for an increment. */
export const plus = (column: PgColumn, delta: number): SQL => sql`${column} + ${delta}`

/** Runs one transaction; a duplicate key, serialisation failure or deadlock becomes the 409 too. */
export async function transaction<T>(database: Database, fn: (tx: Db) => Promise<T>): Promise<T> {
  try {
    return await database.transaction(fn)
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
