import type { Database, EventBus } from '@hearth/kernel'
import { centsToDecimal, PaymentDeclinedError, PaymentProcessorError } from '@hearth/kernel/payments'
import { isCompact, isJurisdiction, licenseTypeAbbreviation, licenseTypeMessage, type Compact } from '../../domain/compacts.ts'
import { isoDateTime, today } from '../../domain/dates.ts'
import { licenseCompactEligibility } from '../../domain/status.ts'
import { accessDenied, badRequest, internalError, notFound } from '../../errors.ts'
import type { Caller } from '../../auth/tokens.ts'
import type { CompactConnectEvents } from '../../events.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import type { JobRunner } from '@hearth/kernel/jobs'
import { purchaseReceiptMail } from './purchase-receipt.ts'
import { DataEventsRecorder } from '../data-events/data-events.ts'

const dataEventsRecorder = new DataEventsRecorder()
import type { ConfigurationRepository, JurisdictionConfigurationRow } from '../configuration/configuration.repository.ts'
import { liveJurisdictions, toCompactView, toJurisdictionView, type ConfigurationService } from '../configuration/configuration.service.ts'
import type { AttestationsService } from '../attestations/attestations.service.ts'
import { fromCents, privilegePurchaseFees, toCents, type FeeBreakdown } from './fees.ts'
import type { PaymentGateway } from './payment-gateway.ts'
import { attestationProblem, hasCurrentOrRecentEncumbrance, isActiveMilitary, renewalChangesNothing } from './purchase-rules.ts'
import type { PurchasePrivilegeRow, PurchasesRepository } from './purchases.repository.ts'
import type { JurisdictionOption, PurchaseBody, PurchaseOptionsView, PurchaseResultView } from './purchases.schemas.ts'

/** Authorize.Net's duplicate window for privilege purchases (§4.6 step 9). */
export const PURCHASE_DUPLICATE_WINDOW_SECONDS = 35

type Logger = { error(object: unknown, message?: string): void }

function providerCaller(caller: Caller): { compact: Compact; providerId: string } {
  if (caller.pool !== 'provider') throw accessDenied()
  if (!isCompact(caller.compact)) throw accessDenied()
  return { compact: caller.compact, providerId: caller.providerId }
}

/** The privilege as a plain snapshot, for the `previous` of its update record (§1.5). */
function privilegeSnapshot(row: PurchasePrivilegeRow): Record<string, unknown> {
  return {
    providerId: row.providerId,
    compact: row.compact,
    jurisdiction: row.jurisdiction,
    licenseJurisdiction: row.licenseJurisdiction,
    licenseType: row.licenseType,
    dateOfIssuance: isoDateTime(row.dateOfIssuance),
    dateOfRenewal: isoDateTime(row.dateOfRenewal),
    dateOfExpiration: row.dateOfExpiration,
    dateOfUpdate: isoDateTime(row.dateOfUpdate),
    compactTransactionId: row.compactTransactionId,
    attestations: row.attestations,
    privilegeId: row.privilegeId,
    administratorSetStatus: row.administratorSetStatus,
    ...(row.encumberedStatus !== null ? { encumberedStatus: row.encumberedStatus } : {}),
    ...(row.investigationStatus !== null ? { investigationStatus: row.investigationStatus } : {}),
    ...(row.homeJurisdictionChangeStatus !== null ? { homeJurisdictionChangeStatus: row.homeJurisdictionChangeStatus } : {}),
    ...(row.licenseDeactivatedStatus !== null ? { licenseDeactivatedStatus: row.licenseDeactivatedStatus } : {}),
  }
}

export interface PurchaseOutcome {
  transactionId: string
  privileges: { jurisdiction: string; privilegeId: string; renewal: boolean }[]
  fees: FeeBreakdown
}

/** Privilege purchase options and the purchase (or renewal) itself (§2.3, §4.6). */
export class PurchasesService {
  constructor(
    private readonly database: Database,
    private readonly repository: PurchasesRepository,
    private readonly configuration: ConfigurationRepository,
    private readonly configurationService: ConfigurationService,
    private readonly attestations: AttestationsService,
    private readonly payments: PaymentGateway,
    private readonly events: EventBus<CompactConnectEvents>,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly log: Logger,
    /** Non-production mail carries a testing banner (§4.15). */
    private readonly testMailBanner: boolean = true,
  ) {}

