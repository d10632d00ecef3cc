import { and, eq, type Db } from '@hearth/kernel'
import { providers, updateRecords } from '../../db/schema.ts'

export type ProviderRow = typeof providers.$inferSelect
type RecoveryFields = Partial<
  Pick<
    typeof providers.$inferInsert,
    'recoveryToken' | 'recoveryExpiry' | 'pendingEmailAddress' | 'emailVerificationCode' | 'emailVerificationExpiry' | 'compactConnectRegisteredEmailAddress' | 'dateOfUpdate' | 'providerDateOfUpdate'
  >
>

/** The provider fields of account recovery and e-mail change (§1.2, §4.5). */
export class AccountRepository {
  async provider(db: Db, compact: string, providerId: string): Promise<ProviderRow | undefined> {
    const [row] = await db
      .select()
      .from(providers)
      .where(and(eq(providers.compact, compact), eq(providers.providerId, providerId)))
    return row
  }

  async lockProvider(db: Db, compact: string, providerId: string): Promise<ProviderRow | undefined> {
    const [row] = await db
      .select()
      .from(providers)
      .where(and(eq(providers.compact, compact), eq(providers.providerId, providerId)))
      .for('update')
    return row
  }

  async update(db: Db, providerId: string, values: RecoveryFields): Promise<void> {
    await db.update(providers).set(values).where(eq(providers.providerId, providerId))
  }

  async insertProviderUpdate(db: Db, values: typeof updateRecords.$inferInsert): Promise<void> {
    await db.insert(updateRecords).values(values)
  }
}
