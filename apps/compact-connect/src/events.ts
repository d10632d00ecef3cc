/** The original's revert event detail. */
export interface RevertEvent {
  compact: string
  providerId: string
  jurisdiction: string
  licenseType: string
  rollbackReason: string
  startTime: string
  endTime: string
  rollbackExecutionName: string
  eventTime: string
}

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
  // ---- cc-enforcement: encumbrances, investigations, deactivation, home-jurisdiction change, military audit (§5) ----
  'license.encumbrance': EncumbranceEvent
  'privilege.encumbrance': EncumbranceEvent
  'license.encumbranceLifted': EncumbranceEvent
  'privilege.encumbranceLifted': EncumbranceEvent
  'license.investigation': InvestigationEvent
  'privilege.investigation': InvestigationEvent
  'license.investigationClosed': InvestigationEvent
  'privilege.investigationClosed': InvestigationEvent
  'privilege.deactivation': { compact: string; providerId: string; jurisdiction: string; eventTime: string }
  /** cc-s3-rollback: a license reverted or deleted by the upload rollback (§5). */
  'license.revert': RevertEvent
  /** cc-s3-rollback: a privilege reactivated by the upload rollback (§5); `jurisdiction` is the privilege's. */
  'privilege.revert': RevertEvent
  'militaryAffiliation.audit': { compact: string; providerId: string; auditResult: 'approved' | 'declined'; auditNote?: string; eventTime: string }
  'provider.homeJurisdictionChange': { compact: string; providerId: string; previousHomeJurisdiction: string; newHomeJurisdiction: string; eventTime: string }
}

/** `license|privilege.encumbrance[Lifted]`: `effectiveDate` is the start (or lift) date the state gave. */
export interface EncumbranceEvent {
  compact: string
  providerId: string
  jurisdiction: string
  licenseTypeAbbreviation: string
  effectiveDate: string
  adverseActionId?: string
  eventTime: string
}

/** `license|privilege.investigation[Closed]`. */
export interface InvestigationEvent {
  compact: string
  providerId: string
  jurisdiction: string
  licenseTypeAbbreviation: string
  investigationId: string
  adverseActionId?: string
  eventTime: string
}
