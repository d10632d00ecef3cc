import { randomUUID } from 'node:crypto'
import type { Database, Db, EventBus } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { Compact } from '../../domain/compacts.ts'
import { birthMonthDay, chooseBestLicense, classifyLicenseUpdate, deactivationCascades, diffLicense, providerFamGivMid, type LicenseSnapshot } from '../../domain/ingest-rules.ts'
import { isoDateTime } from '../../domain/dates.ts'
import { badRequest } from '../../errors.ts'
import type { CompactConnectEvents } from '../../events.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import type { LicenseInsert, LicenseRow, LicensesRepository, PrivilegeRow, ProviderInsert, ProviderRow } from '../licenses/licenses.repository.ts'
import { LICENSE_DIFF_FIELDS, type LicenseRecordInput, type UploadedLicense } from '../licenses/licenses.types.ts'
import type { SsnService } from '../licenses/ssn.service.ts'
import type { DataEventInsert, IngestRepository } from './ingest.repository.ts'
import { duplicateSsnMessage, validateLicense, type FieldErrors } from './license.validation.ts'

type Logger = { error(object: unknown, message?: string): void }

/** Data events kept 366 days, validation errors and ingest failures 90 (§1.12). */
const DAY_MS = 24 * 60 * 60 * 1000
export const expiryOf = (eventType: string, now: Date) => new Date(now.getTime() + (eventType === 'license.validation-error' || eventType === 'license.ingest-failure' ? 90 : 366) * DAY_MS)

export const MAX_JSON_LICENSES = 100
export const INVALID_RECORDS_MESSAGE = 'Invalid license records in request'

/** Stored license fields in the API's names, for diffs and `previous` snapshots (absent = undefined). */
export function licenseSnapshot(row: LicenseRow): LicenseSnapshot {
  const snapshot: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(row)) {
    if (key === 'id' || value === null || value === undefined) continue
    snapshot[key] = value instanceof Date ? isoDateTime(value) : String(value)
  }
  return snapshot
}

function incomingSnapshot(license: LicenseRecordInput): LicenseSnapshot {
  const { licenseStatus, compactEligibility, ...rest } = license
  return { ...rest, jurisdictionUploadedLicenseStatus: licenseStatus, jurisdictionUploadedCompactEligibility: compactEligibility }
}

function licenseValues(compact: string, jurisdiction: string, license: LicenseRecordInput): Omit<LicenseInsert, 'dateOfUpdate'> {
  return {
    providerId: license.providerId,
    compact,
    jurisdiction,
    licenseType: license.licenseType,
    licenseNumber: license.licenseNumber ?? null,
    npi: license.npi ?? null,
    ssnLastFour: license.ssnLastFour,
    givenName: license.givenName,
    middleName: license.middleName ?? null,
    familyName: license.familyName,
    suffix: license.suffix ?? null,
    dateOfIssuance: license.dateOfIssuance,
    dateOfRenewal: license.dateOfRenewal ?? null,
    dateOfExpiration: license.dateOfExpiration,
    dateOfBirth: license.dateOfBirth,
    homeAddressStreet1: license.homeAddressStreet1,
    homeAddressStreet2: license.homeAddressStreet2 ?? null,
    homeAddressCity: license.homeAddressCity,
    homeAddressState: license.homeAddressState,
    homeAddressPostalCode: license.homeAddressPostalCode,
    emailAddress: license.emailAddress ?? null,
    phoneNumber: license.phoneNumber ?? null,
    licenseStatusName: license.licenseStatusName ?? null,
    jurisdictionUploadedLicenseStatus: license.licenseStatus,
    jurisdictionUploadedCompactEligibility: license.compactEligibility,
  }
}

