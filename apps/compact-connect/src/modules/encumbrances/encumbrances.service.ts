import { randomUUID } from 'node:crypto'
import type { Database, Db, EventBus } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import { isCompact, licenseTypeByAbbreviation, type Compact } from '../../domain/compacts.ts'
import { isoDateTime, noonUtcMinus4 } from '../../domain/dates.ts'
import {
  hasUnliftedAction,
  isFutureDate,
  notifiedJurisdictions,
  privilegesToLicenseEncumber,
  privilegesToRelease,
  privilegeStatusAfterLift,
  providerEncumbered,
  type RecordKind,
} from '../../domain/enforcement.ts'
import { accessDenied, badRequest, internalError, notFound } from '../../errors.ts'
import type { CompactConnectEvents } from '../../events.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import { mayTakeAdverseAction } from '../../policies.ts'
import type { StaffCaller } from '../../auth/tokens.ts'
import type { LicenseRow, LicensesRepository, PrivilegeRow, ProviderRow } from '../licenses/licenses.repository.ts'
import { Effects, encumbranceNotifications, investigationNotifications, publishAll, snapshotOf } from './effects.ts'
import type { EnforcementRepository } from './enforcement.repository.ts'
import type { CloseInvestigationBody, EncumbranceBody } from './encumbrances.schemas.ts'

type Logger = { error(object: unknown, message?: string): void }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface RecordPath {
  compact: string
  providerId: string
  jurisdiction: string
  licenseType: string
}

/** The license or privilege a state acts on, resolved from the path. */
interface Target {
  kind: RecordKind
  compact: Compact
  providerId: string
  jurisdiction: string
  licenseType: string
  licenseTypeAbbreviation: string
}

/** The provider partition, locked for the transaction. */
interface Partition {
  provider: ProviderRow
  licenses: LicenseRow[]
  privileges: PrivilegeRow[]
}

const capitalised = (kind: RecordKind) => (kind === 'license' ? 'License' : 'Privilege')

/**
 * Encumbrances (§1.6, §4.8) and investigations (§1.7, §4.9) on licenses and privileges, by a state admin of the path
 * jurisdiction. Each use case is one transaction over the locked provider partition: the adverse action or
 * investigation, the target's flags, its update record, the cascades to the privileges based on a license, the
 * provider's `encumberedStatus`, the `notification.send` jobs and the data events; events publish after commit.
 */
export class EncumbrancesService {
  constructor(
    private readonly database: Database,
    private readonly records: LicensesRepository,
    private readonly repository: EnforcementRepository,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly events: EventBus<CompactConnectEvents>,
    private readonly log: Logger,
  ) {}

  /** POST …/{licenses|privileges}/jurisdiction/{j}/licenseType/{lt}/encumbrance. */
  async encumber(caller: StaffCaller, kind: RecordKind, path: RecordPath, body: EncumbranceBody, now: Date = new Date()): Promise<string> {
    const target = this.target(caller, kind, path)
    if (isFutureDate(body.encumbranceEffectiveDate, now)) throw badRequest('The encumbrance date must not be a future date')
    const { result, effects } = await this.inTransaction(now, async (tx, effects) => {
      const partition = await this.partition(tx, target)
      return this.encumberIn(tx, effects, caller, target, partition, body)
    })
    await publishAll(this.events, this.log, effects.events)
    return result
  }

