import { eq, type Db } from '@hearth/kernel'
import { featureFlags } from '../../db/schema.ts'
import type { FlagConditions } from './feature-flags.definitions.ts'

export interface FlagRow {
  flagId: string
  enabled: boolean
  conditions: FlagConditions
}

/** The `feature_flags` table (§4.16): one row per flag, `custom_attributes` holding its attribute conditions. */
export class FeatureFlagsRepository {
  async all(db: Db): Promise<FlagRow[]> {
    const rows = await db.select().from(featureFlags)
    return rows.map((row) => ({ flagId: row.flagId, enabled: row.enabled, conditions: (row.customAttributes ?? {}) as FlagConditions }))
  }

  /** Creates the flags that do not exist yet; existing rows keep what operators set. */
  async insertMissing(db: Db, rows: readonly FlagRow[]): Promise<void> {
    if (rows.length === 0) return
    await db
      .insert(featureFlags)
      .values(rows.map((row) => ({ flagId: row.flagId, enabled: row.enabled, customAttributes: row.conditions })))
      .onConflictDoNothing()
  }

  async upsert(db: Db, row: FlagRow): Promise<void> {
    await db
      .insert(featureFlags)
      .values({ flagId: row.flagId, enabled: row.enabled, customAttributes: row.conditions })
      .onConflictDoUpdate({ target: featureFlags.flagId, set: { enabled: row.enabled, customAttributes: row.conditions } })
  }

  async remove(db: Db, flagId: string): Promise<void> {
    await db.delete(featureFlags).where(eq(featureFlags.flagId, flagId))
  }
}
