import { and, asc, desc, eq, lte, type Db } from '@hearth/kernel'
import { payments, type PaymentRow } from '../../db/schema.ts'

export const paymentRepository = {
  listByDonation: (db: Db, donationId: string): Promise<PaymentRow[]> =>
    db.select().from(payments).where(eq(payments.donationId, donationId)).orderBy(desc(payments.id)),
  /** Oldest first (by `at`, then id): the order the webhook reserves match funding in. */
  listByDonationChronological: (db: Db, donationId: string): Promise<PaymentRow[]> =>
    db.select().from(payments).where(eq(payments.donationId, donationId)).orderBy(asc(payments.at), asc(payments.id)),
  async get(db: Db, donationId: string, id: string): Promise<PaymentRow | undefined> {
    return (await db.select().from(payments).where(and(eq(payments.donationId, donationId), eq(payments.id, id))))[0]
  },
  async insert(db: Db, rows: PaymentRow[]): Promise<void> {
    if (rows.length > 0) await db.insert(payments).values(rows)
  },
  /** Scheduled card payments that are due. */
  dueForCollection: (db: Db, now: number): Promise<PaymentRow[]> =>
    db.select().from(payments).where(and(eq(payments.status, 'scheduled'), eq(payments.method, 'card'), lte(payments.at, now))).orderBy(asc(payments.at), asc(payments.id)),
  scheduledCard: (db: Db): Promise<PaymentRow[]> =>
    db.select().from(payments).where(and(eq(payments.status, 'scheduled'), eq(payments.method, 'card'))).orderBy(asc(payments.id)),
}
