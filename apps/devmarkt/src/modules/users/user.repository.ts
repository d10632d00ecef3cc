import { and, eq, inArray, type Db } from '@hearth/kernel'
import { users } from '../../db/schema.ts'
import type { Role } from '../../permissions.ts'

export interface UserRow {
  id: number
  idType: string
  userId: bigint
  role: Role
}

export interface PublicUserId {
  type: string
  number: bigint
}

const byPublicId = (id: PublicUserId) => and(eq(users.idType, id.type), eq(users.userId, id.number))

export const userRepository = {
  async findByPublicId(db: Db, id: PublicUserId): Promise<UserRow | undefined> {
    const [row] = await db.select().from(users).where(byPublicId(id)).limit(1)
    return row
  },

  byIds(db: Db, ids: readonly number[]): Promise<UserRow[]> {
    return db.select().from(users).where(inArray(users.id, [...ids]))
  },

  /** Inserts the user unless the public id exists; undefined when it did. */
  async insert(db: Db, id: PublicUserId, role: Role): Promise<UserRow | undefined> {
    const [row] = await db.insert(users).values({ idType: id.type, userId: id.number, role }).onConflictDoNothing().returning()
    return row
  },

  async findOrCreate(db: Db, id: PublicUserId, role: Role): Promise<UserRow> {
    return (await userRepository.insert(db, id, role)) ?? (await userRepository.findByPublicId(db, id))!
  },

  async updateRole(db: Db, id: PublicUserId, role: Role): Promise<UserRow | undefined> {
    const [row] = await db.update(users).set({ role }).where(byPublicId(id)).returning()
    return row
  },

  async delete(db: Db, id: PublicUserId): Promise<UserRow | undefined> {
    const [row] = await db.delete(users).where(byPublicId(id)).returning()
    return row
  },
}
