import { errors, eq, isNull } from '@hearth/kernel'
import type { SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { conflictMessage } from '../http/errors.ts'

// Helpers for the repositories only: every DynamoDB ConditionExpression of the original is a
// conditional `UPDATE … WHERE id = $1 AND <conditions>`; zero rows updated is the original's 409.

/** `column = value`, or `column IS NULL` for null: the original's "unchanged since read" condition. */
export function unchanged(column: PgColumn, value: unknown): SQL {
  return value === null || value === undefined ? isNull(column) : eq(column, value)
}

/** One condition per key of `expected`, on the matching column. */
export function unchangedColumns<Row>(columns: { [K in keyof Row]?: PgColumn }, expected: Partial<Row>): SQL[] {
  return (Object.keys(expected) as (keyof Row)[]).map((key) => unchanged(columns[key]!, expected[key]))
}

/**
 * The rows an update returned: none means a condition failed (the row changed since it was read, or
 * does not exist), so the original's 409 is thrown and the surrounding transaction rolls back.
 */
export function expectUpdated(rows: readonly unknown[], entity: string): void {
  if (rows.length === 0) throw errors.conflict(conflictMessage(entity))
}
