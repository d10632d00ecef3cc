import type { Database, EventBus, HearthEnv } from '@hearth/kernel'
import type { CompactConnectEvents } from '../../events.ts'
import { FLAG_DEFINITIONS, type FlagConditions } from './feature-flags.definitions.ts'
import type { FeatureFlagsRepository, FlagRow } from './feature-flags.repository.ts'

type Logger = { error(object: unknown, message?: string): void }

/** What a caller may say about itself when a flag is checked (StatSig's user: id and custom attributes). */
export interface FlagContext {
  userId?: string
  customAttributes?: Record<string, string | number | boolean>
}

/**
 * Feature flags (§4.16): `isEnabled(flagId, attributes)` for the backend and the check endpoint. A flag is on when
 * its row is enabled (or `FEATURE_FLAGS` says on) and every attribute condition holds. Unknown flags and any
 * failure to read them are off (fail closed). The rows are cached per process and the cache is dropped in every
 * process through the event bus whenever a flag changes.
 */
export class FeatureFlags {
  private cache: Promise<Map<string, FlagRow>> | undefined
  private unsubscribe: (() => Promise<void>) | undefined

  constructor(
    private readonly database: Database,
    private readonly repository: FeatureFlagsRepository,
    private readonly events: EventBus<CompactConnectEvents>,
    private readonly env: HearthEnv,
    private readonly overrides: Readonly<Record<string, boolean>>,
    private readonly log: Logger,
  ) {}

  /** Subscribes to flag changes (every process drops its cache); call once at start. */
  async start(): Promise<void> {
    this.unsubscribe ??= await this.events.subscribe('feature-flags.changed', () => this.invalidate())
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.()
    this.unsubscribe = undefined
  }

  invalidate(): void {
    this.cache = undefined
  }

  /** The flags, read once and then served from the cache; a failed read is not cached, so the next check retries. */
  private rows(): Promise<Map<string, FlagRow>> {
    if (this.cache) return this.cache
    const load = this.repository.all(this.database.db).then((rows) => new Map(rows.map((row) => [row.flagId, row])))
    this.cache = load
    load.catch(() => {
      // Only this read's own entry: an invalidation may already have started a newer one.
      if (this.cache === load) this.cache = undefined
    })
    return load
  }

  /** Whether a flag is on for these attributes; false for an unknown flag or when the flags cannot be read. */
  async isEnabled(flagId: string, attributes: FlagContext['customAttributes'] = {}): Promise<boolean> {
    let row: FlagRow | undefined
    try {
      row = (await this.rows()).get(flagId)
    } catch (error) {
      this.log.error({ err: error, flagId }, 'feature flags could not be read; treating the flag as off')
      return false
    }
    if (!row) return false
    const enabled = this.overrides[flagId] ?? row.enabled
    return enabled && conditionsHold(row.conditions, attributes)
  }

  /** Creates the defined flags missing in this deployment's table (enabled per environment, §4.16). */
  async ensureDefined(): Promise<void> {
    await this.repository.insertMissing(this.database.db, this.definedRows())
    await this.changed('*')
  }

  /** Resets every defined flag to its definition (QA seed). */
  async seed(): Promise<void> {
    for (const row of this.definedRows()) await this.repository.upsert(this.database.db, row)
    await this.changed('*')
  }

  /** Sets a flag (operators, tests): every process sees the change on its next check. */
  async set(flagId: string, enabled: boolean, conditions: FlagConditions = {}): Promise<void> {
    await this.repository.upsert(this.database.db, { flagId, enabled, conditions })
    await this.changed(flagId)
  }

  private definedRows(): FlagRow[] {
    return FLAG_DEFINITIONS.map((definition) => ({ flagId: definition.flagId, enabled: definition.enabledIn.includes(this.env), conditions: definition.conditions ?? {} }))
  }

  private async changed(flagId: string): Promise<void> {
    this.invalidate()
    try {
      await this.events.publish('feature-flags.changed', { flagId })
    } catch (error) {
      this.log.error({ err: error, flagId }, 'could not publish a feature-flag change')
    }
  }
}

/** Every condition names an attribute the caller gave with one of the allowed values (compared as strings). */
export function conditionsHold(conditions: FlagConditions, attributes: FlagContext['customAttributes'] = {}): boolean {
  return Object.entries(conditions).every(([name, allowed]) => {
    const value = attributes[name]
    return value !== undefined && allowed.includes(String(value))
  })
}
