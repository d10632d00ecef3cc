import type { Db } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import type { FundraiserRow } from '../../db/schema.ts'
import { AuditBatch, auditWrite } from '../../db/transaction.ts'
import type { FundraiserRepository, FundraiserTotalsChange, FundraiserTotalsExpectation } from './fundraiser.repository.ts'

export interface Credit {
  totalRaised?: number
  donationsCount?: number
  /** Match funding taken out of the pot (negative gives it back); ignored by an unlimited pot, which must stay unlimited. */
  takeFromPot?: number
  /** The match funding was computed with the per-donation limit as read: it must be unchanged. */
  limitUnchanged?: boolean
}

/**
 * The step every money flow ends with: add to a fundraiser's totals and take match funding out of
 * its pot, inside the caller's transaction, audited as a `plus`. The conditions (a limited pot still
 * holds what is taken, an unlimited one is still unlimited) keep the pot from going negative under
 * any interleaving; a failed one is the original's 409.
 */
export class FundraiserTotals {
  constructor(private readonly fundraisers: FundraiserRepository) {}

  /**
   * Locks the fundraiser's row for the rest of `tx`. Every transaction that changes a fundraiser's money
   * takes this lock before touching its payments or donations, so concurrent flows queue on one row in one
   * order: Stripe's deliveries wait instead of failing, and no two flows can deadlock on donation rows.
   */
  async lock(tx: Db, fundraiserId: string): Promise<void> {
    await this.fundraisers.getForUpdate(tx, fundraiserId)
  }

  /** `audit`: who acts (the entry is written at once), or the transaction's batch (the entry joins it). */
  async credit(tx: Db, audit: AuditContext | AuditBatch, fundraiser: FundraiserRow, credit: Credit): Promise<void> {
    const { change, expected } = planCredit(fundraiser, credit)
    const added = await this.fundraisers.addToTotals(tx, fundraiser.id, change, expected)
    if (Object.keys(added).length === 0) return
    const entry = { tableName: 'fundraiser', data: added }
    if (audit instanceof AuditBatch) audit.add('plus', fundraiser.id, entry)
    else await auditWrite(tx, audit, 'plus', fundraiser.id, entry)
  }
}

/**
 * A credit as the change to make and the conditions it needs, for the fundraiser as read: a limited
 * pot gives what is taken (and must still hold it), an unlimited one must still be unlimited.
 */
export function planCredit(fundraiser: FundraiserRow, credit: Credit): { change: FundraiserTotalsChange; expected: FundraiserTotalsExpectation } {
  const limitedPot = fundraiser.matchFundingRemaining !== null
  return {
    change: {
      totalRaised: credit.totalRaised,
      donationsCount: credit.donationsCount ? credit.donationsCount : undefined,
      takeFromPot: limitedPot ? credit.takeFromPot : undefined,
    },
    expected: {
      potUnlimited: credit.takeFromPot !== undefined && !limitedPot,
      ...(credit.limitUnchanged ? { matchFundingPerDonationLimit: fundraiser.matchFundingPerDonationLimit } : {}),
    },
  }
}
