import { and, eq, gt, isNull, sql, type Db } from '@hearth/kernel'
import { appClients, identities, oauthGrants } from '../db/schema.ts'

export type IdentityRow = typeof identities.$inferSelect
export type IdentityInsert = typeof identities.$inferInsert
export type AppClientRow = typeof appClients.$inferSelect
export type OauthGrantRow = typeof oauthGrants.$inferSelect
export type OauthGrantInsert = typeof oauthGrants.$inferInsert
export type IdentityPool = 'staff' | 'provider'

/** The built-in identity service's store: identities of the staff and provider pools, state app clients, hosted-login grants. */
export class IdentityRepository {
  async bySub(db: Db, pool: IdentityPool, sub: string): Promise<IdentityRow | undefined> {
    const [row] = await db
      .select()
      .from(identities)
      .where(and(eq(identities.pool, pool), eq(identities.sub, sub)))
    return row
  }

  /** Usernames are e-mail addresses, matched case-insensitively (Cognito's case-insensitive pools). */
  async byUsername(db: Db, pool: IdentityPool, username: string): Promise<IdentityRow | undefined> {
    const [row] = await db
      .select()
      .from(identities)
      .where(and(eq(identities.pool, pool), sql`lower(${identities.username}) = lower(${username})`))
    return row
  }

  async insert(db: Db, values: IdentityInsert): Promise<IdentityRow> {
    const [row] = await db.insert(identities).values(values).returning()
    return row!
  }

  async update(db: Db, sub: string, values: Partial<Pick<IdentityInsert, 'enabled' | 'passwordHash' | 'status' | 'attributes' | 'email' | 'username'>>): Promise<void> {
    await db
      .update(identities)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(identities.sub, sub))
  }

  async delete(db: Db, sub: string): Promise<void> {
    await db.delete(identities).where(eq(identities.sub, sub))
  }

  async appClient(db: Db, clientId: string): Promise<AppClientRow | undefined> {
    const [row] = await db.select().from(appClients).where(eq(appClients.clientId, clientId))
    return row
  }

  async upsertAppClient(db: Db, values: { clientId: string; clientSecretHash: string; allowedScopes: string[] }): Promise<void> {
    await db
      .insert(appClients)
      .values(values)
      .onConflictDoUpdate({ target: appClients.clientId, set: { clientSecretHash: values.clientSecretHash, allowedScopes: values.allowedScopes } })
  }

  async insertGrant(db: Db, values: OauthGrantInsert): Promise<void> {
    await db.insert(oauthGrants).values(values)
  }

  /** Marks an unused, unexpired grant used and returns it; undefined when it was unknown, used or expired (single use). */
  async consumeGrant(db: Db, tokenHash: string, kind: 'code' | 'refresh'): Promise<OauthGrantRow | undefined> {
    const [row] = await db
      .update(oauthGrants)
      .set({ usedAt: new Date() })
      .where(and(eq(oauthGrants.tokenHash, tokenHash), eq(oauthGrants.kind, kind), isNull(oauthGrants.usedAt), gt(oauthGrants.expiresAt, new Date())))
      .returning()
    return row
  }

  async revokeGrant(db: Db, tokenHash: string): Promise<void> {
    await db.update(oauthGrants).set({ usedAt: new Date() }).where(eq(oauthGrants.tokenHash, tokenHash))
  }
}
