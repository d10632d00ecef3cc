import { and, eq, inArray, sql, type Db } from '@hearth/kernel'
import { items, orderPromotions, orders, prices } from '../../db/schema.ts'
import type { Filter } from '../shared/records.repository.ts'

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

  /** The orders issued to a customer (read before a `deleteBp` cascade removes them). */
  async issuedTo(db: Db, bpUid: string): Promise<OrderRow[]> {
    return db.select().from(orders).where(eq(orders.issuedToUid, bpUid)).orderBy(orders.uid)
  }

  /**
   * Whether `filter` (a condition on an `orders` row at its alias) holds for a row that is no
   * longer stored: the deleted order, as a one-row `values` list with the table's columns, so a
   * subscriber's visibility and `node` filter are the same SQL as for a stored order (its relations
   * are read as the database holds them now).
   */
  async snapshotMatches(db: Db, row: OrderRow, filter: Filter): Promise<boolean> {
    const values = sql`values (${row.uid}::text, ${row.name}::text, ${row.stage}::text, ${row.issuedToUid}::text, ${row.assignedToUid}::text, ${row.createdAt.toISOString()}::timestamptz, ${row.updatedAt.toISOString()}::timestamptz, ${row.createdBy}::text, ${row.updatedBy}::text)`
    const columns = sql.raw('"r"("uid", "name", "stage", "issued_to_uid", "assigned_to_uid", "created_at", "updated_at", "created_by", "updated_by")')
    const result = (await db.execute(sql`select exists (select 1 from (${values}) as ${columns} where ${filter('r')}) as "found"`)) as unknown as { rows: { found: boolean }[] }
    return result.rows[0]?.found === true
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

  /** The uids of the order's items, all of them or those passing `filter` (on the `items` row at its alias). */
  async itemUids(db: Db, orderUid: string, filter?: Filter): Promise<string[]> {
    const condition = filter ? sql` and ${filter('r')}` : sql``
    const result = (await db.execute(sql`select "r"."uid" from "items" "r" where "r"."order_uid" = ${orderUid}${condition} order by "r"."uid"`)) as unknown as { rows: { uid: string }[] }
    return result.rows.map((row) => row.uid)
  }

  /** Moves items into the order (Prisma 1 `connect`/`set` on the required relation `OrderItem`). */
  async moveItems(db: Db, orderUid: string, uids: string[]): Promise<void> {
    if (uids.length > 0)
      await db
        .update(items)
        .set({ orderUid, updatedAt: sql`now()` })
        .where(inArray(items.uid, uids))
  }

  async updateItems(db: Db, orderUid: string, uids: string[], patch: ItemPatch): Promise<void> {
    if (uids.length > 0)
      await db
        .update(items)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(and(eq(items.orderUid, orderUid), inArray(items.uid, uids)))
  }

  async deleteItems(db: Db, orderUid: string, uids: string[]): Promise<void> {
    if (uids.length > 0) await db.delete(items).where(and(eq(items.orderUid, orderUid), inArray(items.uid, uids)))
  }

  async hasItem(db: Db, orderUid: string, uid: string): Promise<boolean> {
    const rows = await db
      .select({ uid: items.uid })
      .from(items)
      .where(and(eq(items.uid, uid), eq(items.orderUid, orderUid)))
      .limit(1)
    return rows.length > 0
  }

  /** The uids of the item's prices, all of them or those passing `filter` (on the `prices` row at its alias). */
  async priceUids(db: Db, itemUid: string, filter?: Filter): Promise<string[]> {
    const condition = filter ? sql` and ${filter('r')}` : sql``
    const result = (await db.execute(sql`select "r"."uid" from "prices" "r" where "r"."item_uid" = ${itemUid}${condition} order by "r"."uid"`)) as unknown as { rows: { uid: string }[] }
    return result.rows.map((row) => row.uid)
  }

  async movePrices(db: Db, itemUid: string, uids: string[]): Promise<void> {
    if (uids.length > 0)
      await db
        .update(prices)
        .set({ itemUid, updatedAt: sql`now()` })
        .where(inArray(prices.uid, uids))
  }

  async updatePrices(db: Db, itemUid: string, uids: string[], patch: PricePatch): Promise<void> {
    if (uids.length > 0)
      await db
        .update(prices)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(and(eq(prices.itemUid, itemUid), inArray(prices.uid, uids)))
  }

  async deletePrices(db: Db, itemUid: string, uids: string[]): Promise<void> {
    if (uids.length > 0) await db.delete(prices).where(and(eq(prices.itemUid, itemUid), inArray(prices.uid, uids)))
  }

  async hasPrice(db: Db, itemUid: string, uid: string): Promise<boolean> {
    const rows = await db
      .select({ uid: prices.uid })
      .from(prices)
      .where(and(eq(prices.uid, uid), eq(prices.itemUid, itemUid)))
      .limit(1)
    return rows.length > 0
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
