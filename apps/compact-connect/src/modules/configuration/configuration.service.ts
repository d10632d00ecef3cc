import type { Database } from '@hearth/kernel'
import { PaymentProcessorError } from '@hearth/kernel/payments'
import { COMPACTS, COMPACT_DEFINITIONS, isCompact, isJurisdiction, jurisdictionName, type Compact } from '../../domain/compacts.ts'
import { accessDenied, badRequest, internalError } from '../../errors.ts'
import { hasCompactOnly, hasStateOnly } from '../../permissions.ts'
import type { Caller } from '../../auth/tokens.ts'
import { isFeeAmount } from '../purchases/fees.ts'
import type { MerchantCredentials, PaymentGateway } from '../purchases/payment-gateway.ts'
import type { CredentialsCipher } from './credentials-cipher.ts'
import type { ConfigurationRepository, CompactConfigurationRow, JurisdictionConfigurationRow } from './configuration.repository.ts'
import type { CompactConfigurationBody, CompactConfigurationView, CredentialsBody, JurisdictionConfigurationBody, JurisdictionConfigurationView, MemberJurisdiction } from './configuration.schemas.ts'

const FEE_TYPE = 'FLAT_RATE'
const CHARGE_TYPE = 'FLAT_FEE_PER_PRIVILEGE'

/** The staff caller's scopes, or 403 for any other kind of caller. */
function staffScopes(caller: Caller): ReadonlySet<string> {
  if (caller.pool !== 'staff') throw accessDenied()
  return caller.scopes
}

/** A path compact the caller may administer: compact-only(admin) (§3.1). */
function requireCompactAdmin(caller: Caller, compact: string): Compact {
  if (!hasCompactOnly(staffScopes(caller), compact, 'admin') || !isCompact(compact)) throw accessDenied()
  return compact
}

/** A path jurisdiction the caller administers: state-only(admin) (§3.1); compact admins are refused. */
function requireStateAdmin(caller: Caller, compact: string, jurisdiction: string): Compact {
  if (!hasStateOnly(staffScopes(caller), compact, jurisdiction, 'admin') || !isCompact(compact)) throw accessDenied()
  return compact
}

export function toCompactView(compact: Compact, row: CompactConfigurationRow | undefined): CompactConfigurationView {
  if (!row) {
    return {
      compactAbbr: compact,
      compactName: COMPACT_DEFINITIONS[compact].name,
      compactCommissionFee: { feeType: FEE_TYPE, feeAmount: null },
      transactionFeeConfiguration: { licenseeCharges: { active: false, chargeType: CHARGE_TYPE, chargeAmount: null } },
      compactOperationsTeamEmails: [],
      compactAdverseActionsNotificationEmails: [],
      compactSummaryReportNotificationEmails: [],
      licenseeRegistrationEnabled: false,
      configuredStates: [],
    }
  }
  return {
    compactAbbr: compact,
    compactName: row.compactName,
    compactCommissionFee: { feeType: row.compactCommissionFee.feeType, feeAmount: row.compactCommissionFee.feeAmount },
    ...(row.transactionFeeConfiguration ? { transactionFeeConfiguration: row.transactionFeeConfiguration } : {}),
    compactOperationsTeamEmails: row.compactOperationsTeamEmails,
    compactAdverseActionsNotificationEmails: row.compactAdverseActionsNotificationEmails,
    compactSummaryReportNotificationEmails: row.compactSummaryReportNotificationEmails,
    licenseeRegistrationEnabled: row.licenseeRegistrationEnabled,
    configuredStates: row.configuredStates,
    ...(row.paymentProcessorPublicFields ? { paymentProcessorPublicFields: row.paymentProcessorPublicFields } : {}),
  }
}

