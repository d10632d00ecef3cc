import { eq, sql, type Db } from '@hearth/kernel'
import { promotions } from '../../db/schema.ts'

export type PromotionInsert = typeof promotions.$inferInsert
export type PromotionPatch = Partial<Pick<PromotionInsert, 'code' | 'name' | 'start' | 'end' | 'category' | 'content' | 'updatedBy'>>

export class PromotionsRepository {
  async insert(db: Db, row: PromotionInsert): Promise<string> {
    const [created] = await db.insert(promotions).values(row).returning({ uid: promotions.uid })
    return created!.uid
  }

  async update(db: Db, uid: string, patch: PromotionPatch): Promise<void> {
    await db
      .update(promotions)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(promotions.uid, uid))
  }

  /** Locks the promotion row until the transaction ends (serialises its publications' daily limit). */
  async lock(db: Db, uid: string): Promise<boolean> {
    const rows = await db.select({ uid: promotions.uid }).from(promotions).where(eq(promotions.uid, uid)).for('update')
    return rows.length > 0
  }
}