  /** PATCH …/encumbrance/{encumbranceId}. */
  async lift(caller: StaffCaller, kind: RecordKind, path: RecordPath, encumbranceId: string, effectiveLiftDate: string, now: Date = new Date()): Promise<void> {
    const target = this.target(caller, kind, path)
    if (!UUID.test(encumbranceId)) throw badRequest('Invalid encumbranceId provided')
    if (isFutureDate(effectiveLiftDate, now)) throw badRequest('The lift date must not be a future date')
    const { effects } = await this.inTransaction(now, async (tx, effects) => {
      const partition = await this.partition(tx, target)
      const actions = (await this.records.adverseActionsOfProvider(tx, target.providerId)).filter(
        (action) => action.actionAgainst === kind && action.jurisdiction === target.jurisdiction && action.licenseType === target.licenseType,
      )
      const action = actions.find((candidate) => candidate.adverseActionId === encumbranceId.toLowerCase())
      if (!action) throw notFound('Encumbrance record not found')
      if (action.effectiveLiftDate !== null) throw badRequest('Encumbrance has already been lifted')
      const record = this.recordOf(partition, target)
      if (!record) throw internalError(`${capitalised(kind)} record not found for adverse action record.`)
      await this.repository.liftAdverseAction(tx, action.adverseActionId, { effectiveLiftDate, liftingUser: caller.sub, dateOfUpdate: now })

      const effective = noonUtcMinus4(effectiveLiftDate)
      const released: PrivilegeRow[] = []
      const remaining = actions.filter((candidate) => candidate.adverseActionId !== action.adverseActionId)
      if (!hasUnliftedAction(remaining)) {
        if (kind === 'license') {
          const license = record as LicenseRow
          await this.records.updateLicense(tx, license.id, { encumberedStatus: 'unencumbered', dateOfUpdate: now })
          await this.updateRecord(tx, target, license, 'lifting_encumbrance', { encumberedStatus: 'unencumbered' }, effective, now)
          license.encumberedStatus = 'unencumbered'
          // §4.8 license lift consumer: privileges encumbered only through this license go back.
          for (const privilege of privilegesToRelease(partition.privileges, license)) {
            await this.records.updatePrivilege(tx, privilege.id, { encumberedStatus: 'unencumbered', dateOfUpdate: now })
            await this.updateRecord(tx, { ...target, kind: 'privilege', jurisdiction: privilege.jurisdiction }, privilege, 'lifting_encumbrance', { encumberedStatus: 'unencumbered' }, effective, now)
            privilege.encumberedStatus = 'unencumbered'
            released.push(privilege)
          }
        } else {
          const privilege = record as PrivilegeRow
          const home = partition.licenses.find((license) => license.jurisdiction === privilege.licenseJurisdiction && license.licenseType === privilege.licenseType)
          const status = privilegeStatusAfterLift(home)
          await this.records.updatePrivilege(tx, privilege.id, { encumberedStatus: status, dateOfUpdate: now })
          await this.updateRecord(tx, target, privilege, 'lifting_encumbrance', { encumberedStatus: status }, effective, now)
          privilege.encumberedStatus = status
        }
      }
      const stillEncumbered = providerEncumbered(partition.licenses, partition.privileges)
      await this.records.updateProvider(tx, target.providerId, {
        ...(stillEncumbered ? {} : { encumberedStatus: 'unencumbered' }),
        providerDateOfUpdate: now,
        dateOfUpdate: now,
      })

      await this.announceEncumbrance(effects, target, partition, { lifting: true, date: effectiveLiftDate, adverseActionId: action.adverseActionId })
      for (const privilege of released) {
        await this.announceEncumbrance(effects, { ...target, kind: 'privilege', jurisdiction: privilege.jurisdiction }, partition, { lifting: true, date: effectiveLiftDate, cascade: true })
      }
    })
    await publishAll(this.events, this.log, effects.events)
  }

  /** POST …/investigation: opens an investigation on the license or privilege. */
  async openInvestigation(caller: StaffCaller, kind: RecordKind, path: RecordPath, now: Date = new Date()): Promise<void> {
    const target = this.target(caller, kind, path)
    const { effects } = await this.inTransaction(now, async (tx, effects) => {
      const partition = await this.partition(tx, target)
      const record = this.recordOf(partition, target)
      if (!record) throw notFound(`${capitalised(kind)} not found for jurisdiction ${target.jurisdiction}`)
      const investigationId = randomUUID()
      await this.repository.insertInvestigation(tx, {
        investigationId,
        compact: target.compact,
        providerId: target.providerId,
        jurisdiction: target.jurisdiction,
        licenseType: target.licenseType,
        investigationAgainst: kind,
        submittingUser: caller.sub,
        creationDate: now,
        dateOfUpdate: now,
      })
      await this.setRecord(tx, kind, record.id, { investigationStatus: 'underInvestigation', dateOfUpdate: now })
      await this.updateRecord(tx, target, record, 'investigation', { investigationStatus: 'underInvestigation' }, now, now, { investigationDetails: { investigationId } })
      await this.announceInvestigation(effects, target, partition, { closed: false, investigationId })
    })
    await publishAll(this.events, this.log, effects.events)
  }