  /** `GET /v1/purchases/privileges/options`: the compact item and one item per live jurisdiction. */
  async options(caller: Caller): Promise<PurchaseOptionsView> {
    const { compact } = providerCaller(caller)
    const { items } = await this.loadOptions(compact)
    return { items, pagination: { pageSize: 100, prevLastKey: null, lastKey: null } }
  }

  private async loadOptions(compact: Compact) {
    const db = this.database.db
    const compactRow = await this.configuration.compact(db, compact)
    // The original answers 500 when the compact has no configuration (no compact item).
    if (!compactRow) throw internalError('Compact configuration not found')
    const live = new Set(liveJurisdictions(compactRow))
    const jurisdictionRows = (await this.configuration.jurisdictionsOfCompact(db, compact)).filter((row) => live.has(row.jurisdiction))
    const view = toCompactView(compact, compactRow)
    const jurisdictions: JurisdictionOption[] = jurisdictionRows.map((row) => {
      const full = toJurisdictionView(compact, row.jurisdiction, row)
      return {
        type: 'jurisdiction',
        jurisdictionName: full.jurisdictionName,
        postalAbbreviation: full.postalAbbreviation,
        compact,
        privilegeFees: full.privilegeFees,
        jurisprudenceRequirements: full.jurisprudenceRequirements,
      }
    })
    const items: PurchaseOptionsView['items'] = [
      {
        type: 'compact',
        compactAbbr: view.compactAbbr,
        compactName: view.compactName,
        compactCommissionFee: view.compactCommissionFee,
        ...(view.transactionFeeConfiguration ? { transactionFeeConfiguration: view.transactionFeeConfiguration } : {}),
        ...(view.paymentProcessorPublicFields ? { paymentProcessorPublicFields: view.paymentProcessorPublicFields } : {}),
        isSandbox: this.payments.isSandbox,
      },
      ...jurisdictions,
    ]
    return { items, compactRow, jurisdictionRows: new Map(jurisdictionRows.map((row) => [row.jurisdiction, row])) }
  }

  /** `POST /v1/purchases/privileges` (§4.6). */
  async purchase(caller: Caller, body: PurchaseBody, now: Date = new Date()): Promise<PurchaseResultView> {
    const outcome = await this.purchasePrivileges(caller, body, now)
    return {
      transactionId: outcome.transactionId,
      message: 'Successfully processed charge',
      lineItems: outcome.fees.lineItems.map((item) => ({ itemId: item.itemId, name: item.name, description: item.description, quantity: String(item.quantity), unitPrice: fromCents(item.unitPrice) })),
    }
  }

