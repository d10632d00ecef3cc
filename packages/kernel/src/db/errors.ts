/**
 * What a failed statement means, decoded once for every app from PostgreSQL's SQLSTATE (drizzle
 * wraps the driver's error in `cause`; PGlite and node-postgres report the same codes).
 */
export type DatabaseFailure =
  /** A unique constraint or index refused the write (23505). */
  | 'unique'
  /** A foreign key points at nothing, or a row others point at was deleted (23503). */
  | 'foreign-key'
  /** A CHECK constraint refused the row (23514). */
  | 'check'
  /** A NOT NULL column was given null (23502). */
  | 'not-null'
  /** A value too long for its column (22001). */
  | 'too-long'
  /** A concurrent transaction won: serialization failure (40001) or deadlock (40P01). Retrying may succeed. */
  | 'serialization'

const byCode: Record<string, DatabaseFailure> = {
  '23505': 'unique',
  '23503': 'foreign-key',
  '23514': 'check',
  '23502': 'not-null',
  '22001': 'too-long',
  '40001': 'serialization',
  '40P01': 'serialization',
}

export interface DecodedDatabaseError {
  failure: DatabaseFailure
  /** The constraint's name, when the server gave one. */
  constraint: string | undefined
}

/** The failure behind `error` (looking through up to three `cause`s), or undefined for anything else. */
export function decodeDatabaseError(error: unknown): DecodedDatabaseError | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const { code, constraint } = current as { code?: unknown; constraint?: unknown }
    const failure = typeof code === 'string' ? byCode[code] : undefined
    if (failure) return { failure, constraint: typeof constraint === 'string' ? constraint : undefined }
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** True when `error` is the database refusing a write for `failure`. */
export function isDatabaseFailure(error: unknown, failure: DatabaseFailure): boolean {
  return decodeDatabaseError(error)?.failure === failure
}
