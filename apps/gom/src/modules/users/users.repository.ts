import { eq, inArray, type Db } from '@hearth/kernel'
import { customerOf, users } from '../../db/schema.ts'

export type UserRow = typeof users.$inferSelect

/** Sellers (`User`): provisioned out of band (seeds), never through the GraphQL API. */
export class UsersRepository {
  async insert(db: Db, row: typeof users.$inferInsert): Promise<void> {
    await db.insert(users).values(row)
  }

  async byExtUid(db: Db, extUid: string): Promise<UserRow | undefined> {
    const [row] = await db.select().from(users).where(eq(users.extUid, extUid)).limit(1)
    return row
  }

  async byExtUids(db: Db, extUids: string[]): Promise<UserRow[]> {
    if (extUids.length === 0) return []
    return db.select().from(users).where(inArray(users.extUid, extUids))
  }

  async byUid(db: Db, uid: string): Promise<UserRow | undefined> {
    const [row] = await db.select().from(users).where(eq(users.uid, uid)).limit(1)
    return row
  }

  /** The sellers a customer belongs to (`Bp.customerOf`). */
  async sellersOf(db: Db, bpUid: string): Promise<UserRow[]> {
    return db
      .select({ uid: users.uid, extUid: users.extUid, business: users.business, role: users.role, createdAt: users.createdAt, updatedAt: users.updatedAt })
      .from(users)
      .innerJoin(customerOf, eq(customerOf.userUid, users.uid))
      .where(eq(customerOf.bpUid, bpUid))
  }
}
