// The payment formulas of the original (spec §4.1, §4.3, §6.1), pure, to the penny.

export type Currency = 'gbp' | 'usd'
export type RecurrenceFrequency = 'WEEKLY' | 'MONTHLY'

export interface MatchFundingInput {
  donationAmount: number
  /** `fundraiser.matchFundingRate`, percent. */
  matchFundingRate: number
  /** `fundraiser.matchFundingRemaining`; null is an unlimited pot. */
  matchFundingRemaining: number | null
  /** `fundraiser.matchFundingPerDonationLimit`; null is no cap. */
  matchFundingPerDonationLimit: number | null
  /** Match funding already on this donation. */
  alreadyMatchFunded?: number
}

/**
 * `max(0, min(floor(d × (rate / 100)), remaining, limit − already))`, computed with doubles in
 * exactly this order so that amounts match the original (rate 29, d 100 → 28).
 */
export function calcMatchFunding(input: MatchFundingInput): number {
  const matched = Math.floor(input.donationAmount * (input.matchFundingRate / 100))
  const remaining = input.matchFundingRemaining ?? Infinity
  const underLimit = (input.matchFundingPerDonationLimit ?? Infinity) - (input.alreadyMatchFunded ?? 0)
  return Math.max(0, Math.min(matched, remaining, underLimit))
}

/** Gift Aid on a donation total: a quarter, floored, when the donor opted in. */
export function giftAidOn(donationTotal: number, giftAid: boolean): number {
  return giftAid ? Math.floor(donationTotal * 0.25) : 0
}

/** What Gift Aid adds when a donation's total moves from `before` to `before + added`. */
export function giftAidAdded(before: number, added: number, giftAid: boolean): number {
  return giftAidOn(before + added, giftAid) - giftAidOn(before, giftAid)
}

export interface ScheduledAmount {
  donationAmount: number
  contributionAmount: number
}

export interface PaymentSchedule {
  now: ScheduledAmount
  future: (ScheduledAmount & { at: number })[]
}

/**
 * The immediate payment, then (when recurring) one instalment per period from today 00:00 UTC + one
 * period while before `end`. Months advance with JavaScript's overflow rules (31 Jan + 1 month →
 * 3 Mar), as the original does. The contribution is charged once, with the first payment.
 */
export function calcPaymentSchedule(donationAmount: number, contributionAmount: number, frequency: RecurrenceFrequency | null, end: number, nowMs: number = Date.now()): PaymentSchedule {
  const schedule: PaymentSchedule = { now: { donationAmount, contributionAmount }, future: [] }
  if (frequency === null) return schedule
  const date = new Date(nowMs)
  date.setUTCHours(0, 0, 0, 0)
  const advance = () => {
    if (frequency === 'WEEKLY') date.setUTCDate(date.getUTCDate() + 7)
    else date.setUTCMonth(date.getUTCMonth() + 1)
  }
  advance()
  while (Math.floor(date.getTime() / 1000) < end) {
    schedule.future.push({ at: Math.floor(date.getTime() / 1000), donationAmount, contributionAmount: 0 })
    advance()
  }
  return schedule
}

/** People protected from malaria per minor unit given to AMF (the original's conversion). */
export const PEOPLE_PROTECTED_PER_MINOR_UNIT: Record<Currency, number> = { gbp: 0.0119988, usd: 0.009 }

export interface ImpactPayment {
  donationAmount: number
  matchFundingAmount: number | null
}

/**
 * The confirmation email's impact: `floor(k × (Σ d × (giftAid ? 1.25 : 1) + expected match funding))`.
 * A payment without match funding yet has it inferred once with calcMatchFunding, against the
 * running total on the donation (the original subtracted that total twice; fixed).
 */
export function peopleProtected(
  currency: Currency,
  giftAid: boolean,
  payments: ImpactPayment[],
  fundraiser: Pick<MatchFundingInput, 'matchFundingRate' | 'matchFundingRemaining' | 'matchFundingPerDonationLimit'>,
): number {
  let donated = 0
  let matched = 0
  for (const payment of payments) {
    donated += payment.donationAmount
    matched +=
      payment.matchFundingAmount ??
      calcMatchFunding({
        donationAmount: payment.donationAmount,
        matchFundingRate: fundraiser.matchFundingRate,
        matchFundingRemaining: fundraiser.matchFundingRemaining === null ? null : Math.max(0, fundraiser.matchFundingRemaining - matched),
        matchFundingPerDonationLimit: fundraiser.matchFundingPerDonationLimit,
        alreadyMatchFunded: matched,
      })
  }
  return Math.floor(PEOPLE_PROTECTED_PER_MINOR_UNIT[currency] * (donated * (giftAid ? 1.25 : 1) + matched))
}

/** Each card charge (donation + contribution) must be at least this, to keep card fees sensible. */
export const MINIMUM_CARD_CHARGE = 100
