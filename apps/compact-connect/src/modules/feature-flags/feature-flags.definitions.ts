import type { HearthEnv } from '@hearth/kernel'

/** Conditions on the caller's custom attributes: each listed attribute must be one of the values (e.g. `compact`). */
export type FlagConditions = Record<string, string[]>

export interface FlagDefinition {
  flagId: string
  description: string
  /** Environments in which the flag is created enabled (the original's deploy-time "auto-enable per environment"). */
  enabledIn: readonly HearthEnv[]
  /** Optional custom-attribute conditions the flag is created with. */
  conditions?: FlagConditions
}

/**
 * The flags of §4.16 with the original's names. They are created in `feature_flags` (if missing) when the app starts
 * and reset to these values by the QA seed; afterwards the table is the runtime switch (and `FEATURE_FLAGS` in the
 * environment overrides it).
 */
export const FLAG_DEFINITIONS: readonly FlagDefinition[] = [
  {
    flagId: 'license-ssn-correction-migration-flag',
    description: 'Backend: license uploads may carry previousSSN to move a license uploaded under a wrong SSN (§4.2). Fail closed.',
    enabledIn: ['development', 'qa'],
  },
  { flagId: 'test-flag', description: 'For tests of the flag check endpoint.', enabledIn: ['development', 'qa'] },
  { flagId: 'example-flag', description: 'Example UI flag, limited to one compact.', enabledIn: ['development', 'qa'], conditions: { compact: ['aslp'] } },
]
