import { and, desc, eq, gt, isNull, sql, type Db } from '@hearth/kernel'
import { appClients, identities, identityCodes, identityMfa, loginChallenges, oauthGrants } from '../db/schema.ts'

export type IdentityRow = typeof identities.$inferSelect
export type IdentityInsert = typeof identities.$inferInsert
export type AppClientRow = typeof appClients.$inferSelect
export type OauthGrantRow = typeof oauthGrants.$inferSelect
export type OauthGrantInsert = typeof oauthGrants.$inferInsert
export type IdentityPool = 'staff' | 'provider'
export type IdentityMfaRow = typeof identityMfa.$inferSelect
export type IdentityCodeRow = typeof identityCodes.$inferSelect
export type LoginChallengeRow = typeof loginChallenges.$inferSelect
export type LoginChallengeInsert = typeof loginChallenges.$inferInsert
export type CodePurpose = 'temporary-password' | 'forgot-password'

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

  /** Deletes the identity with its authenticator, codes, login sessions and refresh tokens (Cognito's AdminDeleteUser). */
  async delete(db: Db, sub: string): Promise<void> {
    await this.endSessions(db, sub)
    await db.delete(identityCodes).where(eq(identityCodes.sub, sub))
    await db.delete(identityMfa).where(eq(identityMfa.sub, sub))
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

  // ---- MFA (TOTP) ----

  async mfa(db: Db, sub: string): Promise<IdentityMfaRow | undefined> {
    const [row] = await db.select().from(identityMfa).where(eq(identityMfa.sub, sub))
    return row
  }

  /** A pending enrolment's secret (replaced when one is pending already; a confirmed authenticator is never replaced here). */
  async startMfaEnrolment(db: Db, sub: string, secret: string): Promise<void> {
    await db
      .insert(identityMfa)
      .values({ sub, secret })
      .onConflictDoUpdate({ target: identityMfa.sub, set: { secret, lastStep: null, createdAt: new Date() }, where: isNull(identityMfa.confirmedAt) })
  }

  /** Records the step of an accepted code (and confirms a pending enrolment), unless that step or a later one was used. */
  async acceptMfaStep(db: Db, sub: string, step: number): Promise<boolean> {
    const rows = await db
      .update(identityMfa)
      .set({ lastStep: step, confirmedAt: sql`coalesce(${identityMfa.confirmedAt}, now())` })
      .where(and(eq(identityMfa.sub, sub), sql`(${identityMfa.lastStep} is null or ${identityMfa.lastStep} < ${step})`))
      .returning({ sub: identityMfa.sub })
    return rows.length === 1
  }

  async deleteMfa(db: Db, sub: string): Promise<void> {
    await db.delete(identityMfa).where(eq(identityMfa.sub, sub))
  }

  // ---- one-time codes (temporary passwords, forgotten-password codes) ----

  /** A new code replaces every unused one of the same purpose. */
  async replaceCode(db: Db, values: { sub: string; purpose: CodePurpose; codeHash: string; expiresAt: Date }): Promise<void> {
    await db
      .update(identityCodes)
      .set({ usedAt: new Date() })
      .where(and(eq(identityCodes.sub, values.sub), eq(identityCodes.purpose, values.purpose), isNull(identityCodes.usedAt)))
    await db.insert(identityCodes).values(values)
  }

  /** The newest unused, unexpired code of that purpose (with fewer than `maxAttempts` wrong guesses, when given). */
  async liveCode(db: Db, sub: string, purpose: CodePurpose, maxAttempts?: number): Promise<IdentityCodeRow | undefined> {
    const [row] = await db
      .select()
      .from(identityCodes)
      .where(
        and(
          eq(identityCodes.sub, sub),
          eq(identityCodes.purpose, purpose),
          isNull(identityCodes.usedAt),
          gt(identityCodes.expiresAt, new Date()),
          maxAttempts === undefined ? undefined : sql`${identityCodes.attempts} < ${maxAttempts}`,
        ),
      )
      .orderBy(desc(identityCodes.id))
      .limit(1)
    return row
  }

  async countWrongGuess(db: Db, id: number): Promise<void> {
    await db
      .update(identityCodes)
      .set({ attempts: sql`${identityCodes.attempts} + 1` })
      .where(eq(identityCodes.id, id))
  }

  /** Marks the code used; false when another request used it first (single use). */
  async useCode(db: Db, id: number): Promise<boolean> {
    const rows = await db
      .update(identityCodes)
      .set({ usedAt: new Date() })
      .where(and(eq(identityCodes.id, id), isNull(identityCodes.usedAt)))
      .returning({ id: identityCodes.id })
    return rows.length === 1
  }

  async deleteCodes(db: Db, sub: string): Promise<void> {
    await db.delete(identityCodes).where(eq(identityCodes.sub, sub))
  }

  // ---- hosted-login challenges ----

  async insertChallenge(db: Db, values: LoginChallengeInsert): Promise<void> {
    await db.insert(loginChallenges).values(values)
  }

  /** The live challenge of that session (locked for this transaction), or undefined. */
  async lockChallenge(db: Db, sessionHash: string, pool: IdentityPool): Promise<LoginChallengeRow | undefined> {
    const [row] = await db
      .select()
      .from(loginChallenges)
      .where(and(eq(loginChallenges.sessionHash, sessionHash), eq(loginChallenges.pool, pool), gt(loginChallenges.expiresAt, new Date())))
      .for('update')
    return row
  }

  async updateChallenge(db: Db, sessionHash: string, values: Partial<Pick<LoginChallengeInsert, 'kind' | 'attempts'>>): Promise<void> {
    await db.update(loginChallenges).set(values).where(eq(loginChallenges.sessionHash, sessionHash))
  }

  async deleteChallenge(db: Db, sessionHash: string): Promise<void> {
    await db.delete(loginChallenges).where(eq(loginChallenges.sessionHash, sessionHash))
  }

  /** Ends every hosted-login session and refresh token of an identity (its password or authenticator changed). */
  async endSessions(db: Db, sub: string): Promise<void> {
    await db.delete(loginChallenges).where(eq(loginChallenges.sub, sub))
    await db
      .update(oauthGrants)
      .set({ usedAt: new Date() })
      .where(and(eq(oauthGrants.sub, sub), isNull(oauthGrants.usedAt)))
  }
}
