/** Money is integer minor units (pence, cents) with an ISO currency; these only format it. */
export type CurrencyCode = 'gbp' | 'usd' | (string & {})

const SYMBOLS: Record<string, string> = { gbp: '£', usd: '$', eur: '€' }

export function currencySymbol(currency: CurrencyCode): string {
  return SYMBOLS[currency.toLowerCase()] ?? `${currency.toUpperCase()} `
}

/** `£12.34`, or `£100` when there are no minor units. Negative amounts get a leading minus. */
export function formatAmountShort(currency: CurrencyCode, amountMinor: number): string {
  const sign = amountMinor < 0 ? '-' : ''
  const absolute = Math.abs(amountMinor)
  const major = Math.floor(absolute / 100)
  const minor = absolute % 100
  const text = minor === 0 ? major.toLocaleString('en-GB') : `${major.toLocaleString('en-GB')}.${String(Math.round(minor)).padStart(2, '0')}`
  return `${sign}${currencySymbol(currency)}${text}`
}

/** Always two decimals: `£100.00`. */
export function formatAmount(currency: CurrencyCode, amountMinor: number): string {
  const sign = amountMinor < 0 ? '-' : ''
  const absolute = Math.abs(amountMinor)
  return `${sign}${currencySymbol(currency)}${(absolute / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}
