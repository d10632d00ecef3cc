import { and, asc, desc, eq, isNull, like, lte, or, sql, type Db } from '@hearth/kernel'
import { payments, type PaymentRow } from '../../db/schema.ts'
import { expectUpdated, unchangedColumns } from '../../db/conditional.ts'
import { COLLECTION_CLAIM_PATTERN } from './collection-claim.ts'

type Expected = Partial<Pick<PaymentRow, 'donationAmount' | 'contributionAmount' | 'matchFundingAmount' | 'status' | 'reference'>>

/** Payments: SQL only, no state. Every conditional update is 409 when its condition fails. */
export class PaymentRepository {
  listByDonation(db: Db, donationId: string): Promise<PaymentRow[]> {
    return db.select().from(payments).where(eq(payments.donationId, donationId)).orderBy(desc(payments.id))
  }

  /** By id alone, whichever donation it belongs to (the caller checks). */
  async getById(db: Db, id: string): Promise<PaymentRow | undefined> {
    return (await db.select().from(payments).where(eq(payments.id, id)))[0]
  }

  async insert(db: Db, rows: PaymentRow[]): Promise<void> {
    if (rows.length > 0) await db.insert(payments).values(rows)
  }

  /** Scheduled card payments that are due. */
  dueForCollection(db: Db, now: number): Promise<PaymentRow[]> {
    return db
      .select()
      .from(payments)
      .where(and(eq(payments.status, 'scheduled'), eq(payments.method, 'card'), lte(payments.at, now)))
      .orderBy(asc(payments.at), asc(payments.id))
  }

  scheduledCard(db: Db): Promise<PaymentRow[]> {
    return db
      .select()
      .from(payments)
      .where(and(eq(payments.status, 'scheduled'), eq(payments.method, 'card')))
      .orderBy(asc(payments.id))
  }

  /** Claims a due payment for this collection run (see collection-claim.ts); false when another has it or it was charged. */
  async claimForCollection(db: Db, id: string, claim: string, expiredBefore: number): Promise<boolean> {
    const rows = await db
      .update(payments)
      .set({ reference: claim })
      .where(
        and(
          eq(payments.id, id),
          eq(payments.status, 'scheduled'),
          or(isNull(payments.reference), sql`(${payments.reference} LIKE ${COLLECTION_CLAIM_PATTERN} AND split_part(${payments.reference}, ':', 2)::bigint < ${expiredBefore})`),
        ),
      )
      .returning({ id: payments.id })
    return rows.length === 1
  }

  /** Replaces this run's claim with the PaymentIntent's id; false when the claim is no longer there. */
  async recordCollection(db: Db, id: string, claim: string, reference: string): Promise<boolean> {
    const rows = await db
      .update(payments)
      .set({ reference })
      .where(and(eq(payments.id, id), eq(payments.reference, claim)))
      .returning({ id: payments.id })
    return rows.length === 1
  }

  /** Gives a claim back after a declined or failed charge, so the next run tries again. */
  async releaseCollectionClaim(db: Db, id: string, claim: string): Promise<void> {
    await db
      .update(payments)
      .set({ reference: null })
      .where(and(eq(payments.id, id), eq(payments.reference, claim)))
  }

  /**
   * The webhook's credit: paid, with its match funding, only while the payment is as read and its
   * reference is unset, claimed by the collection charging it, or this PaymentIntent (the collection
   * may have saved the reference since it was read).
   */
  async markPaid(
    db: Db,
    id: string,
    matchFundingAmount: number,
    options: { paymentIntentId: string; expected: Required<Pick<Expected, 'donationAmount' | 'contributionAmount' | 'matchFundingAmount' | 'status'>> },
  ) {
    const referenceIsOurs = or(isNull(payments.reference), like(payments.reference, COLLECTION_CLAIM_PATTERN), eq(payments.reference, options.paymentIntentId))!
    await this.update(db, id, { status: 'paid', matchFundingAmount }, options.expected, referenceIsOurs)
  }

  /** Match funding reserved for a future instalment: only while it has none and is as read. */
  async reserveMatchFunding(db: Db, id: string, matchFundingAmount: number, options: { expected: Pick<PaymentRow, 'donationAmount' | 'status'> }): Promise<void> {
    await this.update(db, id, { status: 'scheduled', matchFundingAmount }, { ...options.expected, matchFundingAmount: null })
  }

  async setMatchFundingAmount(db: Db, id: string, matchFundingAmount: number | null, options: { expected: Expected }): Promise<void> {
    await this.update(db, id, { matchFundingAmount }, options.expected)
  }

  async setDonationAmount(db: Db, id: string, donationAmount: number, options: { expected: Expected }): Promise<void> {
    await this.update(db, id, { donationAmount }, options.expected)
  }

  async setContributionAmount(db: Db, id: string, contributionAmount: number, options: { expected: Expected }): Promise<void> {
    await this.update(db, id, { contributionAmount }, options.expected)
  }

  async setReference(db: Db, id: string, reference: string | null): Promise<void> {
    await this.update(db, id, { reference }, {})
  }

  /** Cancelled, only while `expected` holds (`reference: null` = never charged). */
  async cancel(db: Db, id: string, options: { expected: Expected }): Promise<void> {
    await this.update(db, id, { status: 'cancelled' }, options.expected)
  }

  private async update(db: Db, id: string, set: Partial<PaymentRow>, expected: Expected, ...extra: ReturnType<typeof or>[]): Promise<void> {
    const rows = await db
      .update(payments)
      .set(set)
      .where(and(eq(payments.id, id), ...extra, ...unchangedColumns<PaymentRow>(payments, expected)))
      .returning({ id: payments.id })
    expectUpdated(rows, 'payment')
  }
}
