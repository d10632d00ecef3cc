import { and, count, defineStatement, eq, gte, isNull, runStatement, selectColumns, sql, type Db } from '@hearth/kernel'
import type { SQL } from 'drizzle-orm'
import { donations, fundraisers, type FundraiserRow } from '../../db/schema.ts'
import { expectUpdated, unchanged, unchangedColumns } from '../../db/conditional.ts'
import type { FundraiserEditsT } from '../../http/schemas.ts'

type Edits = Omit<FundraiserEditsT, 'previous'>

/** Totals to add to a fundraiser, and match funding to take out of its pot (negative gives back). */
export interface FundraiserTotalsChange {
  totalRaised?: number
  donationsCount?: number
  takeFromPot?: number
}

/** What the fundraiser must still look like for a change to its totals to apply. */
export interface FundraiserTotalsExpectation {
  /** The pot is unlimited (null), as it was when read. */
  potUnlimited?: boolean
  /** The per-donation limit is still this (the match funding was computed with it). */
  matchFundingPerDonationLimit?: number | null
}

// Prepared statements: every donation and every webhook reads its fundraiser, the webhook under the row lock.
const statements = {
  byId: defineStatement('raise.fundraisers.byId', `SELECT ${selectColumns(fundraisers)} FROM fundraisers WHERE id = $1`),
  byIdForUpdate: defineStatement('raise.fundraisers.byIdForUpdate', `SELECT ${selectColumns(fundraisers)} FROM fundraisers WHERE id = $1 FOR UPDATE`),
}

/** Fundraisers: SQL only, no state. */
export class FundraiserRepository {
  list(db: Db): Promise<FundraiserRow[]> {
    return db.select().from(fundraisers).orderBy(fundraisers.id)
  }

  async get(db: Db, id: string): Promise<FundraiserRow | undefined> {
    return (await runStatement<FundraiserRow>(db, statements.byId, [id]))[0]
  }

  /**
   * The fundraiser, locked until the caller's transaction ends: every money flow that credits it takes this
   * lock first, so concurrent ones (Stripe's webhook deliveries above all) run one after another on fresh
   * totals instead of failing each other's conditions.
   */
  async getForUpdate(tx: Db, id: string): Promise<FundraiserRow | undefined> {
    return (await runStatement<FundraiserRow>(tx, statements.byIdForUpdate, [id]))[0]
  }

  async any(db: Db): Promise<boolean> {
    return (await db.select({ id: fundraisers.id }).from(fundraisers).limit(1)).length > 0
  }

  async insert(db: Db, row: FundraiserRow): Promise<void> {
    await db.insert(fundraisers).values(row)
  }

  async donationCount(db: Db, id: string): Promise<number> {
    return (await db.select({ n: count() }).from(donations).where(eq(donations.fundraiserId, id)))[0]!.n
  }

  /** An admin edit, applied only while the `expected` totals are unchanged (409 otherwise). */
  async applyEdits(db: Db, id: string, edits: Edits, options: { expected: Partial<Pick<FundraiserRow, 'totalRaised' | 'donationsCount'>> }): Promise<void> {
    const rows = await db
      .update(fundraisers)
      .set(edits)
      .where(and(eq(fundraisers.id, id), ...unchangedColumns<FundraiserRow>(fundraisers, options.expected)))
      .returning({ id: fundraisers.id })
    expectUpdated(rows, 'fundraiser')
  }

  /**
   * Adds to the totals and takes `takeFromPot` out of a limited pot, on the original's conditions: a
   * limited pot must still hold at least what is taken (so it never goes negative; giving back always
   * passes); `expected` says what else must be unchanged. An empty change still checks the conditions
   * (the original's no-op update). Returns what was added, in the audit's words.
   */
  async addToTotals(db: Db, id: string, change: FundraiserTotalsChange, expected: FundraiserTotalsExpectation = {}): Promise<Record<string, number>> {
    const set: Record<string, SQL> = {}
    const conditions: SQL[] = [eq(fundraisers.id, id)]
    if (change.totalRaised !== undefined) set.totalRaised = sql`${fundraisers.totalRaised} + ${change.totalRaised}`
    if (change.donationsCount !== undefined) set.donationsCount = sql`${fundraisers.donationsCount} + ${change.donationsCount}`
    if (change.takeFromPot !== undefined) {
      set.matchFundingRemaining = sql`${fundraisers.matchFundingRemaining} + ${-change.takeFromPot}`
      conditions.push(gte(fundraisers.matchFundingRemaining, change.takeFromPot))
    }
    if (expected.potUnlimited) conditions.push(isNull(fundraisers.matchFundingRemaining))
    if ('matchFundingPerDonationLimit' in expected) conditions.push(unchanged(fundraisers.matchFundingPerDonationLimit, expected.matchFundingPerDonationLimit))
    if (Object.keys(set).length === 0) set.id = sql`${fundraisers.id}`
    const rows = await db
      .update(fundraisers)
      .set(set)
      .where(and(...conditions))
      .returning({ id: fundraisers.id })
    expectUpdated(rows, 'fundraiser')
    return totalsAdded(change)
  }
}

/** What a change adds to a fundraiser's totals, in the audit's words (the pot's remaining amount goes down by what is taken). */
export function totalsAdded(change: FundraiserTotalsChange): Record<string, number> {
  const added: Record<string, number> = {}
  if (change.totalRaised !== undefined) added.totalRaised = change.totalRaised
  if (change.donationsCount !== undefined) added.donationsCount = change.donationsCount
  if (change.takeFromPot !== undefined) added.matchFundingRemaining = -change.takeFromPot
  return added
}