  async purchasePrivileges(caller: Caller, body: PurchaseBody, now: Date = new Date()): Promise<PurchaseOutcome> {
    const { compact, providerId } = providerCaller(caller)
    const db = this.database.db

    // 1. Options; every selected jurisdiction must be live.
    const { compactRow, jurisdictionRows } = await this.loadOptions(compact)
    const ltAbbr = licenseTypeAbbreviation(compact, body.licenseType)
    if (ltAbbr === undefined) throw badRequest(`Invalid license type: ${licenseTypeMessage(compact)}`)
    const selected = body.selectedJurisdictions.map((code) => code.toLowerCase())
    if (new Set(selected).size !== selected.length) throw badRequest('Duplicate jurisdictions selected')
    const chosen: JurisdictionConfigurationRow[] = []
    for (const code of selected) {
      const row = jurisdictionRows.get(code)
      if (!row) throw badRequest('Invalid jurisdiction postal abbreviation')
      chosen.push(row)
    }

    // 2–3. The provider.
    const provider = await this.repository.provider(db, compact, providerId)
    if (!provider) throw notFound('Provider not found')
    if (provider.encumberedStatus === 'encumbered') {
      throw badRequest('You have a license or privilege that is currently encumbered, and are unable to purchase privileges at this time.')
    }
    const home = provider.currentHomeJurisdiction
    if (!isJurisdiction(home)) throw internalError('Provider home jurisdiction is not set')

    // 4. No current or recent (two years) encumbrance.
    const todayDate = today(now)
    if (hasCurrentOrRecentEncumbrance(await this.repository.adverseActions(db, providerId), todayDate)) {
      throw badRequest('You have a license or privilege that is currently encumbered or was encumbered within the last two years, and are unable to purchase privileges at this time.')
    }

    // 5. An eligible license of that type in the home jurisdiction, which is not among the selected.
    const license = (await this.repository.licenses(db, providerId)).find(
      (row) =>
        row.jurisdiction === home &&
        row.licenseType === body.licenseType &&
        licenseCompactEligibility(
          {
            ...row,
            jurisdictionUploadedLicenseStatus: row.jurisdictionUploadedLicenseStatus as 'active' | 'inactive',
            jurisdictionUploadedCompactEligibility: row.jurisdictionUploadedCompactEligibility as 'eligible' | 'ineligible',
          },
          now,
        ) === 'eligible',
    )
    if (!license) throw badRequest('Specified license type does not match any eligible licenses in the home state.')
    if (selected.includes(license.jurisdiction)) throw badRequest(`Selected privilege jurisdiction '${license.jurisdiction}' matches license jurisdiction`)

    // 6. A renewal must change something.
    const existing = new Map((await this.repository.privileges(db, providerId)).filter((row) => row.licenseType === body.licenseType).map((row) => [row.jurisdiction, row]))
    for (const code of selected) {
      const privilege = existing.get(code)
      if (privilege && renewalChangesNothing(privilege, license.dateOfExpiration)) {
        throw badRequest(`Selected privilege jurisdiction '${code}' matches existing privilege jurisdiction`)
      }
    }

    // 7. No military affiliation waiting for its documents.
    const military = await this.repository.latestMilitaryAffiliation(db, providerId)
    if (military?.status === 'initializing') {
      throw badRequest('Your military affiliation documents are still being processed. Please upload them again or end your military affiliation before purchasing privileges.')
    }
    const activeMilitary = isActiveMilitary(provider.militaryStatus)

    // 8. Attestations at their latest versions.
    const problem = attestationProblem(body.attestations, await this.attestations.latestVersions(compact), activeMilitary)
    if (problem) throw badRequest(problem)

    // 9. Fees and the charge.
    if (compactRow.compactCommissionFee.feeAmount === null) throw internalError('Compact fee is not configured')
    const charges = compactRow.transactionFeeConfiguration?.licenseeCharges
    const fees = privilegePurchaseFees({
      compact,
      licenseTypeAbbreviation: ltAbbr,
      jurisdictions: chosen.map((row) => {
        const fee = row.privilegeFees.find((entry) => entry.licenseTypeAbbreviation === ltAbbr)
        if (!fee) throw internalError(`No privilege fee for ${ltAbbr} in ${row.jurisdiction}`)
        return {
          postalAbbreviation: row.jurisdiction,
          jurisdictionName: row.jurisdictionName,
          amount: toCents(fee.amount),
          militaryRate: fee.militaryRate === null || fee.militaryRate === undefined ? null : toCents(fee.militaryRate),
        }
      }),
      compactCommissionFee: toCents(compactRow.compactCommissionFee.feeAmount),
      transactionFee: charges?.active ? toCents(charges.chargeAmount) : null,
      activeMilitary,
    })
    const credentials = await this.configurationService.merchantCredentials(compact)
    if (!credentials) throw internalError('Payment processor credentials are not configured')
    const processor = await this.payments.processor(credentials)
    let transactionId: string
    try {
      const result = await processor.charge({
        amount: fees.amount,
        currencyCode: 'USD',
        opaqueData: body.orderInformation.opaqueData,
        order: { description: `LICENSEE#${providerId}#` },
        lineItems: fees.lineItems,
        taxExempt: true,
        duplicateWindowSeconds: PURCHASE_DUPLICATE_WINDOW_SECONDS,
      })
      transactionId = result.transactionId
    } catch (error) {
      if (error instanceof PaymentDeclinedError) throw badRequest(`Error: ${error.message}`)
      if (error instanceof PaymentProcessorError) {
        this.log.error({ code: error.code, kind: error.kind }, 'privilege purchase: payment processor error')
        throw internalError()
      }
      throw error
    }

    // 10. Record the transaction and the privileges together; void the charge if that fails.
    let written: PurchaseOutcome['privileges']
    try {
      const names = new Map(chosen.map((row) => [row.jurisdiction, row.jurisdictionName]))
      written = await this.record(compact, providerId, body, {
        transactionId,
        fees,
        licenseExpiration: license.dateOfExpiration,
        ltAbbr,
        selected,
        now,
        compactName: compactRow.compactName,
        jurisdictionNames: names,
      })
    } catch (error) {
      this.log.error({ err: error, transactionId }, 'privilege purchase: recording failed after the charge; voiding it')
      try {
        await processor.void(transactionId)
      } catch (voidError) {
        this.log.error({ err: voidError, transactionId }, 'privilege purchase: void failed; the charge needs manual reversal')
      }
      throw internalError()
    }

    // 11. Events, after commit.
    const eventTime = isoDateTime(now)
    await this.events.publish('privilege.purchase', {
      compact,
      providerId,
      transactionId,
      privileges: written.map((entry) => ({ jurisdiction: entry.jurisdiction, privilegeId: entry.privilegeId })),
      lineItems: fees.lineItems.map((item) => ({ itemId: item.itemId, name: item.name, description: item.description, quantity: String(item.quantity), unitPrice: centsToDecimal(item.unitPrice) })),
      totalCost: centsToDecimal(fees.amount),
      eventTime,
    })
    for (const entry of written) {
      await this.events.publish(entry.renewal ? 'privilege.renewed' : 'privilege.issued', {
        compact,
        providerId,
        jurisdiction: entry.jurisdiction,
        licenseType: body.licenseType,
        privilegeId: entry.privilegeId,
        transactionId,
        eventTime,
      })
    }
    return { transactionId, privileges: written, fees }
  }

