import { and, defineStatement, desc, eq, insertRows, insertRowsParams, isNull, or, runStatement, selectColumns, sql, type Db } from '@hearth/kernel'
import { auditInsert, auditParams } from '@hearth/kernel/audit'
import { getTableColumns } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { donations, payments, type DonationRow, type PaymentRow } from '../../db/schema.ts'
import { expectUpdated, unchangedColumns } from '../../db/conditional.ts'
import type { AuditBatch } from '../../db/transaction.ts'
import type { DonationEditsT } from '../../http/schemas.ts'

/** The columns the public view may show, and the flags that decide which of them it shows (§2.4). */
export interface PublicDonationRow {
  id: string
  createdAt: number
  comment: string | null
  donorName: string
  giftAid: boolean
  donationAmount: number
  matchFundingAmount: number
  recurringAmount: number | null
  recurrenceFrequency: string | null
  namePublic: boolean
  donationAmountPublic: boolean
}

/** Columns an edit or a credit may require to be unchanged since they were read. */
type Expected = Partial<Pick<DonationRow, 'donationAmount' | 'contributionAmount' | 'matchFundingAmount' | 'giftAid' | 'donationCounted' | 'addressLine1' | 'addressPostcode' | 'addressCountry'>>

/** Amounts to add to a donation's running totals. */
export interface DonationTotalsChange {
  donationAmount?: number
  contributionAmount?: number
  matchFundingAmount?: number
}

// Plain SQL: the public view of a large fundraiser reads thousands of rows, and drizzle's row mapping
// of all 27 columns cost more than the query. PostgreSQL filters (public and counted, served by the
// partial index donations_public_idx) and orders (newest first: ULIDs sort by creation time). bigint
// columns come back as float8, which both drivers parse to a number (exact below 2^53), where int8
// would be a string.
const publicByFundraiser = defineStatement(
  'raise.donations.publicByFundraiser',
  `
  SELECT id,
         created_at::float8 AS "createdAt",
         comment,
         donor_name AS "donorName",
         gift_aid AS "giftAid",
         donation_amount AS "donationAmount",
         match_funding_amount::float8 AS "matchFundingAmount",
         recurring_amount::float8 AS "recurringAmount",
         recurrence_frequency AS "recurrenceFrequency",
         name_public AS "namePublic",
         donation_amount_public AS "donationAmountPublic"
    FROM donations
   WHERE fundraiser_id = $1 AND overall_public AND donation_counted
   ORDER BY id DESC`,
)

// Both as JSON objects in one row (a join would repeat the donation on every payment's row); their
// columns are cast to the types drizzle gives, and JSON keeps them (float8 and booleans as JSON's own).
const withPayments = defineStatement(
  'raise.donations.withPayments',
  `
  SELECT (SELECT to_jsonb(d) FROM (SELECT ${selectColumns(donations)} FROM donations WHERE fundraiser_id = $1 AND id = $2) d) AS donation,
         (SELECT coalesce(jsonb_agg(to_jsonb(p) ORDER BY p.at, p.id), '[]'::jsonb)
            FROM (SELECT ${selectColumns(payments)} FROM payments WHERE donation_id = $2) p) AS payments`,
)

const donationColumns = Object.keys(getTableColumns(donations)).length
const paymentColumns = Object.keys(getTableColumns(payments)).length
// Data-modifying WITH clauses all run, whether or not the final SELECT reads them.
const newDonation = defineStatement(
  'raise.donations.insertWithPayments',
  `
  WITH donation AS (${insertRows(donations, 1)}),
       payment AS (${insertRows(payments, 1 + donationColumns)}),
       audit AS (${auditInsert(1 + donationColumns + paymentColumns)})
  SELECT 1`,
)

/** Donations: SQL only, no state. */
export class DonationRepository {
  listByFundraiser(db: Db, fundraiserId: string): Promise<DonationRow[]> {
    return db.select().from(donations).where(eq(donations.fundraiserId, fundraiserId)).orderBy(desc(donations.id))
  }