export function toJurisdictionView(compact: Compact, jurisdiction: string, row: JurisdictionConfigurationRow | undefined): JurisdictionConfigurationView {
  const name = isJurisdiction(jurisdiction) ? jurisdictionName(jurisdiction) : jurisdiction
  if (!row) {
    return {
      compact,
      jurisdictionName: name,
      postalAbbreviation: jurisdiction,
      privilegeFees: COMPACT_DEFINITIONS[compact].licenseTypes.map((type) => ({ licenseTypeAbbreviation: type.abbreviation, amount: null, militaryRate: null })),
      jurisdictionOperationsTeamEmails: [],
      jurisdictionAdverseActionsNotificationEmails: [],
      jurisdictionSummaryReportNotificationEmails: [],
      licenseeRegistrationEnabled: false,
      jurisprudenceRequirements: { required: false, linkToDocumentation: null },
    }
  }
  return {
    compact,
    jurisdictionName: row.jurisdictionName,
    postalAbbreviation: row.jurisdiction,
    privilegeFees: row.privilegeFees.map((fee) => ({ licenseTypeAbbreviation: fee.licenseTypeAbbreviation, amount: fee.amount, militaryRate: fee.militaryRate ?? null })),
    jurisdictionOperationsTeamEmails: row.jurisdictionOperationsTeamEmails,
    jurisdictionAdverseActionsNotificationEmails: row.jurisdictionAdverseActionsNotificationEmails,
    jurisdictionSummaryReportNotificationEmails: row.jurisdictionSummaryReportNotificationEmails,
    licenseeRegistrationEnabled: row.licenseeRegistrationEnabled,
    jurisprudenceRequirements: { required: row.jurisprudenceRequirements.required, linkToDocumentation: row.jurisprudenceRequirements.linkToDocumentation ?? null },
  }
}

/** The live jurisdictions of a stored compact configuration, in configured order (§1.10). */
export function liveJurisdictions(row: Pick<CompactConfigurationRow, 'configuredStates'> | undefined): string[] {
  return (row?.configuredStates ?? []).filter((state) => state.isLive).map((state) => state.postalAbbreviation)
}

/**
 * Compact and jurisdiction configuration (§1.10, §2.5, §4.13), the live subset and the payment processor
 * credentials.
 */
export class ConfigurationService {
  constructor(
    private readonly database: Database,
    private readonly repository: ConfigurationRepository,
    private readonly payments: PaymentGateway,
    private readonly cipher: CredentialsCipher,
  ) {}

  /** The compact's merchant credentials, decrypted (purchases), or undefined when none were uploaded. */
  async merchantCredentials(compact: string): Promise<MerchantCredentials | undefined> {
    const row = await this.repository.credentials(this.database.db, compact)
    return row ? { apiLoginId: row.apiLoginId, transactionKey: this.cipher.decrypt(row.transactionKey) } : undefined
  }

  /** Stores verified credentials: the secret encrypted apart, the public fields on the compact configuration. */
  async saveCredentials(compact: Compact, credentials: MerchantCredentials & { processor: string; publicClientKey: string }, now: Date = new Date()): Promise<void> {
    await this.database.transaction(async (tx) => {
      await this.repository.upsertCredentials(tx, {
        compact,
        processor: credentials.processor,
        apiLoginId: credentials.apiLoginId,
        transactionKey: this.cipher.encrypt(credentials.transactionKey),
        dateOfUpdate: now,
      })
      await this.repository.updateCompact(tx, compact, { paymentProcessorPublicFields: { publicClientKey: credentials.publicClientKey, apiLoginId: credentials.apiLoginId }, dateOfUpdate: now })
    })
  }

  /** `GET /v1/public/jurisdictions/live`: `{compact: [live codes]}` for one compact or all. */
  async liveJurisdictions(compact: string | undefined): Promise<Record<string, string[]>> {
    if (compact !== undefined && !isCompact(compact)) throw badRequest(`Unsupported compact: ${compact}`)
    const rows = await this.repository.allCompacts(this.database.db)
    const byCompact = new Map(rows.map((row) => [row.compact, row]))
    const wanted = compact !== undefined ? [compact] : [...COMPACTS]
    return Object.fromEntries(wanted.map((code) => [code, liveJurisdictions(byCompact.get(code))]))
  }

  /** Active member jurisdictions of a compact (static configuration, §1.1). */
  memberJurisdictions(compact: string): MemberJurisdiction[] {
    if (!isCompact(compact)) throw badRequest('Invalid compact abbreviation')
    return COMPACT_DEFINITIONS[compact].activeMemberJurisdictions.map((code) => ({ jurisdictionName: jurisdictionName(code), postalAbbreviation: code, compact }))
  }

  async compactConfiguration(caller: Caller, compact: string): Promise<CompactConfigurationView> {
    const code = requireCompactAdmin(caller, compact)
    return toCompactView(code, await this.repository.compact(this.database.db, code))
  }

