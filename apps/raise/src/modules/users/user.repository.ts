import { asc, eq, type Db } from '@hearth/kernel'
import { users, type UserRow } from '../../db/schema.ts'

export const userRepository = {
  list: (db: Db): Promise<UserRow[]> => db.select().from(users).orderBy(users.id),
  async insert(db: Db, row: UserRow): Promise<void> {
    await db.insert(users).values(row)
  },
  async get(db: Db, id: string): Promise<UserRow | undefined> {
    return (await db.select().from(users).where(eq(users.id, id)))[0]
  },
  /** Email is not unique: the first match (oldest id) wins, as the original's scan did. */
  async firstByEmail(db: Db, email: string): Promise<UserRow | undefined> {
    return (await db.select().from(users).where(eq(users.email, email)).orderBy(asc(users.id)).limit(1))[0]
  },
}