  private async record(
    compact: Compact,
    providerId: string,
    body: PurchaseBody,
    purchase: {
      transactionId: string
      fees: FeeBreakdown
      licenseExpiration: string
      ltAbbr: string
      selected: string[]
      now: Date
      compactName: string
      jurisdictionNames: ReadonlyMap<string, string>
    },
  ): Promise<PurchaseOutcome['privileges']> {
    const { now } = purchase
    return this.database.transaction(async (tx) => {
      const provider = await this.repository.lockProvider(tx, providerId)
      if (!provider) throw new Error('provider vanished during purchase')
      const existing = new Map((await this.repository.privileges(tx, providerId)).filter((row) => row.licenseType === body.licenseType).map((row) => [row.jurisdiction, row]))
      const attestations = body.attestations.map((attestation) => ({ attestationId: attestation.attestationId, version: attestation.version }))
      const written: PurchaseOutcome['privileges'] = []
      for (const jurisdiction of purchase.selected) {
        const current = existing.get(jurisdiction)
        if (!current) {
          const number = await this.repository.nextPrivilegeNumber(tx, compact)
          const privilegeId = `${purchase.ltAbbr.toUpperCase()}-${jurisdiction.toUpperCase()}-${number}`
          await this.repository.insertPrivilege(tx, {
            providerId,
            compact,
            jurisdiction,
            licenseJurisdiction: provider.licenseJurisdiction,
            licenseType: body.licenseType,
            dateOfIssuance: now,
            dateOfRenewal: now,
            dateOfExpiration: purchase.licenseExpiration,
            compactTransactionId: purchase.transactionId,
            attestations,
            privilegeId,
            administratorSetStatus: 'active',
            dateOfUpdate: now,
          })
          written.push({ jurisdiction, privilegeId, renewal: false })
          continue
        }
        const updatedValues = {
          dateOfRenewal: isoDateTime(now),
          dateOfExpiration: purchase.licenseExpiration,
          compactTransactionId: purchase.transactionId,
          attestations,
          administratorSetStatus: 'active',
          licenseJurisdiction: provider.licenseJurisdiction,
        }
        const removedValues = [
          ...(current.homeJurisdictionChangeStatus !== null ? ['homeJurisdictionChangeStatus'] : []),
          ...(current.licenseDeactivatedStatus !== null ? ['licenseDeactivatedStatus'] : []),
        ]
        await this.repository.updatePrivilege(tx, current.id, {
          dateOfRenewal: now,
          dateOfExpiration: purchase.licenseExpiration,
          compactTransactionId: purchase.transactionId,
          attestations,
          administratorSetStatus: 'active',
          licenseJurisdiction: provider.licenseJurisdiction,
          homeJurisdictionChangeStatus: null,
          licenseDeactivatedStatus: null,
          dateOfUpdate: now,
        })
        await this.repository.insertUpdateRecord(tx, {
          recordType: 'privilege',
          providerId,
          compact,
          jurisdiction,
          licenseType: body.licenseType,
          updateType: 'renewal',
          previous: privilegeSnapshot(current),
          updatedValues,
          removedValues: removedValues.length > 0 ? removedValues : null,
          createDate: now,
          effectiveDate: now,
          dateOfUpdate: now,
        })
        written.push({ jurisdiction, privilegeId: current.privilegeId, renewal: true })
      }
      // §5: privilege.issued / privilege.renewed land in the data-events table (366 days) with the privileges.
      const expiresAt = new Date(now.getTime() + 366 * 24 * 60 * 60 * 1000)
      for (const entry of written) {
        await this.repository.insertDataEvent(tx, {
          compact,
          jurisdiction: entry.jurisdiction,
          eventType: entry.renewal ? 'privilege.renewed' : 'privilege.issued',
          eventTime: now,
          detail: { providerId, licenseType: body.licenseType, privilegeId: entry.privilegeId, transactionId: purchase.transactionId },
          expiresAt,
        })
      }
      const privilegeJurisdictions = [...new Set([...provider.privilegeJurisdictions, ...purchase.selected])]
      await this.repository.updateProvider(tx, providerId, { privilegeJurisdictions, dateOfUpdate: now, providerDateOfUpdate: now })
      await this.repository.insertTransaction(tx, {
        compact,
        transactionId: purchase.transactionId,
        providerId,
        status: 'unsettled',
        amountCents: purchase.fees.amount,
        lineItems: purchase.fees.lineItems.map((item) => ({ ...item })),
        privilegeIds: written.map((entry) => entry.privilegeId),
        createdAt: now,
      })
      // §5 (cc-mail-jobs): the purchase event lands in data_events under each privilege's jurisdiction.
      await dataEventsRecorder.record(tx, 'privilege.purchase', {
        compact,
        providerId,
        transactionId: purchase.transactionId,
        privileges: written.map((entry) => ({ jurisdiction: entry.jurisdiction, privilegeId: entry.privilegeId })),
        totalCost: centsToDecimal(purchase.fees.amount),
        eventTime: now.toISOString(),
      })
      // §4.11/§4.15: the receipt, sent by the job worker once this transaction has committed.
      if (provider.compactConnectRegisteredEmailAddress) {
        const mail = purchaseReceiptMail({
          to: provider.compactConnectRegisteredEmailAddress,
          givenName: provider.givenName,
          familyName: provider.familyName,
          compactName: purchase.compactName,
          transactionId: purchase.transactionId,
          privileges: written.map((entry) => ({ jurisdictionName: purchase.jurisdictionNames.get(entry.jurisdiction) ?? entry.jurisdiction, privilegeId: entry.privilegeId, renewal: entry.renewal })),
          lineItems: purchase.fees.lineItems,
          total: purchase.fees.amount,
          testBanner: this.testMailBanner,
        })
        await this.jobs.enqueue(tx, 'mail.send', mail, { idempotencyKey: `privilege-purchase-receipt:${compact}:${purchase.transactionId}` })
      }
      return written
    })
  }
}
