import { count, eq, type Db } from '@hearth/kernel'
import { donations, fundraisers, type FundraiserRow } from '../../db/schema.ts'

export const fundraiserRepository = {
  list: (db: Db): Promise<FundraiserRow[]> => db.select().from(fundraisers).orderBy(fundraisers.id),
  async get(db: Db, id: string): Promise<FundraiserRow | undefined> {
    return (await db.select().from(fundraisers).where(eq(fundraisers.id, id)))[0]
  },
  async insert(db: Db, row: FundraiserRow): Promise<void> {
    await db.insert(fundraisers).values(row)
  },
  async donationCount(db: Db, id: string): Promise<number> {
    return (await db.select({ n: count() }).from(donations).where(eq(donations.fundraiserId, id)))[0]!.n
  },
}
