/**
 * Time rules (spec §1 conventions). "Today" is the calendar date in a fixed UTC−4 offset (the original's
 * expiration-resolution zone, no daylight saving); a date expires when `dateOfExpiration < today`.
 */
const OFFSET_MS = 4 * 60 * 60 * 1000

let lastMoment = NaN
let lastToday = ''

/** `YYYY-MM-DD` of `now` in the fixed UTC−4 zone. */
export function today(now: Date = new Date()): string {
  // A read asks this for every record it shows, all at one `now`: the last answer is kept.
  const moment = now.getTime()
  if (moment !== lastMoment) {
    lastToday = new Date(moment - OFFSET_MS).toISOString().slice(0, 10)
    lastMoment = moment
  }
  return lastToday
}

/** True when a `YYYY-MM-DD` expiration date has passed at `now`. */
export function isExpired(dateOfExpiration: string, now: Date = new Date()): boolean {
  return dateOfExpiration < today(now)
}

/** `YYYY-MM-DD` that many days before (negative: after) the UTC−4 today. */
export function daysBeforeToday(days: number, now: Date = new Date()): string {
  const [year, month, day] = today(now).split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(year, month - 1, day - days)).toISOString().slice(0, 10)
}

/** The moment 12:00 UTC−4 on a date (effective date of encumbrances and lifts, spec §1.5). */
export function noonUtcMinus4(date: string): Date {
  return new Date(`${date}T16:00:00.000Z`)
}

/** Aware ISO 8601 with `+00:00`, as the original writes datetimes. */
export function isoDateTime(moment: Date): string {
  return moment.toISOString().replace(/\.\d{3}Z$/, '+00:00')
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * A real calendar date in `YYYY-MM-DD` (proleptic Gregorian, years 0000–9999). Counted rather than parsed into a
 * `Date`: the CSV ingest checks three dates on every row.
 */
export function isCalendarDate(value: string): boolean {
  const parts = CALENDAR_DATE.exec(value)
  if (!parts) return false
  const year = Number(parts[1])
  const month = Number(parts[2])
  const day = Number(parts[3])
  if (month < 1 || month > 12 || day < 1) return false
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)
}
