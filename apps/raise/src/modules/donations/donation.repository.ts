import { and, desc, eq, type Db } from '@hearth/kernel'
import { donations, type DonationRow } from '../../db/schema.ts'

export const donationRepository = {
  listByFundraiser: (db: Db, fundraiserId: string): Promise<DonationRow[]> =>
    db.select().from(donations).where(eq(donations.fundraiserId, fundraiserId)).orderBy(desc(donations.id)),
  async get(db: Db, fundraiserId: string, id: string): Promise<DonationRow | undefined> {
    return (await db.select().from(donations).where(and(eq(donations.fundraiserId, fundraiserId), eq(donations.id, id))))[0]
  },
  async insert(db: Db, row: DonationRow): Promise<void> {
    await db.insert(donations).values(row)
  },
}
