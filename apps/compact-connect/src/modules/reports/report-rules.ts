/**
 * The plain rules of the §5 scheduled jobs: report windows, report rows and totals, CSV text, storage keys, the
 * settlement windows and the expiration-reminder dates. No I/O here.
 */
import { today } from '../../domain/dates.ts'

const DAY_MS = 86_400_000

export interface Window {
  /** Inclusive. */
  start: Date
  /** Exclusive. */
  end: Date
}

/** Weekly reports: the 7 days ending at the most recent Saturday 00:00 UTC at or before `runAt`. */
export function weeklyReportWindow(runAt: Date): Window {
  const midnight = Date.UTC(runAt.getUTCFullYear(), runAt.getUTCMonth(), runAt.getUTCDate())
  const sinceSaturday = (runAt.getUTCDay() + 1) % 7 // Saturday → 0, Sunday → 1, …, Friday → 6
  const end = new Date(midnight - sinceSaturday * DAY_MS)
  return { start: new Date(end.getTime() - 7 * DAY_MS), end }
}

/** Monthly reports: the previous calendar month (UTC). */
export function monthlyReportWindow(runAt: Date): Window {
  const end = new Date(Date.UTC(runAt.getUTCFullYear(), runAt.getUTCMonth(), 1))
  const start = new Date(Date.UTC(runAt.getUTCFullYear(), runAt.getUTCMonth() - 1, 1))
  return { start, end }
}

/** `YYYY-MM-DD` of a UTC moment. */
export const utcDate = (moment: Date) => moment.toISOString().slice(0, 10)

/** The dates a report names: first and last day inside the window. */
export function windowDates(window: Window): { startDate: string; endDate: string } {
  return { startDate: utcDate(window.start), endDate: utcDate(new Date(window.end.getTime() - 1)) }
}

/** §5 storage key of a report zip under the reports root: `compact/{c}/reports/{kind}/reporting-cycle/{cycle}/{YYYY}/{MM}/{DD}/{file}`. */
export function reportKey(compact: string, kind: 'compact-transactions' | 'jurisdiction-transactions', cycle: 'weekly' | 'monthly', runAt: Date, filename: string): string {
  const [year, month, day] = utcDate(runAt).split('-')
  return `compact/${compact}/reports/${kind}/reporting-cycle/${cycle}/${year}/${month}/${day}/${filename}`
}

/** A settled transaction as the history keeps it (cents). */
export interface SettledTransactionRecord {
  transactionId: string
  settlementTime: Date
  transactionStatus: string
  providerId: string | null
  licenseeFirstName: string | null
  licenseeLastName: string | null
  lineItems: { itemId: string; quantity: number; unitPrice: number }[]
  privileges: { jurisdiction: string; privilegeId: string }[]
}

/** One line of the transaction detail: one privilege of a transaction (or the transaction alone, when it has none). */
export interface DetailRow {
  firstName: string
  lastName: string
  licenseeId: string
  settlementDate: string
  state: string
  stateFee: number
  administrativeFee: number
  transactionFee: number
  transactionId: string
  privilegeId: string
  status: string
}

/** `priv:{compact}-{jur}-{lt}` → `jur` (the privilege line items of §4.6). */
function privilegeItemJurisdiction(itemId: string, compact: string): string | undefined {
  const match = new RegExp(`^priv:${compact}-([a-z]{2})-[a-z]+$`).exec(itemId)
  return match?.[1]
}

/** What a transaction's line items pay for: state fee per jurisdiction, per-privilege compact and transaction fees, and what is unknown. */
export function classifyLineItems(compact: string, lineItems: SettledTransactionRecord['lineItems']) {
  const stateFees = new Map<string, number>()
  let administrativeFee = 0
  let transactionFee = 0
  let unknown = 0
  for (const item of lineItems) {
    const jurisdiction = privilegeItemJurisdiction(item.itemId, compact)
    if (jurisdiction) stateFees.set(jurisdiction, (stateFees.get(jurisdiction) ?? 0) + item.quantity * item.unitPrice)
    else if (item.itemId === `${compact}-compact-fee`) administrativeFee = item.unitPrice
    else if (item.itemId === 'credit-card-transaction-fee') transactionFee = item.unitPrice
    else unknown += item.quantity * item.unitPrice
  }
  return { stateFees, administrativeFee, transactionFee, unknown }
}