  /** PATCH …/investigation/{investigationId} `{action: "close", encumbrance?}`: the optional encumbrance comes first. */
  async closeInvestigation(caller: StaffCaller, kind: RecordKind, path: RecordPath, investigationId: string, body: CloseInvestigationBody, now: Date = new Date()): Promise<void> {
    const target = this.target(caller, kind, path)
    if (!UUID.test(investigationId)) throw badRequest('Invalid investigationId provided')
    if (body.encumbrance && isFutureDate(body.encumbrance.encumbranceEffectiveDate, now)) throw badRequest('The encumbrance date must not be a future date')
    const { effects } = await this.inTransaction(now, async (tx, effects) => {
      const partition = await this.partition(tx, target)
      const record = this.recordOf(partition, target)
      if (!record) throw notFound(`${capitalised(kind)} not found for jurisdiction ${target.jurisdiction}`)
      const ofRecord = (await this.records.investigationsOfProvider(tx, target.providerId)).filter(
        (item) => item.investigationAgainst === kind && item.jurisdiction === target.jurisdiction && item.licenseType === target.licenseType,
      )
      const investigation = ofRecord.find((item) => item.investigationId === investigationId.toLowerCase() && item.closeDate === null)
      if (!investigation) throw notFound('Investigation not found')
      const resultingEncumbranceId = body.encumbrance ? await this.encumberIn(tx, effects, caller, target, partition, body.encumbrance) : null
      await this.repository.closeInvestigation(tx, investigation.investigationId, { closeDate: now, closingUser: caller.sub, resultingEncumbranceId, dateOfUpdate: now })
      const othersOpen = ofRecord.some((item) => item.closeDate === null && item.investigationId !== investigation.investigationId)
      if (!othersOpen) {
        const current = this.recordOf(partition, target)!
        await this.setRecord(tx, kind, current.id, { investigationStatus: null, dateOfUpdate: now })
        await this.updateRecord(tx, target, current, 'closingInvestigation', {}, now, now, {
          removedValues: ['investigationStatus'],
          investigationDetails: { investigationId: investigation.investigationId },
        })
      }
      await this.announceInvestigation(effects, target, partition, { closed: true, investigationId: investigation.investigationId, adverseActionId: resultingEncumbranceId ?? undefined })
    })
    await publishAll(this.events, this.log, effects.events)
  }

  // ---- the shared steps ----

