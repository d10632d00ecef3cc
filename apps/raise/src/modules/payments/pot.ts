import { gte, isNull, sql, type Db } from '@hearth/kernel'
import type { SQL } from 'drizzle-orm'
import type { AuditContext } from '@hearth/kernel/audit'
import { fundraisers, type FundraiserRow } from '../../db/schema.ts'
import { auditWrite, plus, unchanged, updateWhere } from '../../db/conditions.ts'

/**
 * Adds to a fundraiser's totals and takes `takeFromPot` out of a limited match-funding pot, on the
 * original's conditions: a limited pot must still hold at least what is taken (so it never goes
 * negative; giving back always passes), an unlimited pot must still be unlimited.
 */
export async function creditFundraiser(
  tx: Db,
  context: AuditContext,
  fundraiser: FundraiserRow,
  change: { totalRaised?: number; donationsCount?: number; takeFromPot?: number; limitUnchanged?: boolean },
): Promise<void> {
  const set: Record<string, SQL> = {}
  const data: Record<string, number> = {}
  const conditions: SQL[] = []
  if (change.totalRaised !== undefined) {
    set.totalRaised = plus(fundraisers.totalRaised, change.totalRaised)
    data.totalRaised = change.totalRaised
  }
  if (change.donationsCount) {
    set.donationsCount = plus(fundraisers.donationsCount, change.donationsCount)
    data.donationsCount = change.donationsCount
  }
  if (change.takeFromPot !== undefined) {
    if (fundraiser.matchFundingRemaining === null) conditions.push(isNull(fundraisers.matchFundingRemaining))
    else {
      set.matchFundingRemaining = plus(fundraisers.matchFundingRemaining, -change.takeFromPot)
      data.matchFundingRemaining = -change.takeFromPot
      conditions.push(gte(fundraisers.matchFundingRemaining, change.takeFromPot))
    }
  }
  if (change.limitUnchanged) conditions.push(unchanged(fundraisers.matchFundingPerDonationLimit, fundraiser.matchFundingPerDonationLimit))
  // An empty change still checks the conditions (the original's no-op update).
  if (Object.keys(set).length === 0) set.id = sql`${fundraisers.id}`
  await updateWhere(tx, fundraisers, fundraiser.id, set, conditions, 'fundraiser')
  if (Object.keys(data).length > 0) await auditWrite(tx, context, 'plus', fundraiser.id, { tableName: 'fundraiser', data })
}
