/**
 * Privilege purchase fees (spec §4.6 step 9). Configuration carries dollar amounts with at most two
 * decimals (`50.50`); everything here is integer cents, converted once by `toCents`.
 */

/** Dollars with ≤ 2 decimals → cents; anything else (NaN, 3 decimals, negative) throws. */
export function toCents(amount: number): number {
  if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`Not a fee amount: ${amount}`)
  const cents = Math.round(amount * 100)
  if (Math.abs(cents - amount * 100) > 1e-6) throw new RangeError(`More than two decimals: ${amount}`)
  return cents
}

/** Cents → dollars as a JSON number (`5050` → `50.5`), for responses. */
export function fromCents(cents: number): number {
  return cents / 100
}

/** True for a JSON number that is ≥ 0 with at most two decimals. */
export function isFeeAmount(value: number): boolean {
  try {
    toCents(value)
    return true
  } catch {
    return false
  }
}

export interface PurchaseJurisdiction {
  postalAbbreviation: string
  jurisdictionName: string
  /** Cents. */
  amount: number
  /** Cents; null/undefined = no military rate. */
  militaryRate: number | null | undefined
}

export interface FeeInput {
  compact: string
  licenseTypeAbbreviation: string
  /** In the order selected. */
  jurisdictions: readonly PurchaseJurisdiction[]
  /** Cents. */
  compactCommissionFee: number
  /** Cents per privilege when the licensee transaction fee is active, else null. */
  transactionFee: number | null
  /** `militaryStatus ∈ {tentative, approved}` (§1.8). */
  activeMilitary: boolean
}

export interface FeeLineItem {
  itemId: string
  name: string
  description: string
  quantity: number
  /** Cents. */
  unitPrice: number
}

export interface FeeBreakdown {
  lineItems: FeeLineItem[]
  /** Cents: Σ quantity × unitPrice. */
  amount: number
}

const titleCase = (name: string) => name.replace(/\b([a-z])/g, (letter) => letter.toUpperCase())

/**
 * The line items of §4.6 step 9, in order: one per jurisdiction (military rate when the buyer is active military
 * and the jurisdiction sets one), the compact fee × n, and the transaction fee × n when active.
 */
export function privilegePurchaseFees(input: FeeInput): FeeBreakdown {
  const count = input.jurisdictions.length
  const lineItems: FeeLineItem[] = input.jurisdictions.map((jurisdiction) => {
    const military = input.activeMilitary && jurisdiction.militaryRate !== null && jurisdiction.militaryRate !== undefined
    const name = titleCase(jurisdiction.jurisdictionName)
    return {
      itemId: `priv:${input.compact}-${jurisdiction.postalAbbreviation}-${input.licenseTypeAbbreviation}`,
      name: `${name} Compact Privilege`,
      description: `Compact Privilege for ${name}${military ? ' (Military Rate)' : ''}`,
      quantity: 1,
      unitPrice: military ? (jurisdiction.militaryRate as number) : jurisdiction.amount,
    }
  })
  lineItems.push({
    itemId: `${input.compact}-compact-fee`,
    name: `${input.compact.toUpperCase()} Compact Fee`,
    description: 'Compact fee applied for each privilege purchased',
    quantity: count,
    unitPrice: input.compactCommissionFee,
  })
  if (input.transactionFee !== null) {
    lineItems.push({
      itemId: 'credit-card-transaction-fee',
      name: 'Credit Card Transaction Fee',
      description: 'Transaction fee for credit card processing',
      quantity: count,
      unitPrice: input.transactionFee,
    })
  }
  return { lineItems, amount: lineItems.reduce((total, item) => total + item.quantity * item.unitPrice, 0) }
}