/** §5 transaction detail rows, ordered by settlement time then transaction id. */
export function detailRows(compact: string, transactions: readonly SettledTransactionRecord[]): DetailRow[] {
  const ordered = [...transactions].sort((a, b) => a.settlementTime.getTime() - b.settlementTime.getTime() || a.transactionId.localeCompare(b.transactionId))
  const rows: DetailRow[] = []
  for (const transaction of ordered) {
    const fees = classifyLineItems(compact, transaction.lineItems)
    const base = {
      firstName: transaction.licenseeFirstName ?? 'UNKNOWN',
      lastName: transaction.licenseeLastName ?? 'UNKNOWN',
      licenseeId: transaction.providerId ?? 'UNKNOWN',
      settlementDate: transaction.settlementTime.toISOString(),
      transactionId: transaction.transactionId,
      status: transaction.transactionStatus,
    }
    const jurisdictions = [...fees.stateFees.keys()]
    if (jurisdictions.length === 0) {
      rows.push({ ...base, state: 'UNKNOWN', stateFee: 0, administrativeFee: 0, transactionFee: 0, privilegeId: 'UNKNOWN' })
      continue
    }
    for (const jurisdiction of jurisdictions) {
      const privilege = transaction.privileges.find((candidate) => candidate.jurisdiction === jurisdiction)
      rows.push({
        ...base,
        state: jurisdiction.toUpperCase(),
        stateFee: fees.stateFees.get(jurisdiction)!,
        administrativeFee: fees.administrativeFee,
        transactionFee: fees.transactionFee,
        privilegeId: privilege?.privilegeId ?? 'UNKNOWN',
      })
    }
  }
  return rows
}

export interface FinancialSummary {
  /** Per jurisdiction (upper-case code): privileges sold and state fees (cents), in the order given. */
  jurisdictions: { jurisdiction: string; privileges: number; stateFees: number }[]
  administrativeFees: number
  transactionFees: number
  unknownItems: number
  total: number
}

/** §5 financial summary: per-jurisdiction privilege counts and state fees, compact fees, transaction fees, unknown items, total. */
export function financialSummary(compact: string, transactions: readonly SettledTransactionRecord[], jurisdictions: readonly string[]): FinancialSummary {
  const perJurisdiction = new Map(jurisdictions.map((code) => [code.toLowerCase(), { privileges: 0, stateFees: 0 }]))
  let administrativeFees = 0
  let transactionFees = 0
  let unknownItems = 0
  for (const transaction of transactions) {
    const fees = classifyLineItems(compact, transaction.lineItems)
    for (const [jurisdiction, amount] of fees.stateFees) {
      const entry = perJurisdiction.get(jurisdiction) ?? { privileges: 0, stateFees: 0 }
      entry.privileges += 1
      entry.stateFees += amount
      perJurisdiction.set(jurisdiction, entry)
    }
    for (const item of transaction.lineItems) {
      if (item.itemId === `${compact}-compact-fee`) administrativeFees += item.quantity * item.unitPrice
      else if (item.itemId === 'credit-card-transaction-fee') transactionFees += item.quantity * item.unitPrice
    }
    unknownItems += fees.unknown
  }
  const list = [...perJurisdiction].map(([jurisdiction, entry]) => ({ jurisdiction: jurisdiction.toUpperCase(), ...entry }))
  const total = list.reduce((sum, entry) => sum + entry.stateFees, 0) + administrativeFees + transactionFees + unknownItems
  return { jurisdictions: list, administrativeFees, transactionFees, unknownItems, total }
}

/** Cents → `$1,234.50`. */
export function dollars(cents: number): string {
  const sign = cents < 0 ? '-' : ''
  const absolute = Math.abs(cents)
  const whole = Math.floor(absolute / 100).toLocaleString('en-US')
  return `${sign}$${whole}.${String(absolute % 100).padStart(2, '0')}`
}

