import { and, eq, inArray, sql, type Db } from '@hearth/kernel'
import { bps, customerOf, orders } from '../../db/schema.ts'

export type BpRow = typeof bps.$inferSelect
export type BpInsert = typeof bps.$inferInsert
export type BpPatch = Partial<Omit<BpInsert, 'uid' | 'createdAt' | 'createdBy'>>

/** Customers (`Bp`) and their `CustomerOf` links. */
export class BpsRepository {
  async insert(db: Db, row: BpInsert, sellerUids: string[]): Promise<BpRow> {
    const [created] = await db.insert(bps).values(row).returning()
    if (sellerUids.length > 0) await db.insert(customerOf).values(sellerUids.map((userUid) => ({ bpUid: created!.uid, userUid })))
    return created!
  }

  async update(db: Db, uid: string, patch: BpPatch): Promise<BpRow | undefined> {
    const [updated] = await db
      .update(bps)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(bps.uid, uid))
      .returning()
    return updated
  }

  /** Deletes the Bp; its orders (and their items and prices) go with it (relation BpOrder, CASCADE). */
  async delete(db: Db, uid: string): Promise<BpRow | undefined> {
    const [deleted] = await db.delete(bps).where(eq(bps.uid, uid)).returning()
    return deleted
  }

  async byUid(db: Db, uid: string): Promise<BpRow | undefined> {
    const [row] = await db.select().from(bps).where(eq(bps.uid, uid)).limit(1)
    return row
  }

  /** Whether any order issued to the Bp is still active (OPEN or IN_PROCESS). */
  async hasActiveOrders(db: Db, uid: string): Promise<boolean> {
    const rows = await db
      .select({ uid: orders.uid })
      .from(orders)
      .where(and(eq(orders.issuedToUid, uid), inArray(orders.stage, ['OPEN', 'IN_PROCESS'])))
      .limit(1)
    return rows.length > 0
  }

  /** Whether the Bp is a customer of the seller (by `User.uid`). */
  async isCustomerOf(db: Db, bpUid: string, userUid: string): Promise<boolean> {
    const rows = await db
      .select({ bpUid: customerOf.bpUid })
      .from(customerOf)
      .where(and(eq(customerOf.bpUid, bpUid), eq(customerOf.userUid, userUid)))
      .limit(1)
    return rows.length > 0
  }
}
