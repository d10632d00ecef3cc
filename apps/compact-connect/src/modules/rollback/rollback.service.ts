import { randomUUID } from 'node:crypto'
import type { Database, Db, EventBus } from '@hearth/kernel'
import { auditAll, type AuditEntry } from '@hearth/kernel/audit'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { ObjectStore } from '@hearth/kernel/storage'
import { isCompact, isJurisdiction } from '../../domain/compacts.ts'
import { isoDateTime } from '../../domain/dates.ts'
import { chooseBestLicense } from '../../domain/ingest-rules.ts'
import {
  decideProviderRollback,
  LICENSE_UPLOAD_UPDATE_TYPES,
  restoredLicenseValues,
  rollbackWindowProblem,
  SKIPPED_REASON,
  type IneligibleUpdate,
  type RevertAction,
} from '../../domain/rollback-rules.ts'
import type { CompactConnectEvents, RevertEvent } from '../../events.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import { eventKeyOf, type DataEventsRecorder } from '../data-events/data-events.ts'
import { projectionOf } from '../ingest/ingest.service.ts'
import { LICENSE_DIFF_FIELDS } from '../licenses/licenses.types.ts'
import type { RollbackExecutionRow, RollbackRepository } from './rollback.repository.ts'

type Logger = { error(object: unknown, message?: string): void; info(object: unknown, message?: string): void }

export interface RollbackRequest {
  compact: string
  jurisdiction: string
  startDateTime: string
  endDateTime: string
  rollbackReason: string
  /** The original's Step Function execution name: names the results folder and makes the run once-only. */
  executionName?: string
}

export interface RevertedRecord {
  jurisdiction: string
  licenseType: string
  revisionId: string
  action: RevertAction
}

/** The results file (`{executionName}/results.json`), in the original's shape. */
export interface RollbackResults {
  skippedProviderDetails: { providerId: string; reason: string; ineligibleUpdates: IneligibleUpdate[] }[]
  failedProviderDetails: { providerId: string; error: string }[]
  revertedProviderSummaries: { providerId: string; licensesReverted: RevertedRecord[]; privilegesReverted: RevertedRecord[]; updatesDeleted: string[] }[]
}

const ROLLBACK_JOB_ATTEMPTS = 3

export class RollbackRequestError extends Error {}

/** The results file's key: the original's `{executionName}/results.json` in the rollback results bucket. */
export const resultsKeyOf = (executionName: string) => `${executionName}/results.json`

/**
 * The license upload rollback (§5 "other ops", #1188; the original's disaster-recovery Step Function): reverts what a
 * jurisdiction's uploads did to a compact's providers in a time window. Started by the operator command
 * (`npm run rollback`), run as the kernel job `license.rollback`: each provider is decided and reverted in its own
 * transaction together with its outcome row, so a run resumed after a crash (the job's lock expires and any process
 * takes it up) skips providers already done, and a second start of the same execution name changes nothing.
 */
export class RollbackService {
  constructor(
    private readonly database: Database,
    private readonly repository: RollbackRepository,
    private readonly recorder: DataEventsRecorder,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly events: EventBus<CompactConnectEvents>,
    private readonly resultsStore: ObjectStore,
    private readonly log: Logger,
  ) {}

