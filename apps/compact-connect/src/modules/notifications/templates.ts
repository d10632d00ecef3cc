import { COMPACT_DEFINITIONS, isCompact, isJurisdiction, jurisdictionName } from '../../domain/compacts.ts'
import type { NotificationTemplate, TemplateVariable } from './notification.types.ts'
import { renderBlocks, type MailBlock } from './mail-layout.ts'

/**
 * The §4.15 templates: subject and body of each, from the template variables. Producers pass the variables named
 * in `TEMPLATE_VARIABLES` (a missing optional one leaves its sentence out; jurisdiction codes are shown by name).
 */
export const TEMPLATE_VARIABLES: Record<NotificationTemplate, readonly string[]> = {
  privilegeDeactivationProviderNotification: ['providerFirstName', 'privilegeId', 'jurisdiction?', 'licenseType?', 'deactivationNote?'],
  privilegeDeactivationJurisdictionNotification: ['providerFirstName', 'providerLastName', 'providerId', 'privilegeId', 'jurisdiction?', 'licenseType?'],
  licenseEncumbranceProviderNotification: ['providerFirstName', 'encumberedJurisdiction', 'licenseType', 'effectiveStartDate'],
  licenseEncumbranceStateNotification: ['providerFirstName', 'providerLastName', 'providerId', 'encumberedJurisdiction', 'licenseType', 'effectiveStartDate'],
  licenseEncumbranceLiftingProviderNotification: ['providerFirstName', 'liftedJurisdiction', 'licenseType', 'effectiveLiftDate'],
  licenseEncumbranceLiftingStateNotification: ['providerFirstName', 'providerLastName', 'providerId', 'liftedJurisdiction', 'licenseType', 'effectiveLiftDate'],
  privilegeEncumbranceProviderNotification: ['providerFirstName', 'encumberedJurisdiction', 'licenseType', 'effectiveStartDate'],
  privilegeEncumbranceStateNotification: ['providerFirstName', 'providerLastName', 'providerId', 'encumberedJurisdiction', 'licenseType', 'effectiveStartDate'],
  privilegeEncumbranceLiftingProviderNotification: ['providerFirstName', 'liftedJurisdiction', 'licenseType', 'effectiveLiftDate'],
  privilegeEncumbranceLiftingStateNotification: ['providerFirstName', 'providerLastName', 'providerId', 'liftedJurisdiction', 'licenseType', 'effectiveLiftDate'],
  licenseInvestigationStateNotification: ['providerFirstName', 'providerLastName', 'providerId', 'investigationJurisdiction', 'licenseType'],
  licenseInvestigationClosedStateNotification: ['providerFirstName', 'providerLastName', 'providerId', 'investigationJurisdiction', 'licenseType'],
  privilegeInvestigationStateNotification: ['providerFirstName', 'providerLastName', 'providerId', 'investigationJurisdiction', 'licenseType'],
  privilegeInvestigationClosedStateNotification: ['providerFirstName', 'providerLastName', 'providerId', 'investigationJurisdiction', 'licenseType'],
  militaryAuditApprovedNotification: ['providerFirstName?'],
  militaryAuditDeclinedNotification: ['providerFirstName?', 'auditNote?'],
  homeJurisdictionChangeOldStateNotification: ['providerFirstName', 'providerLastName', 'providerId', 'previousJurisdiction', 'newJurisdiction'],
  homeJurisdictionChangeNewStateNotification: ['providerFirstName', 'providerLastName', 'providerId', 'previousJurisdiction', 'newJurisdiction'],
  multipleRegistrationAttemptNotification: ['loginUrl?'],
  ssnCorrectionReregistrationNotification: ['providerFirstName?'],
  providerEmailVerificationCode: ['verificationCode'],
  providerEmailChangeNotification: ['newEmailAddress'],
  providerAccountRecoveryConfirmation: ['recoveryUrl'],
  privilegeExpirationReminder: ['providerFirstName', 'expirationDate', 'privileges', 'daysUntilExpiration?'],
  CompactTransactionReporting: ['reportingCycle', 'startDate', 'endDate'],
  JurisdictionTransactionReporting: ['jurisdiction', 'reportingCycle', 'startDate', 'endDate'],
  transactionBatchSettlementFailure: ['batchFailureErrorMessage', 'batchIds?'],
  ingestValidationErrorDigest: ['jurisdiction', 'windowStart', 'windowEnd', 'validationErrorCount', 'ingestFailureCount', 'errors'],
  ingestWeeklyAllIsWell: ['jurisdiction', 'weekStart', 'weekEnd', 'licenseUpdateCount?'],
  ingestNoLicenseUpdates: ['jurisdiction', 'weekStart', 'weekEnd'],
}

