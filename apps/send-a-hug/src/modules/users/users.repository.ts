import { and, asc, eq, lt, sql, type Db } from '@hearth/kernel'
import { posts, roles, users } from '../../db/schema.ts'
import type { UserRow } from '../../mappers.ts'
import { ROLE } from '../../permissions.ts'

const userColumns = {
  id: users.id,
  displayName: users.displayName,
  receivedHugs: users.receivedHugs,
  givenHugs: users.givenHugs,
  loginCount: users.loginCount,
  roleId: users.roleId,
  roleName: roles.name,
  permissions: sql<string[] | null>`(select array_agg(p.permission order by p.id) from roles_permissions_map m join permissions p on p.id = m.permission_id where m.role_id = ${users.roleId})`,
  releaseDate: users.releaseDate,
  lastNotificationsRead: users.lastNotificationsRead,
  autoRefresh: users.autoRefresh,
  refreshRate: users.refreshRate,
  pushEnabled: users.pushEnabled,
  selectedCharacter: users.selectedCharacter,
  iconColours: users.iconColours,
  firebaseId: users.firebaseId,
  emailVerified: users.emailVerified,
  postCount: sql<number>`(select count(*) from ${posts} where ${posts.userId} = ${users.id})`.mapWith(Number),
}

export type UserChanges = Partial<typeof users.$inferInsert>

/** Users: SQL only. Each read returns everything the user view needs in one query. */
export class UsersRepository {
  private select(db: Db) {
    return db.select(userColumns).from(users).leftJoin(roles, eq(roles.id, users.roleId))
  }

  async findById(db: Db, id: number): Promise<UserRow | undefined> {
    return (await this.select(db).where(eq(users.id, id)))[0]
  }

  async findByFirebaseId(db: Db, firebaseId: string): Promise<UserRow | undefined> {
    return (await this.select(db).where(eq(users.firebaseId, firebaseId)))[0]
  }

  async exists(db: Db, id: number): Promise<boolean> {
    return (await db.select({ id: users.id }).from(users).where(eq(users.id, id))).length > 0
  }

  async displayNameOf(db: Db, id: number): Promise<string | undefined> {
    return (await db.select({ name: users.displayName }).from(users).where(eq(users.id, id)))[0]?.name
  }

  async searchByName(db: Db, query: string): Promise<UserRow[]> {
    return this.select(db)
      .where(sql`${users.displayName} ilike ${`%${escapeLike(query)}%`}`)
      .orderBy(asc(users.id))
  }

  async blocked(db: Db, limit: number, offset: number): Promise<{ rows: UserRow[]; total: number }> {
    const where = eq(users.roleId, ROLE.blocked)
    const [rows, [counted]] = await Promise.all([
      this.select(db)
        .where(where)
        .orderBy(sql`${users.releaseDate} asc nulls last`, asc(users.id))
        .limit(limit)
        .offset(offset),
      db
        .select({ total: sql<number>`count(*)`.mapWith(Number) })
        .from(users)
        .where(where),
    ])
    return { rows, total: counted?.total ?? 0 }
  }

  async create(db: Db, values: typeof users.$inferInsert): Promise<number> {
    return (await db.insert(users).values(values).returning({ id: users.id }))[0]!.id
  }

  async update(db: Db, id: number, changes: UserChanges): Promise<void> {
    if (Object.keys(changes).length > 0) await db.update(users).set(changes).where(eq(users.id, id))
  }

  /** Lifts every expired block (role 5 only — the original also demoted admins with a stale date). */
  async liftExpiredBlocks(db: Db, now: Date): Promise<void> {
    await db
      .update(users)
      .set({ roleId: ROLE.user, releaseDate: null })
      .where(and(eq(users.roleId, ROLE.blocked), lt(users.releaseDate, now)))
  }

  /** Lifts one user's block if it is still in place and expired (a no-op when someone got there first). */
  async liftBlockIfExpired(db: Db, id: number, now: Date): Promise<void> {
    await db
      .update(users)
      .set({ roleId: ROLE.user, releaseDate: null })
      .where(and(eq(users.id, id), eq(users.roleId, ROLE.blocked), lt(users.releaseDate, now)))
  }

  async addHugs(db: Db, changes: { giverId: number; receiverId: number }): Promise<void> {
    await db
      .update(users)
      .set({ givenHugs: sql`${users.givenHugs} + 1` })
      .where(eq(users.id, changes.giverId))
    await db
      .update(users)
      .set({ receivedHugs: sql`${users.receivedHugs} + 1` })
      .where(eq(users.id, changes.receiverId))
  }
}

/** `%` and `_` match themselves in searches (the original let them act as wildcards). */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`)
