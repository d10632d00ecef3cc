import { asc, eq, type Db } from '@hearth/kernel'
import { users, type UserRow } from '../../db/schema.ts'
import { expectUpdated } from '../../db/conditional.ts'

/** Users (the login allowlist): SQL only, no state. */
export class UserRepository {
  list(db: Db): Promise<UserRow[]> {
    return db.select().from(users).orderBy(users.id)
  }

  async insert(db: Db, row: UserRow): Promise<void> {
    await db.insert(users).values(row)
  }

  async get(db: Db, id: string): Promise<UserRow | undefined> {
    return (await db.select().from(users).where(eq(users.id, id)))[0]
  }

  /** Email is not unique: the first match (oldest id) wins, as the original's scan did. */
  async firstByEmail(db: Db, email: string): Promise<UserRow | undefined> {
    return (await db.select().from(users).where(eq(users.email, email)).orderBy(asc(users.id)).limit(1))[0]
  }

  async update(db: Db, id: string, edits: Partial<Omit<UserRow, 'id'>>): Promise<void> {
    expectUpdated(await db.update(users).set(edits).where(eq(users.id, id)).returning({ id: users.id }), 'user')
  }
}
