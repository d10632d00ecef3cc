/**
 * Dates on the wire (spec §0.2). Clients send `Date.prototype.toISOString()` output; the original
 * parsed exactly `YYYY-MM-DDTHH:MM:SS.<1–6 digit fraction>Z` and stored UTC wall-clock time. Dates
 * go out in RFC 1123 form ("Mon, 08 Jun 2020 14:43:15 GMT"), the sub-second part dropped.
 */
export const CLIENT_DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{1,6}Z$'
const clientDate = new RegExp(CLIENT_DATE_PATTERN)

/** The instant a client date names, or undefined when it is not in the exact format or not a real date. */
export function parseClientDate(value: string): Date | undefined {
  if (!clientDate.test(value)) return undefined
  const [datePart, timePart] = value.slice(0, -1).split('T') as [string, string]
  const [year, month, day] = datePart.split('-').map(Number) as [number, number, number]
  const [clock, fraction] = timePart.split('.') as [string, string]
  const [hours, minutes, seconds] = clock.split(':').map(Number) as [number, number, number]
  const milliseconds = Math.floor(Number(`0.${fraction}`) * 1000)
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, milliseconds))
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hours < 24 && minutes < 60 && seconds < 60
  return real ? date : undefined
}

/**
 * A release date as clients send it when blocking: the ISO form above, or the RFC 1123 form this API
 * hands out (the admin board computes "current release date + duration" from it).
 */
export function parseReleaseDate(value: string): Date | undefined {
  const strict = parseClientDate(value)
  if (strict) return strict
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return undefined
  const parsed = new Date(value)
  return Number.isNaN(parsed.getTime()) ? undefined : parsed
}

export function httpDate(value: Date | null | undefined): string | null {
  return value ? value.toUTCString() : null
}