  /**
   * §4.8 create, inside the caller's transaction: the adverse action, the target `encumbered` with an `encumbrance`
   * update (effective noon UTC−4 of the date), the license cascade (`licenseEncumbered` privileges), the provider
   * `encumbered`, notifications and events. Returns the adverse action id.
   */
  private async encumberIn(tx: Db, effects: Effects, caller: StaffCaller, target: Target, partition: Partition, body: EncumbranceBody): Promise<string> {
    const now = effects.now
    const record = this.recordOf(partition, target)
    if (!record) throw notFound(`${capitalised(target.kind)} not found for jurisdiction ${target.jurisdiction}`)
    const adverseActionId = randomUUID()
    await this.records.insertAdverseAction(tx, {
      adverseActionId,
      compact: target.compact,
      providerId: target.providerId,
      jurisdiction: target.jurisdiction,
      licenseType: target.licenseType,
      licenseTypeAbbreviation: target.licenseTypeAbbreviation,
      actionAgainst: target.kind,
      encumbranceType: body.encumbranceType,
      clinicalPrivilegeActionCategories: [...body.clinicalPrivilegeActionCategories],
      effectiveStartDate: body.encumbranceEffectiveDate,
      submittingUser: caller.sub,
      creationDate: now,
      dateOfUpdate: now,
    })
    const effective = noonUtcMinus4(body.encumbranceEffectiveDate)
    const details = { clinicalPrivilegeActionCategories: [...body.clinicalPrivilegeActionCategories], adverseActionId }
    const already = record.encumberedStatus === 'encumbered'
    if (!already) await this.setRecord(tx, target.kind, record.id, { encumberedStatus: 'encumbered', dateOfUpdate: now })
    await this.updateRecord(tx, target, record, 'encumbrance', already ? {} : { encumberedStatus: 'encumbered' }, effective, now, { encumbranceDetails: details })
    record.encumberedStatus = 'encumbered'

    const cascaded: PrivilegeRow[] = []
    if (target.kind === 'license') {
      for (const privilege of privilegesToLicenseEncumber(partition.privileges, record as LicenseRow)) {
        await this.records.updatePrivilege(tx, privilege.id, { encumberedStatus: 'licenseEncumbered', dateOfUpdate: now })
        await this.updateRecord(tx, { ...target, kind: 'privilege', jurisdiction: privilege.jurisdiction }, privilege, 'encumbrance', { encumberedStatus: 'licenseEncumbered' }, effective, now, {
          encumbranceDetails: { ...details, licenseJurisdiction: target.jurisdiction },
        })
        privilege.encumberedStatus = 'licenseEncumbered'
        cascaded.push(privilege)
      }
    }
    await this.records.updateProvider(tx, target.providerId, { encumberedStatus: 'encumbered', providerDateOfUpdate: now, dateOfUpdate: now })
    partition.provider.encumberedStatus = 'encumbered'

    await this.announceEncumbrance(effects, target, partition, { lifting: false, date: body.encumbranceEffectiveDate, adverseActionId })
    for (const privilege of cascaded) {
      await this.announceEncumbrance(effects, { ...target, kind: 'privilege', jurisdiction: privilege.jurisdiction }, partition, {
        lifting: false,
        date: body.encumbranceEffectiveDate,
        adverseActionId,
        cascade: true,
      })
    }
    return adverseActionId
  }

  private async announceEncumbrance(effects: Effects, target: Target, partition: Partition, what: { lifting: boolean; date: string; adverseActionId?: string; cascade?: boolean }): Promise<void> {
    const name = `${target.kind}.${what.lifting ? 'encumbranceLifted' : 'encumbrance'}` as const
    const payload = {
      compact: target.compact,
      providerId: target.providerId,
      jurisdiction: target.jurisdiction,
      licenseTypeAbbreviation: target.licenseTypeAbbreviation,
      effectiveDate: what.date,
      ...(what.adverseActionId ? { adverseActionId: what.adverseActionId } : {}),
      eventTime: isoDateTime(effects.now),
    }
    await effects.event({ name, payload }, { jurisdiction: target.jurisdiction, detail: { ...payload } })
    const requests = encumbranceNotifications({
      kind: target.kind,
      lifting: what.lifting,
      compact: target.compact,
      providerId: target.providerId,
      provider: partition.provider,
      actingJurisdiction: target.jurisdiction,
      licenseType: target.licenseType,
      date: what.date,
      jurisdictions: notifiedJurisdictions(target.jurisdiction, partition.licenses, partition.privileges),
    })
    const key = `${what.adverseActionId ?? target.providerId}:${what.cascade ? 'cascade' : 'own'}:${target.kind}:${target.jurisdiction}:${what.date}:${effects.now.getTime()}`
    for (const request of requests) await effects.notify(request, `${key}:${request.jurisdiction ?? 'provider'}`)
  }

  private async announceInvestigation(effects: Effects, target: Target, partition: Partition, what: { closed: boolean; investigationId: string; adverseActionId?: string }): Promise<void> {
    const name = `${target.kind}.${what.closed ? 'investigationClosed' : 'investigation'}` as const
    const payload = {
      compact: target.compact,
      providerId: target.providerId,
      jurisdiction: target.jurisdiction,
      licenseTypeAbbreviation: target.licenseTypeAbbreviation,
      investigationId: what.investigationId,
      ...(what.adverseActionId ? { adverseActionId: what.adverseActionId } : {}),
      eventTime: isoDateTime(effects.now),
    }
    await effects.event({ name, payload }, { jurisdiction: target.jurisdiction, detail: { ...payload } })
    const requests = investigationNotifications({
      kind: target.kind,
      closed: what.closed,
      compact: target.compact,
      providerId: target.providerId,
      provider: partition.provider,
      investigationJurisdiction: target.jurisdiction,
      licenseType: target.licenseType,
      jurisdictions: notifiedJurisdictions(target.jurisdiction, partition.licenses, partition.privileges),
    })
    for (const request of requests) await effects.notify(request, `${what.investigationId}:${request.jurisdiction}`)
  }

