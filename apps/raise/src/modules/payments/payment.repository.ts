import { and, asc, desc, eq, isNull, lte, or, sql, type Db } from '@hearth/kernel'
import { payments, type PaymentRow } from '../../db/schema.ts'
import { COLLECTION_CLAIM_PATTERN } from './collection-claim.ts'

export const paymentRepository = {
  listByDonation: (db: Db, donationId: string): Promise<PaymentRow[]> => db.select().from(payments).where(eq(payments.donationId, donationId)).orderBy(desc(payments.id)),
  /** Oldest first (by `at`, then id): the order the webhook reserves match funding in. */
  listByDonationChronological: (db: Db, donationId: string): Promise<PaymentRow[]> => db.select().from(payments).where(eq(payments.donationId, donationId)).orderBy(asc(payments.at), asc(payments.id)),
  async get(db: Db, donationId: string, id: string): Promise<PaymentRow | undefined> {
    return (
      await db
        .select()
        .from(payments)
        .where(and(eq(payments.donationId, donationId), eq(payments.id, id)))
    )[0]
  },
  async insert(db: Db, rows: PaymentRow[]): Promise<void> {
    if (rows.length > 0) await db.insert(payments).values(rows)
  },
  /** Scheduled card payments that are due. */
  dueForCollection: (db: Db, now: number): Promise<PaymentRow[]> =>
    db
      .select()
      .from(payments)
      .where(and(eq(payments.status, 'scheduled'), eq(payments.method, 'card'), lte(payments.at, now)))
      .orderBy(asc(payments.at), asc(payments.id)),
  /** Claims a due payment for this collection run (see collection-claim.ts); false when another has it or it was charged. */
  claimForCollection: async (db: Db, id: string, claim: string, expiredBefore: number): Promise<boolean> =>
    (
      await db
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
    ).length === 1,
  /** Replaces this run's claim with the PaymentIntent's id; false when the claim is no longer there. */
  recordCollection: async (db: Db, id: string, claim: string, reference: string): Promise<boolean> =>
    (
      await db
        .update(payments)
        .set({ reference })
        .where(and(eq(payments.id, id), eq(payments.reference, claim)))
        .returning({ id: payments.id })
    ).length === 1,
  /** Gives a claim back after a declined or failed charge, so the next run tries again. */
  releaseCollectionClaim: (db: Db, id: string, claim: string) =>
    db
      .update(payments)
      .set({ reference: null })
      .where(and(eq(payments.id, id), eq(payments.reference, claim))),
  scheduledCard: (db: Db): Promise<PaymentRow[]> =>
    db
      .select()
      .from(payments)
      .where(and(eq(payments.status, 'scheduled'), eq(payments.method, 'card')))
      .orderBy(asc(payments.id)),
}
