import { eq, type Db } from '@hearth/kernel'
import { groups, type GroupRow } from '../../db/schema.ts'
import { expectUpdated } from '../../db/conditional.ts'

/** Groups: SQL only, no state. */
export class GroupRepository {
  list(db: Db): Promise<GroupRow[]> {
    return db.select().from(groups).orderBy(groups.id)
  }

  async insert(db: Db, row: GroupRow): Promise<void> {
    await db.insert(groups).values(row)
  }

  async get(db: Db, id: string): Promise<GroupRow | undefined> {
    return (await db.select().from(groups).where(eq(groups.id, id)))[0]
  }

  async update(db: Db, id: string, edits: Partial<Omit<GroupRow, 'id'>>): Promise<void> {
    expectUpdated(await db.update(groups).set(edits).where(eq(groups.id, id)).returning({ id: groups.id }), 'group')
  }
}