  /** Validates the request and enqueues its job once per execution name; returns the execution. */
  async start(request: RollbackRequest, now: Date = new Date()): Promise<{ execution: RollbackExecutionRow; created: boolean }> {
    const compact = request.compact.toLowerCase()
    const jurisdiction = request.jurisdiction.toLowerCase()
    if (!isCompact(compact)) throw new RollbackRequestError(`Unknown compact: ${request.compact}`)
    if (!isJurisdiction(jurisdiction)) throw new RollbackRequestError(`Unknown jurisdiction: ${request.jurisdiction}`)
    const start = new Date(request.startDateTime)
    const end = new Date(request.endDateTime)
    const problem = rollbackWindowProblem(start, end)
    if (problem) throw new RollbackRequestError(problem)
    if (request.rollbackReason.trim() === '') throw new RollbackRequestError('A rollback reason is required')
    const executionName = request.executionName ?? `rollback-${compact}-${jurisdiction}-${now.toISOString().replace(/[:.]/g, '-')}`
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(executionName)) throw new RollbackRequestError('The execution name may hold letters, digits, - and _ (at most 80)')
    return this.database.transaction(async (tx) => {
      const result = await this.repository.createExecution(tx, {
        executionName,
        compact,
        jurisdiction,
        startDateTime: start,
        endDateTime: end,
        rollbackReason: request.rollbackReason,
        status: 'queued',
      })
      if (result.created) await this.jobs.enqueue(tx, 'license.rollback', { executionName }, { idempotencyKey: executionName, maxAttempts: ROLLBACK_JOB_ATTEMPTS })
      return { execution: result.row, created: result.created }
    })
  }

  async execution(executionName: string): Promise<RollbackExecutionRow | undefined> {
    return this.repository.execution(this.database.db, executionName)
  }

  /** The `license.rollback` job handler: a run; its last failed attempt marks the execution `failed`. */
  async runJob(executionName: string, attempt: number): Promise<void> {
    try {
      await this.run(executionName)
    } catch (error) {
      if (attempt >= ROLLBACK_JOB_ATTEMPTS) await this.repository.finishExecution(this.database.db, executionName, { status: 'failed', resultsKey: null, finishedAt: new Date() })
      throw error
    }
  }

  /** One run: every affected provider not yet done, then the results file. */
  async run(executionName: string): Promise<RollbackResults | undefined> {
    const execution = await this.repository.execution(this.database.db, executionName)
    if (!execution || execution.status !== 'queued') return undefined
    const { compact, jurisdiction, startDateTime: start, endDateTime: end } = execution
    const affected = await this.repository.affectedProviders(this.database.db, compact, jurisdiction, start, end, LICENSE_UPLOAD_UPDATE_TYPES)
    const done = await this.repository.doneProviders(this.database.db, executionName)
    this.log.info({ executionName, affected: affected.length, alreadyDone: done.size }, 'license upload rollback running')
    for (const providerId of affected) {
      if (done.has(providerId)) continue
      await this.rollbackProvider(execution, providerId)
    }
    const results = resultsOf(await this.repository.results(this.database.db, executionName))
    const resultsKey = resultsKeyOf(executionName)
    await this.resultsStore.put(resultsKey, JSON.stringify(results, null, 2), { contentType: 'application/json' })
    await this.repository.finishExecution(this.database.db, executionName, { status: 'complete', resultsKey, finishedAt: new Date() })
    this.log.info(
      {
        executionName,
        resultsKey,
        reverted: results.revertedProviderSummaries.length,
        skipped: results.skippedProviderDetails.length,
        failed: results.failedProviderDetails.length,
      },
      'license upload rollback complete',
    )
    return results
  }

  private async rollbackProvider(execution: RollbackExecutionRow, providerId: string): Promise<void> {
    const now = new Date()
    let published: { name: 'license.revert' | 'privilege.revert'; payload: RevertEvent }[] = []
    try {
      published = await this.database.transaction((tx) => this.revertInTransaction(tx, execution, providerId, now))
    } catch (error) {
      this.log.error({ err: error, executionName: execution.executionName, providerId }, 'provider rollback failed')
      const message = error instanceof Error ? error.message : String(error)
      await this.repository.recordResult(this.database.db, execution.executionName, providerId, 'failed', {
        error: `Failed to rollback updates for provider. Manual review required: ${message}`,
      })
      return
    }
    for (const event of published) {
      // Recorded in the transaction; the bus is for live listeners, so a failed publish loses nothing stored.
      await this.events.publish(event.name, event.payload).catch((error: unknown) => this.log.error({ err: error, event: event.name }, 'revert event not published'))
    }
  }

  private async revertInTransaction(tx: Db, execution: RollbackExecutionRow, providerId: string, now: Date) {
    const { executionName, compact, jurisdiction, startDateTime: start, endDateTime: end, rollbackReason } = execution
    const published: { name: 'license.revert' | 'privilege.revert'; payload: RevertEvent }[] = []
    const provider = await this.repository.lockProvider(tx, compact, providerId)
    // A second worker of the same execution (a lock that expired under a long run) waited on the provider lock above:
    // the first one's outcome row is visible now, and the provider is not reverted again.
    if (await this.repository.hasResult(tx, executionName, providerId)) return published
    if (!provider) {
      await this.repository.recordResult(tx, executionName, providerId, 'reverted', { licensesReverted: [], privilegesReverted: [], updatesDeleted: [] })
      return published
    }
    const licenses = await this.repository.licensesOf(tx, providerId)
    const privileges = await this.repository.privilegesOf(tx, providerId)
    const updates = await this.repository.updatesOf(tx, providerId)
    const decision = decideProviderRollback({ jurisdiction, start, end, licenses, privileges, updates })
    if (decision.kind === 'skip') {
      await this.repository.recordResult(tx, executionName, providerId, 'skipped', { reason: SKIPPED_REASON, ineligibleUpdates: decision.ineligibleUpdates })
      return published
    }
    const { plan } = decision
    const deletedUpdates = updates.filter((update) => plan.deleteUpdates.includes(update.id))
    const licensesReverted: RevertedRecord[] = []
    const privilegesReverted: RevertedRecord[] = []
    // The window's update records are removed with the changes they describe (as the original did); the audit
    // log keeps the history of the revert itself: what was there before and the removed update records. The
    // entries are written together at the end, in this transaction.
    const history: AuditEntry[] = []
    const recordHistory = (kind: 'license' | 'privilege', record: RevertedRecord, before: unknown) =>
      history.push({
        object: `${compact}/provider/${providerId}/${kind}/${record.jurisdiction}/${record.licenseType}`,
        action: `${kind}.revert`,
        at: now,
        metadata: {
          action: record.action,
          revisionId: record.revisionId,
          rollbackReason,
          startTime: isoDateTime(start),
          endTime: isoDateTime(end),
          before,
          updatesDeleted: deletedUpdates.filter((update) => update.recordType === kind && update.jurisdiction === record.jurisdiction && update.licenseType === record.licenseType),
        },
      })

    for (const target of plan.deleteLicenses) {
      const record: RevertedRecord = { jurisdiction: target.jurisdiction, licenseType: target.licenseType, revisionId: randomUUID(), action: 'DELETE' }
      recordHistory(
        'license',
        record,
        licenses.find((license) => license.id === target.id),
      )
      licensesReverted.push(record)
    }
    await this.repository.deleteLicenses(
      tx,
      plan.deleteLicenses.map((target) => target.id),
    )
    for (const target of plan.restoreLicenses) {
      const record: RevertedRecord = { jurisdiction: target.jurisdiction, licenseType: target.licenseType, revisionId: randomUUID(), action: 'REVERT' }
      recordHistory(
        'license',
        record,
        licenses.find((license) => license.id === target.id),
      )
      await this.repository.updateLicense(tx, target.id, { ...restoredLicenseValues(target.previous, LICENSE_DIFF_FIELDS), dateOfUpdate: now } as never)
      licensesReverted.push(record)
    }
    for (const target of plan.reactivatePrivileges) {
      const record: RevertedRecord = { jurisdiction: target.jurisdiction, licenseType: target.licenseType, revisionId: randomUUID(), action: 'REACTIVATED' }
      recordHistory(
        'privilege',
        record,
        privileges.find((privilege) => privilege.id === target.id),
      )
      await this.repository.reactivatePrivilege(tx, target.id, now)
      privilegesReverted.push(record)
    }
    await this.repository.deleteUpdates(tx, plan.deleteUpdates)

    // The provider projection from the licenses left (§4.3 step 4); none left → the provider goes too, as in the original.
    if (licensesReverted.length > 0 || privilegesReverted.length > 0) {
      const remaining = await this.repository.licensesOf(tx, providerId)
      const best = chooseBestLicense(
        remaining.map((row) => ({
          ...row,
          jurisdictionUploadedLicenseStatus: row.jurisdictionUploadedLicenseStatus as 'active' | 'inactive',
          jurisdictionUploadedCompactEligibility: row.jurisdictionUploadedCompactEligibility as 'eligible' | 'ineligible',
        })),
        provider.currentHomeJurisdiction,
        now,
      )
      if (best) {
        const privilegeJurisdictions = [...new Set(privileges.map((privilege) => privilege.jurisdiction))].sort()
        await this.repository.updateProvider(tx, providerId, { ...projectionOf(best), privilegeJurisdictions, providerDateOfUpdate: now, dateOfUpdate: now })
      } else await this.repository.deleteProvider(tx, providerId)
    }

    const eventOf = (record: RevertedRecord): RevertEvent => ({
      compact,
      providerId,
      jurisdiction: record.jurisdiction,
      licenseType: record.licenseType,
      rollbackReason,
      startTime: isoDateTime(start),
      endTime: isoDateTime(end),
      rollbackExecutionName: executionName,
      eventTime: isoDateTime(now),
    })
    for (const record of licensesReverted) published.push({ name: 'license.revert', payload: eventOf(record) })
    for (const record of privilegesReverted) published.push({ name: 'privilege.revert', payload: eventOf(record) })
    for (const event of published) {
      await this.recorder.record(tx, event.name, { ...event.payload }, { now, eventKey: eventKeyOf(event.name, event.payload) })
    }
    await auditAll(tx, { subject: `rollback:${executionName}` }, history)
    await this.repository.recordResult(tx, executionName, providerId, 'reverted', {
      licensesReverted,
      privilegesReverted,
      updatesDeleted: deletedUpdates.map((update) => updateKeyOf(update)),
    })
    return published
  }
}