  /** The fundraiser's public (overallPublic and counted) donations, newest first, with only the columns §2.4 may show. */
  listPublicByFundraiser(db: Db, fundraiserId: string): Promise<PublicDonationRow[]> {
    return runStatement<PublicDonationRow>(db, publicByFundraiser, [fundraiserId])
  }

  async get(db: Db, fundraiserId: string, id: string): Promise<DonationRow | undefined> {
    return (
      await db
        .select()
        .from(donations)
        .where(and(eq(donations.fundraiserId, fundraiserId), eq(donations.id, id)))
    )[0]
  }

  /**
   * The donation with its payments oldest first (by `at`, then id), read in one prepared statement:
   * the webhook reads it under the fundraiser's row lock, where every delivery for the fundraiser waits.
   */
  async getWithPayments(db: Db, fundraiserId: string, id: string): Promise<{ donation: DonationRow; payments: PaymentRow[] } | undefined> {
    const [row] = await runStatement<{ donation: DonationRow | null; payments: PaymentRow[] }>(db, withPayments, [fundraiserId, id])
    return row?.donation ? { donation: row.donation, payments: row.payments } : undefined
  }

  /** By id alone, whichever fundraiser it belongs to (the caller checks). */
  async getById(db: Db, id: string): Promise<DonationRow | undefined> {
    return (await db.select().from(donations).where(eq(donations.id, id)))[0]
  }

  async insert(db: Db, row: DonationRow): Promise<void> {
    await db.insert(donations).values(row)
  }

  /**
   * A new donation with its payments and the batch's audit entries, in one statement: atomic on its
   * own, so with no transaction around it (three inserts and a BEGIN and COMMIT would be five round trips).
   */
  async insertWithPayments(db: Db, row: DonationRow, paymentRows: readonly PaymentRow[], audit: AuditBatch): Promise<void> {
    await runStatement(db, newDonation, [...insertRowsParams(donations, [row]), ...insertRowsParams(payments, paymentRows), ...auditParams(audit.context, audit.take()).params])
  }

  /** An admin edit (or the webhook saving the donor's card), applied only while `expected` holds (409 otherwise). */
  async applyEdits(db: Db, id: string, edits: Omit<DonationEditsT, 'previous'>, options: { expected: Expected }): Promise<void> {
    await this.update(db, id, edits, options.expected)
  }

  /** The donor's Stripe customer and card, saved once: false (nothing written) when the donation already holds both. */
  async saveStripeCustomerOnce(db: Db, id: string, stripe: { stripeCustomerId: string; stripePaymentMethodId: string }): Promise<boolean> {
    const rows = await db
      .update(donations)
      .set(stripe)
      .where(and(eq(donations.id, id), or(isNull(donations.stripeCustomerId), isNull(donations.stripePaymentMethodId))))
      .returning({ id: donations.id })
    return rows.length > 0
  }

  /** Adds a payment's amounts to the running totals; `counted` also marks the donation as counted. */
  async addToTotals(db: Db, id: string, change: DonationTotalsChange, options: { expected?: Expected; counted?: boolean } = {}): Promise<void> {
    const set: Record<string, SQL | boolean> = {}
    for (const key of ['donationAmount', 'contributionAmount', 'matchFundingAmount'] as const) {
      if (change[key] !== undefined) set[key] = sql`${donations[key]} + ${change[key]}`
    }
    if (options.counted) set.donationCounted = true
    await this.update(db, id, set, options.expected ?? {})
  }

  /** A donation refunded to nothing stops counting: only while its totals are zero and it still counts. */
  async stopCounting(db: Db, id: string): Promise<void> {
    await this.update(db, id, { donationCounted: false }, { donationAmount: 0, contributionAmount: 0, donationCounted: true })
  }

  private async update(db: Db, id: string, set: Record<string, unknown>, expected: Expected): Promise<void> {
    const rows = await db
      .update(donations)
      .set(set)
      .where(and(eq(donations.id, id), ...unchangedColumns<DonationRow>(donations, expected)))
      .returning({ id: donations.id })
    expectUpdated(rows, 'donation')
  }
}