  /** PUT compact configuration with every rule of §4.13. */
  async putCompactConfiguration(caller: Caller, compact: string, body: CompactConfigurationBody): Promise<void> {
    const code = requireCompactAdmin(caller, compact)
    if (!isFeeAmount(body.compactCommissionFee.feeAmount)) throw badRequest('compactCommissionFee.feeAmount must be a non-negative amount with at most two decimal places')
    const charges = body.transactionFeeConfiguration?.licenseeCharges
    if (charges && !isFeeAmount(charges.chargeAmount)) throw badRequest('transactionFeeConfiguration.licenseeCharges.chargeAmount must be a non-negative amount with at most two decimal places')
    const seen = new Set<string>()
    for (const state of body.configuredStates ?? []) {
      if (!isJurisdiction(state.postalAbbreviation)) throw badRequest(`Invalid jurisdiction postal abbreviation: ${state.postalAbbreviation}`)
      if (seen.has(state.postalAbbreviation)) throw badRequest(`Duplicate jurisdiction in configuredStates: ${state.postalAbbreviation}`)
      seen.add(state.postalAbbreviation)
    }
    await this.database.transaction(async (tx) => {
      const existing = await this.repository.lockCompact(tx, code)
      if (existing?.licenseeRegistrationEnabled && !body.licenseeRegistrationEnabled) {
        throw badRequest('Once licensee registration has been enabled, it cannot be disabled.')
      }
      if (body.licenseeRegistrationEnabled && !existing?.paymentProcessorPublicFields) {
        throw badRequest('All payment processor credentials must be uploaded before licensee registration can be enabled.')
      }
      const stored = new Map((existing?.configuredStates ?? []).map((state) => [state.postalAbbreviation, state.isLive]))
      // Omitted configured states are kept as stored.
      const configuredStates = body.configuredStates ?? existing?.configuredStates ?? []
      for (const state of configuredStates) seen.add(state.postalAbbreviation)
      const added = configuredStates.filter((state) => !stored.has(state.postalAbbreviation)).map((state) => state.postalAbbreviation)
      const removed = [...stored.keys()].filter((code) => !seen.has(code))
      if (added.length > 0) throw badRequest(`Cannot add jurisdictions to configuredStates: ${added.join(', ')}. A jurisdiction is added when it enables licensee registration.`)
      if (removed.length > 0) throw badRequest(`Cannot remove jurisdictions from configuredStates: ${removed.join(', ')}`)
      const unlive = configuredStates.filter((state) => stored.get(state.postalAbbreviation) === true && !state.isLive).map((state) => state.postalAbbreviation)
      if (unlive.length > 0) throw badRequest(`A live jurisdiction cannot be set back to not live: ${unlive.join(', ')}`)
      await this.repository.upsertCompact(tx, {
        compact: code,
        compactName: COMPACT_DEFINITIONS[code].name,
        compactCommissionFee: { feeType: body.compactCommissionFee.feeType, feeAmount: body.compactCommissionFee.feeAmount },
        // A charge of 0 removes the whole transaction fee configuration (§4.13).
        transactionFeeConfiguration: charges && charges.chargeAmount !== 0 ? { licenseeCharges: { active: charges.active, chargeType: charges.chargeType, chargeAmount: charges.chargeAmount } } : null,
        compactOperationsTeamEmails: body.compactOperationsTeamEmails,
        compactAdverseActionsNotificationEmails: body.compactAdverseActionsNotificationEmails,
        compactSummaryReportNotificationEmails: body.compactSummaryReportNotificationEmails,
        licenseeRegistrationEnabled: body.licenseeRegistrationEnabled,
        configuredStates: configuredStates.map((state) => ({ postalAbbreviation: state.postalAbbreviation, isLive: state.isLive })),
        // Stored fields the request does not carry are kept.
        paymentProcessorPublicFields: existing?.paymentProcessorPublicFields ?? null,
        dateOfUpdate: new Date(),
      })
    })
  }

  /** Verifies Authorize.Net credentials live, stores the public fields on the compact and the secret apart. */
  async putPaymentCredentials(caller: Caller, compact: string, body: CredentialsBody): Promise<void> {
    const code = requireCompactAdmin(caller, compact)
    if (!(await this.repository.compact(this.database.db, code))) {
      throw badRequest('Compact configuration must be set before uploading payment processor credentials.')
    }
    let publicClientKey: string | undefined
    try {
      const processor = await this.payments.processor({ apiLoginId: body.apiLoginId, transactionKey: body.transactionKey })
      publicClientKey = (await processor.merchantDetails()).publicClientKey
    } catch (error) {
      if (error instanceof PaymentProcessorError && error.kind !== 'transport') throw badRequest(`Failed to verify credentials. Error code: ${error.code}, Error message: ${error.text}`)
      throw error
    }
    if (!publicClientKey) throw badRequest('Failed to verify credentials: the merchant account has no public client key. Generate one in the Authorize.Net account settings.')
    await this.saveCredentials(code, { processor: body.processor, apiLoginId: body.apiLoginId, transactionKey: body.transactionKey, publicClientKey })
  }