/** A deleted update record named as the original's sort key named it (`{c}#UPDATE#{tier}#{type}/{jur}/{lt}/{createDate}/…`). */
function updateKeyOf(update: { compact: string; recordType: string; jurisdiction: string | null; licenseType: string | null; createDate: Date; id: number }): string {
  const tier = update.recordType === 'privilege' ? 1 : update.recordType === 'provider' ? 2 : 3
  return `${update.compact}#UPDATE#${tier}#${update.recordType}/${update.jurisdiction}/${update.licenseType}/${isoDateTime(update.createDate)}/${update.id}`
}

/** The results file from the outcome rows. */
export function resultsOf(rows: readonly { providerId: string; outcome: string; detail: Record<string, unknown> }[]): RollbackResults {
  const results: RollbackResults = { skippedProviderDetails: [], failedProviderDetails: [], revertedProviderSummaries: [] }
  for (const row of rows) {
    const detail = row.detail as {
      reason: string
      ineligibleUpdates: IneligibleUpdate[]
      error: string
      licensesReverted: RevertedRecord[]
      privilegesReverted: RevertedRecord[]
      updatesDeleted: string[]
    }
    if (row.outcome === 'skipped') results.skippedProviderDetails.push({ providerId: row.providerId, reason: detail.reason, ineligibleUpdates: detail.ineligibleUpdates })
    else if (row.outcome === 'failed') results.failedProviderDetails.push({ providerId: row.providerId, error: detail.error })
    else
      results.revertedProviderSummaries.push({
        providerId: row.providerId,
        licensesReverted: detail.licensesReverted,
        privilegesReverted: detail.privilegesReverted,
        updatesDeleted: detail.updatesDeleted,
      })
  }
  return results
}
