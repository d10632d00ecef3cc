import { badInput } from '../../errors.ts'

/** Input objects as GraphQL hands them to resolvers (already type-checked against the SDL). */
export type Input = Readonly<Record<string, unknown>>

export const isInput = (value: unknown): value is Input => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The named scalar fields present in `data` (a null is kept: it clears a nullable column). */
export function pick<K extends string>(data: Input, fields: readonly K[]): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {}
  for (const field of fields) if (data[field] !== undefined) out[field] = data[field]
  return out
}

/** A to-many nested write coerced to a list (Prisma 1 accepts one object for a list). */
export function listOf(value: unknown): Input[] {
  if (value === undefined || value === null) return []
  return (Array.isArray(value) ? value : [value]).filter(isInput)
}

/** A DateTime input (ISO-8601 text) → Date, or BAD_USER_INPUT. */
export function toDate(value: unknown, field: string): Date | null {
  if (value === null) return null
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined
  if (!date || Number.isNaN(date.getTime())) throw badInput(`${field} must be an ISO-8601 date-time`)
  return date
}

/** Counts nested writes against a limit (a hostile mutation with 100k items is refused up front). */
export class WriteBudget {
  private used = 0

  constructor(private readonly limit: number) {}

  spend(count: number): void {
    this.used += count
    if (this.used > this.limit) throw badInput(`A mutation may hold at most ${this.limit} nested writes`)
  }
}
