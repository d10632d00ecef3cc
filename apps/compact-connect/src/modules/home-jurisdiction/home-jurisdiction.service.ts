import type { Database, EventBus } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import { isCompact, isJurisdiction } from '../../domain/compacts.ts'
import { isoDateTime } from '../../domain/dates.ts'
import { planHomeJurisdictionChange } from '../../domain/enforcement.ts'
import { chooseBestLicense } from '../../domain/ingest-rules.ts'
import { badRequest, internalError } from '../../errors.ts'
import type { CompactConnectEvents } from '../../events.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import type { ProviderCaller } from '../../auth/tokens.ts'
import type { ConfigurationRepository } from '../configuration/configuration.repository.ts'
import { liveJurisdictions } from '../configuration/configuration.service.ts'
import { Effects, publishAll, snapshotOf } from '../encumbrances/effects.ts'
import type { EnforcementRepository } from '../encumbrances/enforcement.repository.ts'
import { projectionOf } from '../ingest/ingest.service.ts'
import type { LicensesRepository } from '../licenses/licenses.repository.ts'

type Logger = { error(object: unknown, message?: string): void }

/**
 * `PUT /v1/provider-users/me/home-jurisdiction` (§4.10): the provider's new home, the privileges it deactivates or
 * moves (each with a `homeJurisdictionChange` privilege update), the provider's own `homeJurisdictionChange` update,
 * e-mails to the old and new states' operations teams (never to `other`) and `provider.homeJurisdictionChange`.
 */
export class HomeJurisdictionService {
  constructor(
    private readonly database: Database,
    private readonly records: LicensesRepository,
    private readonly configuration: ConfigurationRepository,
    private readonly repository: EnforcementRepository,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly events: EventBus<CompactConnectEvents>,
    private readonly log: Logger,
  ) {}

  async change(caller: ProviderCaller, requested: string, now: Date = new Date()): Promise<void> {
    const selected = requested.toLowerCase()
    if (!isJurisdiction(selected) && selected !== 'other') throw badRequest('Invalid jurisdiction selected.')
    if (!isCompact(caller.compact)) throw internalError()
    const compact = caller.compact
    let effects!: Effects
    await this.database.transaction(async (tx) => {
      effects = new Effects(tx, this.jobs, this.repository, now)
      const provider = await this.records.lockProvider(tx, caller.providerId)
      if (!provider || provider.compact !== compact) throw internalError('Failed to update provider home state jurisdiction')
      const previousHome = provider.currentHomeJurisdiction
      if (previousHome === selected) return
      const compactConfiguration = await this.configuration.compact(tx, compact)
      const live = compactConfiguration ? liveJurisdictions(compactConfiguration) : []
      const licenses = await this.records.licensesOfProvider(tx, provider.providerId)
      const privileges = await this.records.privilegesOfProvider(tx, provider.providerId)
      const plan = planHomeJurisdictionChange({ oldHome: previousHome, newHome: selected, newHomeLive: live.includes(selected), licenses, privileges, now })

      if (plan.provider.kind === 'homeOnly') {
        await this.records.updateProvider(tx, provider.providerId, { currentHomeJurisdiction: selected, providerDateOfUpdate: now, dateOfUpdate: now })
        await this.providerUpdate(tx, provider, { currentHomeJurisdiction: selected }, now)
      } else {
        const best = chooseBestLicense(
          licenses
            .filter((license) => license.jurisdiction === selected)
            .map((license) => ({
              ...license,
              jurisdictionUploadedLicenseStatus: license.jurisdictionUploadedLicenseStatus as 'active' | 'inactive',
              jurisdictionUploadedCompactEligibility: license.jurisdictionUploadedCompactEligibility as 'eligible' | 'ineligible',
            })),
          selected,
          now,
        )
        if (!best) throw internalError('Failed to update provider home state jurisdiction')
        await this.providerUpdate(tx, provider, { licenseJurisdiction: best.jurisdiction, currentHomeJurisdiction: selected }, now)
        await this.records.updateProvider(tx, provider.providerId, { ...projectionOf(best), currentHomeJurisdiction: selected, providerDateOfUpdate: now, dateOfUpdate: now })
      }

      for (const change of plan.privileges) {
        const privilege = privileges.find((row) => row.id === change.privilegeId)!
        const updatedValues: Record<string, unknown> =
          change.kind === 'deactivate'
            ? { homeJurisdictionChangeStatus: 'inactive' }
            : { licenseJurisdiction: change.licenseJurisdiction, dateOfExpiration: change.dateOfExpiration, ...(change.encumberedStatus ? { encumberedStatus: change.encumberedStatus } : {}) }
        await this.records.updatePrivilege(tx, privilege.id, { ...updatedValues, dateOfUpdate: now })
        await this.records.insertUpdateRecord(tx, {
          recordType: 'privilege',
          providerId: provider.providerId,
          compact,
          jurisdiction: privilege.jurisdiction,
          licenseType: privilege.licenseType,
          updateType: 'homeJurisdictionChange',
          previous: snapshotOf(privilege),
          updatedValues,
          createDate: now,
          effectiveDate: now,
          dateOfUpdate: now,
        })
      }

      // §5: this is the one event that is not kept in the data-events table.
      await effects.event({
        name: 'provider.homeJurisdictionChange',
        payload: { compact, providerId: provider.providerId, previousHomeJurisdiction: previousHome, newHomeJurisdiction: selected, eventTime: isoDateTime(now) },
      })
      const variables = {
        providerFirstName: provider.givenName,
        providerLastName: provider.familyName,
        providerId: provider.providerId,
        previousJurisdiction: previousHome,
        newJurisdiction: selected,
      }
      const key = `${provider.providerId}:${now.getTime()}`
      if (isJurisdiction(previousHome)) {
        await effects.notify(
          { template: 'homeJurisdictionChangeOldStateNotification', recipientType: 'JURISDICTION_OPERATIONS_TEAM', compact, jurisdiction: previousHome, templateVariables: variables },
          key,
        )
      }
      if (isJurisdiction(selected)) {
        await effects.notify(
          { template: 'homeJurisdictionChangeNewStateNotification', recipientType: 'JURISDICTION_OPERATIONS_TEAM', compact, jurisdiction: selected, templateVariables: variables },
          key,
        )
      }
    })
    await publishAll(this.events, this.log, effects.events)
  }

  private async providerUpdate(
    tx: Parameters<LicensesRepository['insertUpdateRecord']>[0],
    provider: Record<string, unknown> & { providerId: string; compact: string },
    updatedValues: Record<string, unknown>,
    now: Date,
  ) {
    await this.records.insertUpdateRecord(tx, {
      recordType: 'provider',
      providerId: provider.providerId,
      compact: provider.compact,
      updateType: 'homeJurisdictionChange',
      previous: providerSnapshot(provider),
      updatedValues,
      createDate: now,
      effectiveDate: now,
      dateOfUpdate: now,
    })
  }
}

/** The provider row as a `previous` snapshot, without the fields no reader may see (§3.3). */
export function providerSnapshot(provider: Record<string, unknown>): Record<string, unknown> {
  const { recoveryToken: _token, emailVerificationCode: _code, pendingEmailAddress: _pending, emailVerificationExpiry: _expiry, recoveryExpiry: _recovery, ...rest } = provider
  return snapshotOf(rest)
}
