import { and, eq, gte, inArray, lte, sql, type Db } from '@hearth/kernel'
import { bps, customerOf, promotions, publications } from '../../db/schema.ts'

export type PublicationInsert = typeof publications.$inferInsert
export type PublicationPatch = Partial<Pick<PublicationInsert, 'type' | 'status' | 'delay' | 'publishAt' | 'updatedBy'>>

export class PublicationsRepository {
  async insert(db: Db, row: PublicationInsert): Promise<typeof publications.$inferSelect> {
    const [created] = await db.insert(publications).values(row).returning()
    return created!
  }

  async update(db: Db, uid: string, patch: PublicationPatch): Promise<void> {
    await db
      .update(publications)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(publications.uid, uid))
  }

  /** Whether the promotion's owner has at least one customer. */
  async promotionHasCustomers(db: Db, promotionUid: string): Promise<boolean> {
    const rows = await db
      .select({ uid: bps.uid })
      .from(bps)
      .innerJoin(customerOf, eq(customerOf.bpUid, bps.uid))
      .innerJoin(promotions, eq(promotions.assignedToUid, customerOf.userUid))
      .where(eq(promotions.uid, promotionUid))
      .limit(1)
    return rows.length > 0
  }

  /** Publications of the promotion DELIVERED or WAITING with `publishAt` in [from, to]. */
  async countInWindow(db: Db, promotionUid: string, from: Date, to: Date): Promise<number> {
    const rows = await db
      .select({ uid: publications.uid })
      .from(publications)
      .where(and(eq(publications.promotionUid, promotionUid), inArray(publications.status, ['DELIVERED', 'WAITING']), gte(publications.publishAt, from), lte(publications.publishAt, to)))
    return rows.length
  }
}