export interface RenderedNotification {
  subject: string
  text: string
  html: string
}

type Variables = Record<string, TemplateVariable>

/** Reads the variables of one request: strings as given, jurisdiction codes by name, lists as lists. */
class Reader {
  constructor(
    private readonly variables: Variables,
    readonly compact: string,
  ) {}

  text(name: string): string {
    const value = this.variables[name]
    if (value === null || value === undefined) return ''
    return Array.isArray(value) ? value.join(', ') : String(value)
  }

  list(name: string): string[] {
    const value = this.variables[name]
    if (Array.isArray(value)) return value
    return value === null || value === undefined || value === '' ? [] : [String(value)]
  }

  /** A jurisdiction code shown by name (`oh` → Ohio); anything else as given. */
  jurisdiction(name: string): string {
    const value = this.text(name)
    return isJurisdiction(value.toLowerCase()) ? jurisdictionName(value.toLowerCase() as never) : value.toUpperCase()
  }

  get compactName(): string {
    return isCompact(this.compact) ? COMPACT_DEFINITIONS[this.compact].name : this.compact.toUpperCase()
  }

  /** "First Last" (or just the first name) of the provider. */
  get providerName(): string {
    return [this.text('providerFirstName'), this.text('providerLastName')].filter((part) => part !== '').join(' ')
  }

  greeting(): string {
    const first = this.text('providerFirstName')
    return first ? `Hello ${first},` : 'Hello,'
  }

  /** Present only when the variable has a value. */
  optional(name: string, sentence: (value: string) => string): string[] {
    const value = this.text(name)
    return value ? [sentence(value)] : []
  }
}

type Template = (v: Reader) => { subject: string; blocks: MailBlock[] }

const providerLine = (v: Reader) => `Provider: ${v.providerName} (provider id ${v.text('providerId')})`

function encumbranceState(kind: 'license' | 'privilege', lifted: boolean): Template {
  return (v) => {
    const jurisdiction = v.jurisdiction(lifted ? 'liftedJurisdiction' : 'encumberedJurisdiction')
    const thing = kind === 'license' ? 'license' : 'privilege'
    return {
      subject: lifted ? `Encumbrance lifted on a ${thing} in ${jurisdiction}` : `A ${thing} in ${jurisdiction} has been encumbered`,
      blocks: [
        lifted
          ? `An encumbrance on the ${v.text('licenseType')} ${thing} of a provider in ${jurisdiction} was lifted in the ${v.compactName} compact, effective ${v.text('effectiveLiftDate')}.`
          : `The ${v.text('licenseType')} ${thing} of a provider in ${jurisdiction} was encumbered in the ${v.compactName} compact, effective ${v.text('effectiveStartDate')}.`,
        providerLine(v),
        'Sign in to CompactConnect to see the provider’s record.',
      ],
    }
  }
}

function encumbranceProvider(kind: 'license' | 'privilege', lifted: boolean): Template {
  return (v) => {
    const jurisdiction = v.jurisdiction(lifted ? 'liftedJurisdiction' : 'encumberedJurisdiction')
    const thing = kind === 'license' ? 'license' : 'privilege'
    return {
      subject: lifted ? `An encumbrance on your ${jurisdiction} ${thing} has been lifted` : `Your ${jurisdiction} ${thing} has been encumbered`,
      blocks: [
        v.greeting(),
        lifted
          ? `An encumbrance on your ${v.text('licenseType')} ${thing} in ${jurisdiction} has been lifted, effective ${v.text('effectiveLiftDate')}.`
          : `Your ${v.text('licenseType')} ${thing} in ${jurisdiction} has been encumbered, effective ${v.text('effectiveStartDate')}. This may affect your ability to practice under the ${v.compactName} compact.`,
        'Sign in to CompactConnect to see the details, and contact the jurisdiction with any questions.',
      ],
    }
  }
}

function investigation(kind: 'license' | 'privilege', closed: boolean): Template {
  return (v) => {
    const jurisdiction = v.jurisdiction('investigationJurisdiction')
    const thing = kind === 'license' ? 'license' : 'privilege'
    return {
      subject: closed ? `Investigation closed on a ${thing} in ${jurisdiction}` : `A ${thing} in ${jurisdiction} is under investigation`,
      blocks: [
        closed
          ? `The investigation of the ${v.text('licenseType')} ${thing} of a provider in ${jurisdiction} (${v.compactName} compact) has been closed.`
          : `The ${v.text('licenseType')} ${thing} of a provider in ${jurisdiction} (${v.compactName} compact) is under investigation.`,
        providerLine(v),
        'Sign in to CompactConnect to see the provider’s record.',
      ],
    }
  }
}