/** The provider fields §4.3 step 4 copies from the best license. */
export function projectionOf(
  license: Pick<
    LicenseInsert,
    | 'jurisdiction'
    | 'givenName'
    | 'middleName'
    | 'familyName'
    | 'suffix'
    | 'dateOfBirth'
    | 'dateOfExpiration'
    | 'npi'
    | 'ssnLastFour'
    | 'jurisdictionUploadedLicenseStatus'
    | 'jurisdictionUploadedCompactEligibility'
  >,
) {
  return {
    licenseJurisdiction: license.jurisdiction,
    givenName: license.givenName,
    middleName: license.middleName ?? null,
    familyName: license.familyName,
    suffix: license.suffix ?? null,
    dateOfBirth: license.dateOfBirth,
    dateOfExpiration: license.dateOfExpiration,
    npi: license.npi ?? null,
    ssnLastFour: license.ssnLastFour,
    jurisdictionUploadedLicenseStatus: license.jurisdictionUploadedLicenseStatus,
    jurisdictionUploadedCompactEligibility: license.jurisdictionUploadedCompactEligibility,
    birthMonthDay: birthMonthDay(license.dateOfBirth),
    providerFamGivMid: providerFamGivMid(license.familyName, license.givenName, license.middleName),
  }
}

const privilegeJurisdictionsOf = (privileges: readonly PrivilegeRow[]) => [...new Set(privileges.map((privilege) => privilege.jurisdiction))].sort()

/** One event to publish after commit; `publishTyped` keeps its name and payload paired for the type checker. */
type Published = { [Name in keyof CompactConnectEvents]: { name: Name; payload: CompactConnectEvents[Name] } }[keyof CompactConnectEvents]

function publishTyped<Name extends keyof CompactConnectEvents & string>(bus: EventBus<CompactConnectEvents>, event: { name: Name; payload: CompactConnectEvents[Name] }): Promise<void> {
  return bus.publish(event.name, event.payload)
}

/**
 * License ingest (§4.1–§4.3). Uploads are validated, their SSNs matched to providers in the SSN vault and the
 * licenses enqueued as once-only `license.ingest` jobs in the same transaction; the job diffs each license against
 * the stored one, writes license + update record + provider projection together, and publishes after commit.
 */
export class IngestService {
  constructor(
    private readonly database: Database,
    private readonly licenses: LicensesRepository,
    private readonly repository: IngestRepository,
    private readonly ssn: SsnService,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly events: EventBus<CompactConnectEvents>,
    private readonly log: Logger,
    private readonly batchSize = 100,
  ) {}

