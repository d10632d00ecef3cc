import { and, eq, type Db, defineStatement, runStatement } from '@hearth/kernel'
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

interface UserRecord {
  id: number
  id_type: string
  user_id: string | bigint
  role: Role
}
const statements = {
  byPublicId: defineStatement('devmarkt_user_by_public_id', 'SELECT id, id_type, user_id, role::text AS role FROM users WHERE id_type = $1 AND user_id = $2 LIMIT 1'),
  byIds: defineStatement('devmarkt_users_by_ids', 'SELECT id, id_type, user_id, role::text AS role FROM users WHERE id = ANY($1::int[])'),
}
const toUser = (row: UserRecord): UserRow => ({ id: Number(row.id), idType: row.id_type, userId: BigInt(row.user_id), role: row.role })

/** Every SQL statement of the feature; each method runs on the `Db` it is given (the pool or a transaction). */
export class UserRepository {
  /** The per-request lookup behind every credential (unique index on id_type, user_id). */
  async findByPublicId(db: Db, id: PublicUserId): Promise<UserRow | undefined> {
    const [row] = await runStatement<UserRecord>(db, statements.byPublicId, [id.type, id.number.toString()])
    return row && toUser(row)
  }

  async byIds(db: Db, ids: readonly number[]): Promise<UserRow[]> {
    return (await runStatement<UserRecord>(db, statements.byIds, [ids])).map(toUser)
  }

  /** Inserts the user unless the public id exists; undefined when it did. */
  async insert(db: Db, id: PublicUserId, role: Role): Promise<UserRow | undefined> {
    const [row] = await db.insert(users).values({ idType: id.type, userId: id.number, role }).onConflictDoNothing().returning()
    return row
  }

  async findOrCreate(db: Db, id: PublicUserId, role: Role): Promise<UserRow> {
    return (await this.insert(db, id, role)) ?? (await this.findByPublicId(db, id))!
  }

  async updateRole(db: Db, id: PublicUserId, role: Role): Promise<UserRow | undefined> {
    const [row] = await db.update(users).set({ role }).where(byPublicId(id)).returning()
    return row
  }

  async delete(db: Db, id: PublicUserId): Promise<UserRow | undefined> {
    const [row] = await db.delete(users).where(byPublicId(id)).returning()
    return row
  }
}