  /** §3.1 state-only(admin) first (403), then the path: provider id (400), license type abbreviation (400). */
  private target(caller: StaffCaller, kind: RecordKind, path: RecordPath): Target {
    const compact = path.compact.toLowerCase()
    const jurisdiction = path.jurisdiction.toLowerCase()
    if (!isCompact(compact) || !mayTakeAdverseAction(caller.scopes, compact, jurisdiction)) throw accessDenied()
    if (!UUID.test(path.providerId)) throw badRequest('Invalid providerId provided')
    const abbreviation = path.licenseType.toLowerCase()
    const licenseType = licenseTypeByAbbreviation(compact, abbreviation)
    if (licenseType === undefined) {
      throw badRequest(`Could not find license type information based on provided parameters compact: '${compact}' licenseType: '${path.licenseType}'`)
    }
    return { kind, compact, providerId: path.providerId.toLowerCase(), jurisdiction, licenseType, licenseTypeAbbreviation: abbreviation }
  }

  private async partition(tx: Db, target: Target): Promise<Partition> {
    const provider = await this.records.lockProvider(tx, target.providerId)
    if (!provider || provider.compact !== target.compact) throw notFound(`${capitalised(target.kind)} not found for jurisdiction ${target.jurisdiction}`)
    const [licenses, privileges] = [await this.records.licensesOfProvider(tx, target.providerId), await this.records.privilegesOfProvider(tx, target.providerId)]
    return { provider, licenses, privileges }
  }

  private recordOf(partition: Partition, target: Target): LicenseRow | PrivilegeRow | undefined {
    const list: (LicenseRow | PrivilegeRow)[] = target.kind === 'license' ? partition.licenses : partition.privileges
    return list.find((row) => row.jurisdiction === target.jurisdiction && row.licenseType === target.licenseType)
  }

  private async setRecord(tx: Db, kind: RecordKind, id: number, values: { encumberedStatus?: string; investigationStatus?: string | null; dateOfUpdate: Date }): Promise<void> {
    if (kind === 'license') await this.records.updateLicense(tx, id, values)
    else await this.records.updatePrivilege(tx, id, values)
  }

  private async updateRecord(
    tx: Db,
    target: Pick<Target, 'kind' | 'compact' | 'providerId' | 'jurisdiction' | 'licenseType'>,
    record: LicenseRow | PrivilegeRow,
    updateType: string,
    updatedValues: Record<string, unknown>,
    effectiveDate: Date,
    now: Date,
    extra: { encumbranceDetails?: Record<string, unknown>; investigationDetails?: Record<string, unknown>; removedValues?: string[] } = {},
  ): Promise<void> {
    await this.records.insertUpdateRecord(tx, {
      recordType: target.kind,
      providerId: target.providerId,
      compact: target.compact,
      jurisdiction: target.jurisdiction,
      licenseType: target.licenseType,
      updateType,
      previous: snapshotOf(record),
      updatedValues,
      removedValues: extra.removedValues ?? null,
      encumbranceDetails: extra.encumbranceDetails ?? null,
      investigationDetails: extra.investigationDetails ?? null,
      createDate: now,
      effectiveDate,
      dateOfUpdate: now,
    })
  }

  private async inTransaction<T>(now: Date, work: (tx: Db, effects: Effects) => Promise<T>): Promise<{ result: T; effects: Effects }> {
    let effects!: Effects
    const result = await this.database.transaction(async (tx) => {
      effects = new Effects(tx, this.jobs, this.repository, now)
      return work(tx, effects)
    })
    return { result, effects }
  }
}
