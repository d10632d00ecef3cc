import { and, eq, inArray, sql, type Db } from '@hearth/kernel'
import { items, orderPromotions, orders, prices } from '../../db/schema.ts'

export type OrderRow = typeof orders.$inferSelect
export type OrderInsert = typeof orders.$inferInsert
export type OrderPatch = Partial<Pick<OrderInsert, 'name' | 'stage' | 'issuedToUid' | 'assignedToUid' | 'updatedBy'>>
export type ItemInsert = typeof items.$inferInsert
export type ItemPatch = Partial<Pick<ItemInsert, 'code' | 'quantity' | 'description' | 'provider' | 'createdBy' | 'updatedBy'>>
export type PriceInsert = typeof prices.$inferInsert
export type PricePatch = Partial<Pick<PriceInsert, 'type' | 'amount' | 'currency' | 'createdBy' | 'updatedBy'>>

/** Orders with their items, prices and promotion links. */
export class OrdersRepository {
  async insert(db: Db, row: OrderInsert): Promise<OrderRow> {
    const [created] = await db.insert(orders).values(row).returning()
    return created!
  }

  async update(db: Db, uid: string, patch: OrderPatch): Promise<OrderRow | undefined> {
    const [updated] = await db
      .update(orders)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(orders.uid, uid))
      .returning()
    return updated
  }

  async byUid(db: Db, uid: string): Promise<OrderRow | undefined> {
    const [row] = await db.select().from(orders).where(eq(orders.uid, uid)).limit(1)
    return row
  }

  async insertItems(db: Db, rows: ItemInsert[]): Promise<void> {
    if (rows.length > 0) await db.insert(items).values(rows)
  }

  /** Updates an item of this order; false when the order has no such item. */
  async updateItem(db: Db, orderUid: string, uid: string, patch: ItemPatch): Promise<boolean> {
    const updated = await db
      .update(items)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(items.uid, uid), eq(items.orderUid, orderUid)))
      .returning({ uid: items.uid })
    return updated.length > 0
  }

  async deleteItem(db: Db, orderUid: string, uid: string): Promise<boolean> {
    const deleted = await db
      .delete(items)
      .where(and(eq(items.uid, uid), eq(items.orderUid, orderUid)))
      .returning({ uid: items.uid })
    return deleted.length > 0
  }

  async insertPrices(db: Db, rows: PriceInsert[]): Promise<void> {
    if (rows.length > 0) await db.insert(prices).values(rows)
  }

  async updatePrice(db: Db, itemUid: string, uid: string, patch: PricePatch): Promise<boolean> {
    const updated = await db
      .update(prices)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(prices.uid, uid), eq(prices.itemUid, itemUid)))
      .returning({ uid: prices.uid })
    return updated.length > 0
  }

  async deletePrice(db: Db, itemUid: string, uid: string): Promise<boolean> {
    const deleted = await db
      .delete(prices)
      .where(and(eq(prices.uid, uid), eq(prices.itemUid, itemUid)))
      .returning({ uid: prices.uid })
    return deleted.length > 0
  }

  async connectPromotions(db: Db, orderUid: string, promotionUids: string[]): Promise<void> {
    if (promotionUids.length > 0)
      await db
        .insert(orderPromotions)
        .values(promotionUids.map((promotionUid) => ({ orderUid, promotionUid })))
        .onConflictDoNothing()
  }

  async disconnectPromotions(db: Db, orderUid: string, promotionUids: string[]): Promise<void> {
    if (promotionUids.length > 0) await db.delete(orderPromotions).where(and(eq(orderPromotions.orderUid, orderUid), inArray(orderPromotions.promotionUid, promotionUids)))
  }
}
