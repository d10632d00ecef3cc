/**
 * The contract between the modules that cause a notification e-mail (§4.15) and the notifications module that
 * renders and sends it. A producer enqueues one `notification.send` job in the transaction that caused it (so a
 * rolled-back change sends nothing and a committed one sends exactly once); the job's handler resolves the
 * recipients from the compact's or jurisdiction's configuration at send time, renders the template (with the
 * testing banner outside production) and sends it through the kernel's SMTP mail.
 */

/** The original notification service's template names (§4.15), kept as the wire of the job payload. */
export type NotificationTemplate =
  | 'privilegeDeactivationProviderNotification'
  | 'privilegeDeactivationJurisdictionNotification'
  | 'licenseEncumbranceProviderNotification'
  | 'licenseEncumbranceStateNotification'
  | 'licenseEncumbranceLiftingProviderNotification'
  | 'licenseEncumbranceLiftingStateNotification'
  | 'privilegeEncumbranceProviderNotification'
  | 'privilegeEncumbranceStateNotification'
  | 'privilegeEncumbranceLiftingProviderNotification'
  | 'privilegeEncumbranceLiftingStateNotification'
  | 'licenseInvestigationStateNotification'
  | 'licenseInvestigationClosedStateNotification'
  | 'privilegeInvestigationStateNotification'
  | 'privilegeInvestigationClosedStateNotification'
  | 'militaryAuditApprovedNotification'
  | 'militaryAuditDeclinedNotification'
  | 'homeJurisdictionChangeOldStateNotification'
  | 'homeJurisdictionChangeNewStateNotification'
  | 'multipleRegistrationAttemptNotification'
  | 'ssnCorrectionReregistrationNotification'
  | 'providerEmailVerificationCode'
  | 'providerEmailChangeNotification'
  | 'providerAccountRecoveryConfirmation'
  | 'privilegeExpirationReminder'
  | 'CompactTransactionReporting'
  | 'JurisdictionTransactionReporting'
  | 'transactionBatchSettlementFailure'
  | 'ingestValidationErrorDigest'
  | 'ingestWeeklyAllIsWell'
  | 'ingestNoLicenseUpdates'

/**
 * Who receives it. `SPECIFIC` names the addresses in `specificEmails` (a provider's registered e-mail, a new
 * address); the others are the configured lists of §1.10, read when the job runs.
 */
export type NotificationRecipientType =
  'SPECIFIC' | 'COMPACT_OPERATIONS_TEAM' | 'COMPACT_ADVERSE_ACTIONS' | 'COMPACT_SUMMARY_REPORT' | 'JURISDICTION_OPERATIONS_TEAM' | 'JURISDICTION_ADVERSE_ACTIONS' | 'JURISDICTION_SUMMARY_REPORT'

export type TemplateVariable = string | number | boolean | null | string[]

/** Payload of the `notification.send` job. */
export interface NotificationRequest {
  template: NotificationTemplate
  recipientType: NotificationRecipientType
  compact: string
  /** Required for the JURISDICTION_* recipient types. */
  jurisdiction?: string
  /** Required for SPECIFIC. */
  specificEmails?: string[]
  /** What the template shows (names, dates, jurisdictions, ids); never an SSN. */
  templateVariables: Record<string, TemplateVariable>
  /** Optional file attachments (reports): name, content type and base64 content. */
  attachments?: { filename: string; contentType: string; contentBase64: string }[]
}