  /**
   * §4.1 channel 1: validates a JSON upload (array ≤100, per-item errors keyed by index, then repeated
   * (SSN, license type) pairs) and queues it. Processing is asynchronous after this returns.
   */
  async submitJson(compact: Compact, jurisdiction: string, body: unknown): Promise<void> {
    if (!Array.isArray(body)) throw badRequest('Request body must be an array of license objects')
    if (body.length > MAX_JSON_LICENSES) throw badRequest(`Request body must contain at most ${MAX_JSON_LICENSES} license objects`)
    const errors: Record<string, FieldErrors> = {}
    const valid: UploadedLicense[] = []
    body.forEach((item: unknown, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        errors[String(index)] = { INVALID_JSON_OBJECT: ['Record must be a JSON object.'] }
        return
      }
      const result = validateLicense(compact, item as Record<string, unknown>, { allowPathFields: true })
      if (result.ok) valid.push(result.license)
      else errors[String(index)] = result.errors
    })
    if (Object.keys(errors).length > 0) throw badRequest(INVALID_RECORDS_MESSAGE, errors)
    const seen = new Map<string, number>()
    const duplicates: string[] = []
    valid.forEach((license, index) => {
      const key = `${license.ssn}|${license.licenseType}`
      const first = seen.get(key)
      if (first === undefined) seen.set(key, index)
      else duplicates.push(duplicateSsnMessage(license.licenseType, first))
    })
    if (duplicates.length > 0) throw badRequest(INVALID_RECORDS_MESSAGE, { SSN: duplicates })
    if (valid.some((license) => license.previousSSN !== undefined)) throw badRequest('The previousSSN feature is not currently enabled')
    await this.database.transaction((tx) => this.enqueue(tx, compact, jurisdiction, valid, { uploadId: null, idempotencyKey: `json:${randomUUID()}` }))
  }

  /**
   * §4.2 preprocessing inside the caller's transaction: each SSN becomes the vault's provider id plus its last four
   * digits, and the licenses are enqueued in batches (idempotency key `{key}:{batch}`). No full SSN leaves this call.
   */
  async enqueue(db: Db, compact: string, jurisdiction: string, licenses: readonly UploadedLicense[], options: { uploadId: string | null; idempotencyKey: string }): Promise<void> {
    if (licenses.length === 0) return
    const providerIds = await this.ssn.resolveProviderIds(
      db,
      compact,
      licenses.map((license) => license.ssn),
    )
    const records: LicenseRecordInput[] = licenses.map(({ ssn, previousSSN: _previous, ...fields }) => ({ ...fields, providerId: providerIds.get(ssn)!, ssnLastFour: ssn.slice(-4) }))
    for (let start = 0, batch = 0; start < records.length; start += this.batchSize, batch++) {
      await this.jobs.enqueue(
        db,
        'license.ingest',
        { compact, jurisdiction, uploadId: options.uploadId, licenses: records.slice(start, start + this.batchSize) },
        { idempotencyKey: `${options.idempotencyKey}:${batch}` },
      )
    }
  }

  /**
   * §4.3 for one queued batch, in one transaction: missing providers inserted and all of the batch's providers locked
   * in id order (concurrent workers never deadlock), their licenses and privileges read once, then each license diffed
   * and written with its update record and the provider projection.
   */
  async processBatch(payload: CompactConnectJobs['license.ingest'], _idempotencyKey?: string | null): Promise<void> {
    const now = new Date()
    const ordered = [...payload.licenses].sort((a, b) => (a.providerId === b.providerId ? a.licenseType.localeCompare(b.licenseType) : a.providerId < b.providerId ? -1 : 1))
    const published: Published[] = []
    await this.database.transaction(async (tx) => {
      const initial = new Map<string, ProviderInsert>()
      for (const license of ordered) {
        if (initial.has(license.providerId)) continue
        initial.set(license.providerId, {
          providerId: license.providerId,
          compact: payload.compact,
          ...projectionOf(licenseValues(payload.compact, payload.jurisdiction, license)),
          currentHomeJurisdiction: 'unknown',
          privilegeJurisdictions: [],
          providerDateOfUpdate: now,
          dateOfUpdate: now,
        })
      }
      const providerIds = [...initial.keys()]
      const created = await this.licenses.insertProvidersIfMissing(tx, [...initial.values()])
      // A provider created just now already carries the projection of its first license in this batch.
      const projectedFrom = new Map<string, string>()
      for (const license of ordered)
        if (created.has(license.providerId) && !projectedFrom.has(license.providerId)) projectedFrom.set(license.providerId, `${payload.jurisdiction}|${license.licenseType}`)
      const newLicenses: LicenseInsert[] = []
      const providers = new Map((await this.licenses.lockProviders(tx, providerIds)).map((row) => [row.providerId, row]))
      const licensesByProvider = new Map<string, LicenseRow[]>()
      for (const row of await this.licenses.licensesOfProviders(tx, providerIds)) licensesByProvider.set(row.providerId, [...(licensesByProvider.get(row.providerId) ?? []), row])
      const privilegesByProvider = new Map<string, PrivilegeRow[]>()
      for (const row of await this.licenses.privilegesOfProviders(tx, providerIds)) privilegesByProvider.set(row.providerId, [...(privilegesByProvider.get(row.providerId) ?? []), row])

      const dataEvents: DataEventInsert[] = []
      for (const license of ordered) {
        const provider = providers.get(license.providerId)
        if (!provider) throw new Error('provider row vanished while ingesting')
        const partition = { provider, licenses: licensesByProvider.get(license.providerId) ?? [], privileges: privilegesByProvider.get(license.providerId) ?? [] }
        const changed = await this.ingestOne(tx, payload.compact, payload.jurisdiction, license, partition, { now, published, newLicenses, projectedFrom })
        licensesByProvider.set(license.providerId, partition.licenses)
        if (changed) {
          dataEvents.push({
            compact: payload.compact,
            jurisdiction: payload.jurisdiction,
            eventType: 'license.ingest',
            eventTime: now,
            uploadId: payload.uploadId,
            detail: { providerId: license.providerId, licenseType: license.licenseType },
            expiresAt: expiryOf('license.ingest', now),
          })
        }
      }
      await this.licenses.insertLicenses(tx, newLicenses)
      await this.repository.insertDataEvents(tx, dataEvents)
    })
    for (const event of published) await this.publish(event)
  }

  /** One license against its locked provider partition (kept current in `partition`): true when something was written. */
  private async ingestOne(
    tx: Db,
    compact: string,
    jurisdiction: string,
    license: LicenseRecordInput,
    partition: { provider: ProviderRow; licenses: LicenseRow[]; privileges: PrivilegeRow[] },
    batch: { now: Date; published: Published[]; newLicenses: LicenseInsert[]; projectedFrom: Map<string, string> },
  ): Promise<boolean> {
    const { now, published } = batch
    const key = `${jurisdiction}|${license.licenseType}`
    const values = licenseValues(compact, jurisdiction, license)
    const existing = partition.licenses.find((row) => row.jurisdiction === jurisdiction && row.licenseType === license.licenseType)
    let stored: LicenseRow
    if (existing) {
      const previous = licenseSnapshot(existing)
      const diff = diffLicense(previous, incomingSnapshot(license), LICENSE_DIFF_FIELDS)
      if (!diff) return false
      const updateType = classifyLicenseUpdate(previous, diff)
      await this.licenses.updateLicense(tx, existing.id, { ...values, dateOfUpdate: now })
      await this.licenses.insertUpdateRecord(tx, {
        recordType: 'license',
        providerId: license.providerId,
        compact,
        jurisdiction,
        licenseType: license.licenseType,
        updateType,
        previous,
        updatedValues: diff.updatedValues,
        removedValues: diff.removedValues.length > 0 ? diff.removedValues : null,
        createDate: now,
        effectiveDate: now,
        dateOfUpdate: now,
      })
      if (deactivationCascades(updateType, license.dateOfExpiration, now)) {
        const payload = { compact, providerId: license.providerId, jurisdiction, licenseType: license.licenseType }
        await this.jobs.enqueue(tx, 'license.deactivation', payload, { idempotencyKey: `${license.providerId}:${jurisdiction}:${license.licenseType}:${now.toISOString()}` })
        published.push({ name: 'license.deactivation', payload: { ...payload, eventTime: isoDateTime(now) } })
      }
      stored = { ...existing, ...values, dateOfUpdate: now }
      batch.projectedFrom.delete(license.providerId)
    } else {
      // New licenses are inserted together at the end of the batch; until then they carry no id.
      const insert = { ...values, firstUploadDate: now, dateOfUpdate: now }
      batch.newLicenses.push(insert)
      stored = { id: -batch.newLicenses.length, encumberedStatus: null, investigationStatus: null, ...insert } as LicenseRow
    }
    partition.licenses = partition.licenses.filter((row) => row.id !== stored.id).concat(stored)
    const best = chooseBestLicense(
      partition.licenses.map((row) => ({
        ...row,
        jurisdictionUploadedLicenseStatus: row.jurisdictionUploadedLicenseStatus as 'active' | 'inactive',
        jurisdictionUploadedCompactEligibility: row.jurisdictionUploadedCompactEligibility as 'eligible' | 'ineligible',
      })),
      partition.provider.currentHomeJurisdiction,
      now,
    )
    if (best && best.id === stored.id && batch.projectedFrom.get(license.providerId) !== key) {
      batch.projectedFrom.set(license.providerId, key)
      await this.licenses.updateProvider(tx, license.providerId, {
        ...projectionOf(stored),
        privilegeJurisdictions: privilegeJurisdictionsOf(partition.privileges),
        providerDateOfUpdate: now,
        dateOfUpdate: now,
      })
    }
    published.push({ name: 'license.ingest', payload: { compact, jurisdiction, providerId: license.providerId, licenseType: license.licenseType, eventTime: isoDateTime(now) } })
    return true
  }

  /**
   * §4.7 `license.deactivation` consumer: every privilege based on that license (same home jurisdiction and license
   * type) not yet license-deactivated gets `licenseDeactivatedStatus` and a `licenseDeactivation` update.
   */
  async cascadeLicenseDeactivation(payload: CompactConnectJobs['license.deactivation']): Promise<void> {
    const now = new Date()
    await this.database.transaction(async (tx) => {
      const provider = await this.licenses.lockProvider(tx, payload.providerId)
      if (!provider) return
      for (const privilege of await this.licenses.privilegesOfProvider(tx, payload.providerId)) {
        if (privilege.licenseJurisdiction !== payload.jurisdiction || privilege.licenseType !== payload.licenseType || privilege.licenseDeactivatedStatus !== null) continue
        const previous: Record<string, unknown> = {
          ...privilege,
          dateOfIssuance: isoDateTime(privilege.dateOfIssuance),
          dateOfRenewal: isoDateTime(privilege.dateOfRenewal),
          dateOfUpdate: isoDateTime(privilege.dateOfUpdate),
        }
        delete previous.id
        await this.licenses.updatePrivilege(tx, privilege.id, { licenseDeactivatedStatus: 'licenseDeactivated', dateOfUpdate: now })
        await this.licenses.insertUpdateRecord(tx, {
          recordType: 'privilege',
          providerId: privilege.providerId,
          compact: privilege.compact,
          jurisdiction: privilege.jurisdiction,
          licenseType: privilege.licenseType,
          updateType: 'licenseDeactivation',
          previous,
          updatedValues: { licenseDeactivatedStatus: 'licenseDeactivated' },
          createDate: now,
          effectiveDate: now,
          dateOfUpdate: now,
        })
      }
      await this.licenses.updateProvider(tx, payload.providerId, { providerDateOfUpdate: now, dateOfUpdate: now })
      // cc-enforcement: §5 keeps every event but the home-jurisdiction change in the data-events table; this job is the
      // once-only consumer of `license.deactivation`, so the row is written with the cascade it caused.
      await this.repository.insertDataEvents(tx, [
        {
          compact: payload.compact,
          jurisdiction: payload.jurisdiction,
          eventType: 'license.deactivation',
          eventTime: now,
          uploadId: null,
          detail: { providerId: payload.providerId, licenseType: payload.licenseType },
          expiresAt: expiryOf('license.deactivation', now),
        },
      ])
    })
  }

  /** Records validation errors of uploaded rows (§4.1) as data events and publishes them after commit. */
  async recordValidationErrors(
    db: Db,
    compact: string,
    jurisdiction: string,
    uploadId: string | null,
    failures: readonly { recordNumber: number; validData: Record<string, string>; errors: FieldErrors }[],
    now = new Date(),
  ): Promise<void> {
    await this.repository.insertDataEvents(
      db,
      failures.map((failure) => ({
        compact,
        jurisdiction,
        eventType: 'license.validation-error',
        eventTime: now,
        uploadId,
        detail: { recordNumber: failure.recordNumber, validData: failure.validData, errors: failure.errors },
        expiresAt: expiryOf('license.validation-error', now),
      })),
    )
  }

  async publish(event: Published): Promise<void> {
    try {
      await publishTyped(this.events, event)
    } catch (error) {
      this.log.error({ err: error, event: event.name }, 'could not publish an ingest event')
    }
  }
}
