/** Events (spec §5 detail types), published after the transaction that caused them commits. */
export type CompactConnectEvents = {
  'license.ingest': { compact: string; jurisdiction: string; providerId: string; licenseType: string; eventTime: string }
  'license.deactivation': { compact: string; jurisdiction: string; providerId: string; licenseType: string; eventTime: string }
  'license.validation-error': { compact: string; jurisdiction: string; recordNumber: number; validData: Record<string, unknown>; errors: Record<string, string[]>; eventTime: string }
  'license.ingest-failure': { compact: string; jurisdiction: string; errors: string[]; eventTime: string }
  /** cc-ingest: a feature flag changed (`*`: several); every process drops its cached flags. */
  'feature-flags.changed': { flagId: string }
  'privilege.purchase': {
    compact: string
    providerId: string
    transactionId: string
    privileges: { jurisdiction: string; privilegeId: string }[]
    lineItems: { itemId: string; name: string; description: string; quantity: string; unitPrice: string }[]
    totalCost: string
    eventTime: string
  }
  'privilege.issued': { compact: string; providerId: string; jurisdiction: string; licenseType: string; privilegeId: string; transactionId: string; eventTime: string }
  'privilege.renewed': { compact: string; providerId: string; jurisdiction: string; licenseType: string; privilegeId: string; transactionId: string; eventTime: string }
}
