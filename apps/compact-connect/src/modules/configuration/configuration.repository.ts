import { and, asc, eq, type Db } from '@hearth/kernel'
import { compactConfigurations, jurisdictionConfigurations, paymentProcessorCredentials } from '../../db/schema.ts'

export type CompactConfigurationRow = typeof compactConfigurations.$inferSelect
export type CompactConfigurationInsert = typeof compactConfigurations.$inferInsert
export type JurisdictionConfigurationRow = typeof jurisdictionConfigurations.$inferSelect
export type JurisdictionConfigurationInsert = typeof jurisdictionConfigurations.$inferInsert
export type PaymentCredentialsRow = typeof paymentProcessorCredentials.$inferSelect

/** Compact and jurisdiction configuration (§1.10) and the payment processor secret (§2.5). */
export class ConfigurationRepository {
  async compact(db: Db, compact: string): Promise<CompactConfigurationRow | undefined> {
    const [row] = await db.select().from(compactConfigurations).where(eq(compactConfigurations.compact, compact))
    return row
  }

  /** The compact row locked for the rest of the transaction (PUTs read, check and write it). */
  async lockCompact(db: Db, compact: string): Promise<CompactConfigurationRow | undefined> {
    const [row] = await db.select().from(compactConfigurations).where(eq(compactConfigurations.compact, compact)).for('update')
    return row
  }

  async allCompacts(db: Db): Promise<CompactConfigurationRow[]> {
    return db.select().from(compactConfigurations).orderBy(asc(compactConfigurations.compact))
  }

  async upsertCompact(db: Db, values: CompactConfigurationInsert): Promise<void> {
    const { compact: _key, ...rest } = values
    await db.insert(compactConfigurations).values(values).onConflictDoUpdate({ target: compactConfigurations.compact, set: rest })
  }

  async updateCompact(db: Db, compact: string, values: Partial<CompactConfigurationInsert>): Promise<void> {
    await db.update(compactConfigurations).set(values).where(eq(compactConfigurations.compact, compact))
  }

  async jurisdiction(db: Db, compact: string, jurisdiction: string): Promise<JurisdictionConfigurationRow | undefined> {
    const [row] = await db
      .select()
      .from(jurisdictionConfigurations)
      .where(and(eq(jurisdictionConfigurations.compact, compact), eq(jurisdictionConfigurations.jurisdiction, jurisdiction)))
    return row
  }

  async lockJurisdiction(db: Db, compact: string, jurisdiction: string): Promise<JurisdictionConfigurationRow | undefined> {
    const [row] = await db
      .select()
      .from(jurisdictionConfigurations)
      .where(and(eq(jurisdictionConfigurations.compact, compact), eq(jurisdictionConfigurations.jurisdiction, jurisdiction)))
      .for('update')
    return row
  }

  async jurisdictionsOfCompact(db: Db, compact: string): Promise<JurisdictionConfigurationRow[]> {
    return db.select().from(jurisdictionConfigurations).where(eq(jurisdictionConfigurations.compact, compact)).orderBy(asc(jurisdictionConfigurations.jurisdiction))
  }

  async upsertJurisdiction(db: Db, values: JurisdictionConfigurationInsert): Promise<void> {
    const { compact: _compact, jurisdiction: _jurisdiction, ...rest } = values
    await db
      .insert(jurisdictionConfigurations)
      .values(values)
      .onConflictDoUpdate({ target: [jurisdictionConfigurations.compact, jurisdictionConfigurations.jurisdiction], set: rest })
  }

  async credentials(db: Db, compact: string): Promise<PaymentCredentialsRow | undefined> {
    const [row] = await db.select().from(paymentProcessorCredentials).where(eq(paymentProcessorCredentials.compact, compact))
    return row
  }

  async upsertCredentials(db: Db, values: PaymentCredentialsRow): Promise<void> {
    const { compact: _key, ...rest } = values
    await db.insert(paymentProcessorCredentials).values(values).onConflictDoUpdate({ target: paymentProcessorCredentials.compact, set: rest })
  }
}
