import { eq, type Db } from '@hearth/kernel'
import { groups, type GroupRow } from '../../db/schema.ts'

export const groupRepository = {
  list: (db: Db): Promise<GroupRow[]> => db.select().from(groups).orderBy(groups.id),
  async insert(db: Db, row: GroupRow): Promise<void> {
    await db.insert(groups).values(row)
  },
  async get(db: Db, id: string): Promise<GroupRow | undefined> {
    return (await db.select().from(groups).where(eq(groups.id, id)))[0]
  },
}
