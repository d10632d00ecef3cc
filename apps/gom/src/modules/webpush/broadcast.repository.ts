import { eq } from 'drizzle-orm'
import type { Db } from '@hearth/kernel'
import { customerOf, promotions, publications } from '../../db/schema.ts'

/** The reads and the status write of a promotion broadcast (spec §5.4). */
export class BroadcastRepository {
  async promotion(db: Db, promotionUid: string): Promise<{ uid: string; name: string; content: string | null; ownerUid: string } | undefined> {
    const rows = await db
      .select({ uid: promotions.uid, name: promotions.name, content: promotions.content, ownerUid: promotions.assignedToUid })
      .from(promotions)
      .where(eq(promotions.uid, promotionUid))
      .limit(1)
    return rows[0]
  }

  /**
   * The customers of the seller who owns the promotion — the intended filter
   * (`customerOf_some.promotions_some.uid`); the original dropped it and reached every seller's customers.
   */
  async recipients(db: Db, sellerUid: string): Promise<string[]> {
    const rows = await db.select({ uid: customerOf.bpUid }).from(customerOf).where(eq(customerOf.userUid, sellerUid)).orderBy(customerOf.bpUid)
    return rows.map((row) => row.uid)
  }

  async markPublication(db: Db, publicationUid: string, status: 'DELIVERED' | 'FAILED', updatedBy: string): Promise<void> {
    const now = new Date()
    await db
      .update(publications)
      .set(status === 'DELIVERED' ? { status, publishAt: now, updatedAt: now, updatedBy } : { status, updatedAt: now, updatedBy })
      .where(eq(publications.uid, publicationUid))
  }
}