/** RFC 4180 CSV: fields quoted when they hold a comma, quote or line break; CRLF line ends. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  const field = (value: string | number) => {
    const text = String(value)
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }
  return rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n'
}

export const DETAIL_COLUMNS = [
  'Licensee First Name',
  'Licensee Last Name',
  'Licensee Id',
  'Transaction Settlement Date UTC',
  'State',
  'State Fee',
  'Administrative Fee',
  'Collected Transaction Fee',
  'Transaction Id',
  'Privilege Id',
  'Transaction Status',
] as const

export function transactionDetailCsv(rows: readonly DetailRow[]): string {
  return toCsv([
    DETAIL_COLUMNS,
    ...rows.map((row) => [
      row.firstName,
      row.lastName,
      row.licenseeId,
      row.settlementDate,
      row.state,
      dollars(row.stateFee),
      dollars(row.administrativeFee),
      dollars(row.transactionFee),
      row.transactionId,
      row.privilegeId,
      row.status,
    ]),
  ])
}

export function financialSummaryCsv(summary: FinancialSummary, jurisdictionNames: (code: string) => string): string {
  return toCsv([
    ['Financial Summary', 'Amount'],
    ...summary.jurisdictions.flatMap((entry) => [
      [`${jurisdictionNames(entry.jurisdiction)} Privileges Purchased`, entry.privileges],
      [`State Fees (${jurisdictionNames(entry.jurisdiction)})`, dollars(entry.stateFees)],
    ]),
    ['Administrative Fees', dollars(summary.administrativeFees)],
    ['Credit Card Transaction Fees Collected', dollars(summary.transactionFees)],
    ['Unknown Line Items', dollars(summary.unknownItems)],
    ['Total Processed Amount', dollars(summary.total)],
  ])
}

/** The per-jurisdiction detail: that state's rows, then its totals. */
export const JURISDICTION_DETAIL_COLUMNS = [
  'Licensee First Name',
  'Licensee Last Name',
  'Licensee Id',
  'Transaction Settlement Date UTC',
  'State Fee',
  'State',
  'Transaction Id',
  'Privilege Id',
] as const

export function jurisdictionDetailCsv(rows: readonly DetailRow[], jurisdiction: string): string {
  const own = rows.filter((row) => row.state === jurisdiction.toUpperCase())
  const total = own.reduce((sum, row) => sum + row.stateFee, 0)
  return toCsv([
    JURISDICTION_DETAIL_COLUMNS,
    ...own.map((row) => [row.firstName, row.lastName, row.licenseeId, row.settlementDate, dollars(row.stateFee), row.state, row.transactionId, row.privilegeId]),
    [],
    ['Privileges Purchased', own.length],
    ['Total State Amount', dollars(total)],
  ])
}

/** Authorize.Net lists settled batches over at most 31 days: the windows covering `from`–`to`. */
export function settlementWindows(from: Date, to: Date, maxDays = 31): Window[] {
  const windows: Window[] = []
  let start = from.getTime()
  while (start < to.getTime()) {
    const end = Math.min(to.getTime(), start + maxDays * DAY_MS)
    windows.push({ start: new Date(start), end: new Date(end) })
    start = end
  }
  return windows
}

/** §5 settlement problems that alert the compact operations team. */
export function isSettlementError(status: string): boolean {
  return status === 'settlementError'
}

/** Expiration reminders: today (UTC−4) + 30, + 7 and + 0 days. */
export const REMINDER_DAYS = [30, 7, 0] as const

export function reminderDates(runAt: Date): { days: number; date: string }[] {
  const [year, month, day] = today(runAt).split('-').map(Number) as [number, number, number]
  return REMINDER_DAYS.map((days) => ({ days, date: new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10) }))
}

/** The ingest reporter's windows: the 15 minutes before the slot, or the 7 days before it. */
export function ingestReportWindow(slot: Date, period: 'quarterHour' | 'weekly'): Window {
  return { start: new Date(slot.getTime() - (period === 'quarterHour' ? 15 * 60_000 : 7 * DAY_MS)), end: slot }
}