function homeJurisdictionChange(side: 'old' | 'new'): Template {
  return (v) => {
    const previous = v.jurisdiction('previousJurisdiction')
    const next = v.jurisdiction('newJurisdiction')
    return {
      subject: side === 'old' ? `A provider has moved their home state from ${previous} to ${next}` : `A provider has moved their home state to ${next}`,
      blocks: [
        `A provider in the ${v.compactName} compact changed their home state from ${previous} to ${next}.`,
        providerLine(v),
        side === 'old'
          ? `Their privileges that depended on the ${previous} license may have been deactivated.`
          : `If they hold no eligible license in ${next}, they must obtain one before purchasing privileges.`,
      ],
    }
  }
}

const dateRange = (v: Reader, start: string, end: string) => `${v.text(start)} to ${v.text(end)}`

const TEMPLATES: Record<NotificationTemplate, Template> = {
  privilegeDeactivationProviderNotification: (v) => ({
    subject: 'Your compact privilege has been deactivated',
    blocks: [
      v.greeting(),
      `Your privilege ${v.text('privilegeId')}${v.text('jurisdiction') ? ` in ${v.jurisdiction('jurisdiction')}` : ''} in the ${v.compactName} compact has been deactivated by a compact administrator. You may no longer practice under it.`,
      ...v.optional('deactivationNote', (note) => `Note: ${note}`),
      'Contact the compact with any questions.',
    ],
  }),
  privilegeDeactivationJurisdictionNotification: (v) => ({
    subject: `A privilege was deactivated in the ${v.compactName} compact`,
    blocks: [`Privilege ${v.text('privilegeId')}${v.text('jurisdiction') ? ` in ${v.jurisdiction('jurisdiction')}` : ''} was deactivated by a compact administrator.`, providerLine(v)],
  }),
  licenseEncumbranceProviderNotification: encumbranceProvider('license', false),
  licenseEncumbranceStateNotification: encumbranceState('license', false),
  licenseEncumbranceLiftingProviderNotification: encumbranceProvider('license', true),
  licenseEncumbranceLiftingStateNotification: encumbranceState('license', true),
  privilegeEncumbranceProviderNotification: encumbranceProvider('privilege', false),
  privilegeEncumbranceStateNotification: encumbranceState('privilege', false),
  privilegeEncumbranceLiftingProviderNotification: encumbranceProvider('privilege', true),
  privilegeEncumbranceLiftingStateNotification: encumbranceState('privilege', true),
  licenseInvestigationStateNotification: investigation('license', false),
  licenseInvestigationClosedStateNotification: investigation('license', true),
  privilegeInvestigationStateNotification: investigation('privilege', false),
  privilegeInvestigationClosedStateNotification: investigation('privilege', true),
  militaryAuditApprovedNotification: (v) => ({
    subject: 'Your military documentation has been approved',
    blocks: [v.greeting(), `Your military affiliation documentation for the ${v.compactName} compact has been approved. Military rates now apply to your privilege purchases where offered.`],
  }),
  militaryAuditDeclinedNotification: (v) => ({
    subject: 'Your military documentation was not approved',
    blocks: [
      v.greeting(),
      `Your military affiliation documentation for the ${v.compactName} compact was not approved.`,
      ...v.optional('auditNote', (note) => `Reviewer note: ${note}`),
      'You may upload new documentation from your CompactConnect account.',
    ],
  }),
  homeJurisdictionChangeOldStateNotification: homeJurisdictionChange('old'),
  homeJurisdictionChangeNewStateNotification: homeJurisdictionChange('new'),
  multipleRegistrationAttemptNotification: (v) => ({
    subject: 'Registration attempt with your email address',
    blocks: [
      `Someone tried to register for a ${v.compactName} compact account with this email address, which already has an account.`,
      'If this was you, sign in instead; use account recovery if you lost access to your multi-factor authentication. If it was not you, you can ignore this message.',
      ...v.optional('loginUrl', (url) => `Sign in: ${url}`),
    ],
  }),
  ssnCorrectionReregistrationNotification: (v) => ({
    subject: 'Please register again in CompactConnect',
    blocks: [
      v.greeting(),
      `A state corrected the license record your ${v.compactName} compact account was linked to. Your account has been closed; please register again with your corrected information to regain access.`,
    ],
  }),
  providerEmailVerificationCode: (v) => ({
    subject: 'Verify your new email address',
    blocks: [
      'Use this code to confirm your new CompactConnect email address. It expires in 15 minutes.',
      { code: v.text('verificationCode') },
      'If you did not ask for this change, ignore this message.',
    ],
  }),
  providerEmailChangeNotification: (v) => ({
    subject: 'Your CompactConnect email address was changed',
    blocks: [
      `The email address of your ${v.compactName} compact account was changed to ${v.text('newEmailAddress')}. Future messages go to the new address.`,
      'If you did not make this change, contact the compact at once.',
    ],
  }),
  providerAccountRecoveryConfirmation: (v) => ({
    subject: 'Confirm your CompactConnect account recovery',
    blocks: [
      'We received a request to reset the multi-factor authentication of your CompactConnect account. Follow this link within 15 minutes to finish:',
      v.text('recoveryUrl'),
      'If you did not ask for this, ignore this message: nothing changes.',
    ],
  }),
  privilegeExpirationReminder: (v) => {
    const days = v.text('daysUntilExpiration')
    return {
      subject: days === '0' ? 'Your compact privileges expire today' : `Your compact privileges expire on ${v.text('expirationDate')}`,
      blocks: [
        v.greeting(),
        days === '0'
          ? `These privileges in the ${v.compactName} compact expire today (${v.text('expirationDate')}):`
          : `These privileges in the ${v.compactName} compact expire on ${v.text('expirationDate')}${days ? ` (in ${days} days)` : ''}:`,
        { list: v.list('privileges') },
        'Renew them from your CompactConnect account to keep practicing under the compact.',
      ],
    }
  },
  CompactTransactionReporting: (v) => ({
    subject: `${v.compactName} ${v.text('reportingCycle')} transaction report, ${dateRange(v, 'startDate', 'endDate')}`,
    blocks: [
      `Attached is the ${v.text('reportingCycle')} transaction report of the ${v.compactName} compact for settlements from ${dateRange(v, 'startDate', 'endDate')}: a financial summary and the transaction detail.`,
    ],
  }),
  JurisdictionTransactionReporting: (v) => ({
    subject: `${v.jurisdiction('jurisdiction')} ${v.text('reportingCycle')} privilege transaction report, ${dateRange(v, 'startDate', 'endDate')}`,
    blocks: [
      `Attached is the ${v.text('reportingCycle')} report of ${v.compactName} compact privileges purchased for ${v.jurisdiction('jurisdiction')}, for settlements from ${dateRange(v, 'startDate', 'endDate')}.`,
    ],
  }),
  transactionBatchSettlementFailure: (v) => ({
    subject: `Transaction settlement error in the ${v.compactName} compact`,
    blocks: [
      `A settlement error was found while collecting the ${v.compactName} compact's settled transactions from the payment processor.`,
      v.text('batchFailureErrorMessage'),
      ...(v.list('batchIds').length > 0 ? [`Batches: ${v.list('batchIds').join(', ')}`] : []),
      'Review the batches in the payment processor’s merchant interface.',
    ],
  }),
  ingestValidationErrorDigest: (v) => ({
    subject: `License upload errors for ${v.jurisdiction('jurisdiction')} (${v.compactName})`,
    blocks: [
      `License data uploaded for ${v.jurisdiction('jurisdiction')} between ${dateRange(v, 'windowStart', 'windowEnd')} had ${v.text('validationErrorCount')} record(s) rejected by validation and ${v.text('ingestFailureCount')} ingest failure(s).`,
      { list: v.list('errors') },
      'Correct the records and upload them again.',
    ],
  }),
  ingestWeeklyAllIsWell: (v) => ({
    subject: `Weekly license upload summary for ${v.jurisdiction('jurisdiction')}: all is well`,
    blocks: [
      `License uploads for ${v.jurisdiction('jurisdiction')} in the ${v.compactName} compact from ${dateRange(v, 'weekStart', 'weekEnd')} were processed without errors.`,
      ...v.optional('licenseUpdateCount', (count) => `License records updated: ${count}.`),
    ],
  }),
  ingestNoLicenseUpdates: (v) => ({
    subject: `No license updates from ${v.jurisdiction('jurisdiction')} this week`,
    blocks: [
      `CompactConnect received no license uploads for ${v.jurisdiction('jurisdiction')} in the ${v.compactName} compact from ${dateRange(v, 'weekStart', 'weekEnd')}.`,
      'States are expected to upload their license data at least weekly. Please check your upload process.',
    ],
  }),
}

export function isTemplate(name: string): name is NotificationTemplate {
  return Object.hasOwn(TEMPLATES, name)
}

/** Subject, text and HTML of one notification (testing banner first outside production). */
export function renderNotification(template: NotificationTemplate, compact: string, variables: Variables, testBanner: boolean): RenderedNotification {
  const { subject, blocks } = TEMPLATES[template](new Reader(variables, compact))
  return { subject, ...renderBlocks(blocks, testBanner) }
}