  async jurisdictionConfiguration(caller: Caller, compact: string, jurisdiction: string): Promise<JurisdictionConfigurationView> {
    const code = requireStateAdmin(caller, compact, jurisdiction)
    return toJurisdictionView(code, jurisdiction, await this.repository.jurisdiction(this.database.db, code, jurisdiction))
  }

  /** PUT jurisdiction configuration (§4.13): fees for exactly the compact's license types; registration only on. */
  async putJurisdictionConfiguration(caller: Caller, compact: string, jurisdiction: string, body: JurisdictionConfigurationBody): Promise<void> {
    const code = requireStateAdmin(caller, compact, jurisdiction)
    if (!isJurisdiction(jurisdiction)) throw badRequest(`Invalid jurisdiction postal abbreviation: ${jurisdiction}`)
    const types = COMPACT_DEFINITIONS[code].licenseTypes.map((type) => type.abbreviation)
    const given = body.privilegeFees.map((fee) => fee.licenseTypeAbbreviation)
    const unknown = given.filter((abbreviation) => !types.includes(abbreviation))
    if (unknown.length > 0) throw badRequest(`Invalid license type abbreviation(s) in privilegeFees: ${unknown.join(', ')}. Must be one of: ${types.join(', ')}.`)
    const duplicates = given.filter((abbreviation, index) => given.indexOf(abbreviation) !== index)
    if (duplicates.length > 0) throw badRequest(`Duplicate license type abbreviation(s) in privilegeFees: ${[...new Set(duplicates)].join(', ')}`)
    const missing = types.filter((abbreviation) => !given.includes(abbreviation))
    if (missing.length > 0) throw badRequest(`privilegeFees must include every license type of the compact; missing: ${missing.join(', ')}`)
    for (const fee of body.privilegeFees) {
      if (!isFeeAmount(fee.amount) || (fee.militaryRate !== undefined && fee.militaryRate !== null && !isFeeAmount(fee.militaryRate))) {
        throw badRequest(`privilegeFees for ${fee.licenseTypeAbbreviation}: amounts must be non-negative with at most two decimal places`)
      }
    }
    await this.database.transaction(async (tx) => {
      const existing = await this.repository.lockJurisdiction(tx, code, jurisdiction)
      if (existing?.licenseeRegistrationEnabled && !body.licenseeRegistrationEnabled) {
        throw badRequest('Once licensee registration has been enabled, it cannot be disabled.')
      }
      await this.repository.upsertJurisdiction(tx, {
        compact: code,
        jurisdiction,
        jurisdictionName: jurisdictionName(jurisdiction),
        privilegeFees: body.privilegeFees.map((fee) => ({ licenseTypeAbbreviation: fee.licenseTypeAbbreviation, amount: fee.amount, militaryRate: fee.militaryRate ?? null })),
        jurisdictionOperationsTeamEmails: body.jurisdictionOperationsTeamEmails,
        jurisdictionAdverseActionsNotificationEmails: body.jurisdictionAdverseActionsNotificationEmails,
        jurisdictionSummaryReportNotificationEmails: body.jurisdictionSummaryReportNotificationEmails,
        licenseeRegistrationEnabled: body.licenseeRegistrationEnabled,
        jurisprudenceRequirements: { required: body.jurisprudenceRequirements.required, linkToDocumentation: body.jurisprudenceRequirements.linkToDocumentation || null },
        dateOfUpdate: new Date(),
      })
      if (body.licenseeRegistrationEnabled) {
        // The jurisdiction joins the compact's configured states, not live yet; a compact admin makes it live.
        const compactRow = await this.repository.lockCompact(tx, code)
        if (!compactRow) throw internalError('Compact configuration not found')
        if (!compactRow.configuredStates.some((state) => state.postalAbbreviation === jurisdiction)) {
          await this.repository.updateCompact(tx, code, { configuredStates: [...compactRow.configuredStates, { postalAbbreviation: jurisdiction, isLive: false }], dateOfUpdate: new Date() })
        }
      }
    })
  }
}
