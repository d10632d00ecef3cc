import { and, asc, eq, gt, or, sql, type Db } from '@hearth/kernel'
import { staffUsers } from '../../db/schema.ts'

export type StaffUserRow = typeof staffUsers.$inferSelect
export type StaffUserInsert = typeof staffUsers.$inferInsert
export type StaffPermissions = StaffUserRow['permissions']

/** The original's `famGiv` sort key: lower-cased, URL-quoted `family#given`. */
export function famGivOf(familyName: string, givenName: string): string {
  return `${encodeURIComponent(familyName.toLowerCase())}#${encodeURIComponent(givenName.toLowerCase())}`
}

/** Staff-user records (§1.11): one per (user, compact). */
export class StaffUsersRepository {
  async recordsOfUser(db: Db, userId: string): Promise<StaffUserRow[]> {
    return db.select().from(staffUsers).where(eq(staffUsers.userId, userId)).orderBy(asc(staffUsers.compact))
  }

  async record(db: Db, userId: string, compact: string): Promise<StaffUserRow | undefined> {
    const [row] = await db
      .select()
      .from(staffUsers)
      .where(and(eq(staffUsers.userId, userId), eq(staffUsers.compact, compact)))
    return row
  }

  /** Locks the record for the rest of the transaction (permission changes read, then write). */
  async lockRecord(db: Db, userId: string, compact: string): Promise<StaffUserRow | undefined> {
    const [row] = await db
      .select()
      .from(staffUsers)
      .where(and(eq(staffUsers.userId, userId), eq(staffUsers.compact, compact)))
      .for('update')
    return row
  }

  async insert(db: Db, values: StaffUserInsert): Promise<StaffUserRow> {
    const [row] = await db.insert(staffUsers).values(values).returning()
    return row!
  }

  async updatePermissions(db: Db, userId: string, compact: string, permissions: StaffPermissions): Promise<StaffUserRow> {
    const [row] = await db
      .update(staffUsers)
      .set({ permissions, dateOfUpdate: new Date() })
      .where(and(eq(staffUsers.userId, userId), eq(staffUsers.compact, compact)))
      .returning()
    return row!
  }

  /** Applies name changes to every record of the user (PATCH /v1/staff-users/me). */
  async updateNames(db: Db, userId: string, names: { givenName?: string; familyName?: string }): Promise<void> {
    const rows = await this.recordsOfUser(db, userId)
    for (const row of rows) {
      const givenName = names.givenName ?? row.givenName
      const familyName = names.familyName ?? row.familyName
      await db
        .update(staffUsers)
        .set({ givenName, familyName, famGiv: famGivOf(familyName, givenName), dateOfUpdate: new Date() })
        .where(and(eq(staffUsers.userId, userId), eq(staffUsers.compact, row.compact)))
    }
  }

  async delete(db: Db, userId: string, compact: string): Promise<void> {
    await db.delete(staffUsers).where(and(eq(staffUsers.userId, userId), eq(staffUsers.compact, compact)))
  }

  /** The first token issuance flips every still-inactive record to active (§3.1). */
  async activate(db: Db, userId: string): Promise<void> {
    await db
      .update(staffUsers)
      .set({ status: 'active' })
      .where(and(eq(staffUsers.userId, userId), eq(staffUsers.status, 'inactive')))
  }

  /** One page of a compact's users in `famGiv` order, strictly after `after` (the decoded `lastKey`). */
  async page(db: Db, compact: string, after: { famGiv: string; userId: string } | undefined, limit: number): Promise<StaffUserRow[]> {
    const position = after === undefined ? undefined : or(gt(staffUsers.famGiv, after.famGiv), and(eq(staffUsers.famGiv, after.famGiv), sql`${staffUsers.userId}::text > ${after.userId}`))
    return db
      .select()
      .from(staffUsers)
      .where(and(eq(staffUsers.compact, compact), position))
      .orderBy(asc(staffUsers.famGiv), asc(staffUsers.userId))
      .limit(limit)
  }
}
