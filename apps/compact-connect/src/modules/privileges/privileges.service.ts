import type { Database, EventBus } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import { isCompact, licenseTypeByAbbreviation } from '../../domain/compacts.ts'
import { isoDateTime } from '../../domain/dates.ts'
import { accessDenied, badRequest, notFound } from '../../errors.ts'
import type { CompactConnectEvents } from '../../events.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import { mayAdministerCompact } from '../../policies.ts'
import type { StaffCaller } from '../../auth/tokens.ts'
import type { LicensesRepository } from '../licenses/licenses.repository.ts'
import { Effects, publishAll, snapshotOf } from '../encumbrances/effects.ts'
import type { EnforcementRepository } from '../encumbrances/enforcement.repository.ts'

type Logger = { error(object: unknown, message?: string): void }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * §4.7 compact-admin privilege deactivation: `administratorSetStatus=inactive` with a `deactivation` update carrying
 * the note and the admin's id and full name, the provider and jurisdiction e-mails, `privilege.deactivation`. Only the
 * provider renewing the privilege (a purchase) makes it active again.
 */
export class PrivilegesService {
  constructor(
    private readonly database: Database,
    private readonly records: LicensesRepository,
    private readonly repository: EnforcementRepository,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly events: EventBus<CompactConnectEvents>,
    private readonly log: Logger,
  ) {}

  async deactivate(
    caller: StaffCaller,
    path: { compact: string; providerId: string; jurisdiction: string; licenseType: string },
    deactivationNote: string | undefined,
    now: Date = new Date(),
  ): Promise<void> {
    const compact = path.compact.toLowerCase()
    const jurisdiction = path.jurisdiction.toLowerCase()
    if (!isCompact(compact) || !mayAdministerCompact(caller.scopes, compact)) throw accessDenied()
    if (!UUID.test(path.providerId)) throw badRequest('Invalid providerId provided')
    const providerId = path.providerId.toLowerCase()
    const licenseType = licenseTypeByAbbreviation(compact, path.licenseType.toLowerCase())
    if (licenseType === undefined) {
      throw badRequest(`Could not find license type information based on provided parameters compact: '${compact}' licenseType: '${path.licenseType}'`)
    }
    let effects!: Effects
    await this.database.transaction(async (tx) => {
      effects = new Effects(tx, this.jobs, this.repository, now)
      const provider = await this.records.lockProvider(tx, providerId)
      const privilege =
        provider && provider.compact === compact
          ? (await this.records.privilegesOfProvider(tx, providerId)).find((row) => row.jurisdiction === jurisdiction && row.licenseType === licenseType)
          : undefined
      if (!provider || !privilege) throw notFound(`Privilege not found for jurisdiction ${jurisdiction}`)
      if (privilege.administratorSetStatus === 'inactive') throw badRequest('Privilege already deactivated')
      const staff = await this.repository.staffUserNames(tx, caller.sub, compact)
      const deactivationDetails = {
        ...(deactivationNote !== undefined ? { note: deactivationNote } : {}),
        deactivatedByStaffUserId: caller.sub,
        deactivatedByStaffUserName: staff ? `${staff.givenName} ${staff.familyName}` : caller.username,
      }
      await this.records.updatePrivilege(tx, privilege.id, { administratorSetStatus: 'inactive', dateOfUpdate: now })
      await this.records.insertUpdateRecord(tx, {
        recordType: 'privilege',
        providerId,
        compact,
        jurisdiction,
        licenseType,
        updateType: 'deactivation',
        previous: snapshotOf(privilege),
        updatedValues: { administratorSetStatus: 'inactive' },
        deactivationDetails,
        createDate: now,
        effectiveDate: now,
        dateOfUpdate: now,
      })
      await this.records.updateProvider(tx, providerId, { providerDateOfUpdate: now, dateOfUpdate: now })
      const payload = { compact, providerId, jurisdiction, eventTime: isoDateTime(now) }
      await effects.event({ name: 'privilege.deactivation', payload }, { jurisdiction, detail: { ...payload, privilegeId: privilege.privilegeId } })
      if (provider.compactConnectRegisteredEmailAddress) {
        await effects.notify(
          {
            template: 'privilegeDeactivationProviderNotification',
            recipientType: 'SPECIFIC',
            compact,
            specificEmails: [provider.compactConnectRegisteredEmailAddress],
            templateVariables: { providerFirstName: provider.givenName, privilegeId: privilege.privilegeId, jurisdiction },
          },
          `${privilege.privilegeId}:${now.getTime()}`,
        )
      }
      await effects.notify(
        {
          template: 'privilegeDeactivationJurisdictionNotification',
          recipientType: 'JURISDICTION_SUMMARY_REPORT',
          compact,
          jurisdiction,
          templateVariables: { privilegeId: privilege.privilegeId, providerFirstName: provider.givenName, providerLastName: provider.familyName, providerId, jurisdiction },
        },
        `${privilege.privilegeId}:${now.getTime()}`,
      )
    })
    await publishAll(this.events, this.log, effects.events)
  }
}
