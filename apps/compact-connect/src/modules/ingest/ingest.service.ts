import { randomUUID } from 'node:crypto'
import type { Database, Db, EventBus } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { Compact } from '../../domain/compacts.ts'
import { birthMonthDay, chooseBestLicense, classifyLicenseUpdate, deactivationCascades, diffLicense, providerFamGivMid, type LicenseSnapshot } from '../../domain/ingest-rules.ts'
import { isoDateTime } from '../../domain/dates.ts'
import { badRequest } from '../../errors.ts'
import type { CompactConnectEvents } from '../../events.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import type { LicenseInsert, LicenseRow, LicensesRepository, PrivilegeRow, ProviderInsert, ProviderRow, RecordsetRow, UpdateRecordInsert } from '../licenses/licenses.repository.ts'
import { LICENSE_DIFF_FIELDS, type LicenseRecordInput, type UploadedLicense } from '../licenses/licenses.types.ts'
import type { SsnService } from '../licenses/ssn.service.ts'
import type { DataEventInsert, IngestRepository } from './ingest.repository.ts'
import { duplicateSsnMessage, validateLicense, type FieldErrors } from './license.validation.ts'
import { FirstRowIndex } from './first-row-index.ts'
import type { FeatureFlags } from '../feature-flags/feature-flags.service.ts'
import type { SsnCorrectionService } from './ssn-correction.service.ts'
import { dataEventExpiry } from '../data-events/data-events.ts'

/** §4.16: the backend's runtime flag for the `previousSSN` correction (§4.2), fail closed. */
export const SSN_CORRECTION_FLAG = 'license-ssn-correction-migration-flag'

type Logger = { error(object: unknown, message?: string): void }

/** Data events kept 366 days, validation errors and ingest failures 90 (§1.12). */
/** §5: when a data event expires (the data-events module's rule). */
export const expiryOf = dataEventExpiry

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

/**
 * An upload row without its SSNs, filed under the vault's provider id. Written out field by field (an absent optional
 * field becomes `undefined`, which no reader tells from absent and JSON leaves out): the object rest it replaces was a
 * runtime call per row.
 */
function recordOf(license: UploadedLicense, providerId: string): LicenseRecordInput {
  return {
    licenseType: license.licenseType,
    licenseStatus: license.licenseStatus,
    compactEligibility: license.compactEligibility,
    givenName: license.givenName,
    familyName: license.familyName,
    dateOfIssuance: license.dateOfIssuance,
    dateOfExpiration: license.dateOfExpiration,
    dateOfBirth: license.dateOfBirth,
    homeAddressStreet1: license.homeAddressStreet1,
    homeAddressCity: license.homeAddressCity,
    homeAddressState: license.homeAddressState,
    homeAddressPostalCode: license.homeAddressPostalCode,
    npi: license.npi,
    licenseNumber: license.licenseNumber,
    licenseStatusName: license.licenseStatusName,
    middleName: license.middleName,
    suffix: license.suffix,
    dateOfRenewal: license.dateOfRenewal,
    homeAddressStreet2: license.homeAddressStreet2,
    emailAddress: license.emailAddress,
    phoneNumber: license.phoneNumber,
    providerId,
    ssnLastFour: license.ssn.slice(-4),
  }
}

/**
 * A license row as the batch writes it, stamped with the batch's moment: `firstUploadDate` counts for a new license
 * only (the update statement leaves the stored one). One literal: spreading it into another object for the insert
 * was the costliest line of the batch.
 */
function licenseValues(compact: string, jurisdiction: string, license: LicenseRecordInput, stamp: string): RecordsetRow<LicenseInsert> & { dateOfUpdate: string } {
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
    firstUploadDate: stamp,
    dateOfUpdate: stamp,
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

/** Code-unit order: a total order for lock ordering, without the locale machinery of `localeCompare`. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const privilegeJurisdictionsOf = (privileges: readonly PrivilegeRow[]) => [...new Set(privileges.map((privilege) => privilege.jurisdiction))].sort()

/** Whether a provider row already holds this projection (every projected field equal). */
function sameProjection(provider: object, projection: ReturnType<typeof projectionOf>): boolean {
  for (const field in projection) if ((provider as Record<string, unknown>)[field] !== projection[field as keyof typeof projection]) return false
  return true
}

/** One event to publish after commit; `publishTyped` keeps its name and payload paired for the type checker. */
export type Published = { [Name in keyof CompactConnectEvents]: { name: Name; payload: CompactConnectEvents[Name] } }[keyof CompactConnectEvents]

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
    private readonly flags: FeatureFlags,
    private readonly migration: SsnCorrectionService,
    private readonly batchSize = 1000,
  ) {}

  /** §4.2: whether uploads to this compact may carry `previousSSN` (the runtime flag; off when it cannot be read). */
  ssnCorrectionEnabled(compact: string): Promise<boolean> {
    return this.flags.isEnabled(SSN_CORRECTION_FLAG, { compact })
  }

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
    const firstRows = new FirstRowIndex()
    const duplicates: string[] = []
    valid.forEach((license, index) => {
      const first = firstRows.firstOrAdd(license.ssn, license.licenseType, index)
      if (first !== undefined) duplicates.push(duplicateSsnMessage(license.licenseType, first))
    })
    if (duplicates.length > 0) throw badRequest(INVALID_RECORDS_MESSAGE, { SSN: duplicates })
    if (valid.some((license) => license.previousSSN !== undefined) && !(await this.ssnCorrectionEnabled(compact))) throw badRequest('The previousSSN feature is not currently enabled')
    await this.database.transaction((tx) => this.enqueue(tx, compact, jurisdiction, valid, { uploadId: null, idempotencyKey: `json:${randomUUID()}` }))
  }

  /**
   * §4.2 preprocessing inside the caller's transaction: each SSN becomes the vault's provider id plus its last four
   * digits (one lookup and at most one conditional insert for the whole list). A `previousSSN` (only passed through
   * when the correction flag is on) becomes the provider id it is filed under today, when the vault knows it. No
   * full SSN leaves this call.
   */
  async resolve(db: Db, compact: string, licenses: readonly UploadedLicense[]): Promise<LicenseRecordInput[]> {
    if (licenses.length === 0) return []
    const providerIds = await this.ssn.resolveProviderIds(
      db,
      compact,
      licenses.map((license) => license.ssn),
    )
    const previous = licenses.filter((license) => license.previousSSN !== undefined).map((license) => license.previousSSN!)
    const previousIds = previous.length > 0 ? await this.ssn.findProviderIds(db, compact, previous) : new Map<string, string>()
    return licenses.map((license) => {
      const record = recordOf(license, providerIds.get(license.ssn)!)
      const previousProviderId = license.previousSSN === undefined ? undefined : previousIds.get(license.previousSSN)
      if (previousProviderId !== undefined && previousProviderId !== record.providerId) record.previousProviderId = previousProviderId
      return record
    })
  }

  /** The JSON channel: resolved in the caller's transaction and enqueued as `license.ingest` jobs (key `{key}:{batch}`). */
  async enqueue(db: Db, compact: string, jurisdiction: string, licenses: readonly UploadedLicense[], options: { uploadId: string | null; idempotencyKey: string }): Promise<void> {
    const records = await this.resolve(db, compact, licenses)
    for (let start = 0, batch = 0; start < records.length; start += this.batchSize, batch++) {
      await this.jobs.enqueue(
        db,
        'license.ingest',
        { compact, jurisdiction, uploadId: options.uploadId, licenses: records.slice(start, start + this.batchSize) },
        { idempotencyKey: `${options.idempotencyKey}:${batch}` },
      )
    }
  }

  /** The `license.ingest` job: one batch in one transaction, events published after commit. */
  async processBatch(payload: CompactConnectJobs['license.ingest'], _idempotencyKey?: string | null): Promise<void> {
    const published = await this.database.transaction((tx) => this.ingestRecords(tx, payload.compact, payload.jurisdiction, payload.uploadId, payload.licenses))
    await this.publishAll(published)
  }

  /**
   * §4.3 for a batch of resolved licenses, inside the caller's transaction, set-based: missing providers inserted in
   * one statement (id order, so concurrent batches never deadlock), the existing ones locked in id order and their
   * licenses and privileges read once, every license diffed in memory, then one statement each for the new
   * licenses, the changed licenses, their update records, the provider projections and the data events. Returns the
   * events to publish once the transaction has committed.
   */
  async ingestRecords(tx: Db, compact: string, jurisdiction: string, uploadId: string | null, records: readonly LicenseRecordInput[], now: Date = new Date()): Promise<Published[]> {
    const published: Published[] = []
    if (records.length === 0) return published
    const eventTime = isoDateTime(now)
    // Every row of the batch carries this moment; the statements' JSON gets it formatted once.
    const stamp = now.toISOString()
    const ingestExpiry = expiryOf('license.ingest', now).toISOString()
    const ordered = [...records].sort((a, b) => (a.providerId === b.providerId ? compareText(a.licenseType, b.licenseType) : compareText(a.providerId, b.providerId)))
    const valuesOf = ordered.map((license) => licenseValues(compact, jurisdiction, license, stamp))
    const initial = new Map<string, RecordsetRow<ProviderInsert>>()
    ordered.forEach((license, index) => {
      if (initial.has(license.providerId)) return
      initial.set(license.providerId, {
        providerId: license.providerId,
        compact,
        ...projectionOf(valuesOf[index]!),
        currentHomeJurisdiction: 'unknown',
        privilegeJurisdictions: [],
        providerDateOfUpdate: stamp,
        dateOfUpdate: stamp,
      })
    })
    const created = await this.licenses.insertProvidersIfMissing(tx, [...initial.values()])
    // Providers created just now have no licenses or privileges yet and are locked by their insert; the others are
    // locked (with the old providers of SSN corrections) in id order and read once.
    const migrating = ordered.filter((license) => license.previousProviderId !== undefined)
    const toLock = [...new Set([...[...initial.keys()].filter((id) => !created.has(id)), ...migrating.map((license) => license.previousProviderId!)])].sort()
    const providers = new Map<string, ProviderRow>()
    for (const row of await this.licenses.lockProviders(tx, toLock)) providers.set(row.providerId, row)
    const forced = new Set<string>()
    for (const license of migrating) {
      if (!providers.has(license.previousProviderId!)) continue
      if (await this.migration.migrate(tx, compact, jurisdiction, license, providers.get(license.previousProviderId!)!, now)) forced.add(license.providerId)
    }
    const existing = [...initial.keys()].filter((id) => !created.has(id) || forced.has(id))
    /** Stored and written licenses per provider (a written one carries the batch's timestamps as strings). */
    const licensesByProvider = new Map<string, RecordsetRow<LicenseRow>[]>()
    for (const row of await this.licenses.licensesOfProviders(tx, existing)) licensesByProvider.set(row.providerId, [...(licensesByProvider.get(row.providerId) ?? []), row])
    const privilegesByProvider = new Map<string, PrivilegeRow[]>()
    for (const row of await this.licenses.privilegesOfProviders(tx, existing)) privilegesByProvider.set(row.providerId, [...(privilegesByProvider.get(row.providerId) ?? []), row])

    const newLicenses: RecordsetRow<LicenseInsert>[] = []
    const changedLicenses: (RecordsetRow<LicenseInsert> & { id: number })[] = []
    const updates: RecordsetRow<UpdateRecordInsert>[] = []
    const dataEvents: RecordsetRow<DataEventInsert>[] = []
    /** Licenses written in this batch, per provider (their key `jurisdiction|type`). */
    const written = new Map<string, Set<string>>()
    const key = (row: { jurisdiction: string; licenseType: string }) => `${row.jurisdiction}|${row.licenseType}`
    for (let index = 0; index < ordered.length; index++) {
      const license = ordered[index]!
      const partition = licensesByProvider.get(license.providerId) ?? []
      const values = valuesOf[index]!
      const current = partition.find((row) => row.jurisdiction === jurisdiction && row.licenseType === license.licenseType) as LicenseRow | undefined
      let stored: RecordsetRow<LicenseRow>
      if (current) {
        const previous = licenseSnapshot(current)
        const diff = diffLicense(previous, incomingSnapshot(license), LICENSE_DIFF_FIELDS)
        if (!diff) continue
        const updateType = classifyLicenseUpdate(previous, diff)
        changedLicenses.push({ ...values, id: current.id })
        updates.push({
          recordType: 'license',
          providerId: license.providerId,
          compact,
          jurisdiction,
          licenseType: license.licenseType,
          updateType,
          previous,
          updatedValues: diff.updatedValues,
          removedValues: diff.removedValues.length > 0 ? diff.removedValues : null,
          createDate: stamp,
          effectiveDate: stamp,
          dateOfUpdate: stamp,
        })
        if (deactivationCascades(updateType, license.dateOfExpiration, now)) {
          const payload = { compact, providerId: license.providerId, jurisdiction, licenseType: license.licenseType }
          await this.jobs.enqueue(tx, 'license.deactivation', payload, { idempotencyKey: `${license.providerId}:${jurisdiction}:${license.licenseType}:${now.toISOString()}` })
          published.push({ name: 'license.deactivation', payload: { ...payload, eventTime } })
          // §5: recorded in data_events in the same transaction.
          dataEvents.push({
            compact,
            jurisdiction,
            eventType: 'license.deactivation',
            eventTime: now,
            uploadId,
            detail: { providerId: license.providerId, licenseType: license.licenseType },
            expiresAt: expiryOf('license.deactivation', now),
          })
        }
        stored = { ...current, ...values, firstUploadDate: current.firstUploadDate }
      } else {
        newLicenses.push(values)
        stored = { id: -newLicenses.length, encumberedStatus: null, investigationStatus: null, ...values } as RecordsetRow<LicenseRow>
      }
      licensesByProvider.set(license.providerId, [...partition.filter((row) => row !== current), stored])
      written.set(license.providerId, (written.get(license.providerId) ?? new Set()).add(key(stored)))
      dataEvents.push({
        compact,
        jurisdiction,
        eventType: 'license.ingest',
        eventTime: stamp,
        uploadId,
        detail: { providerId: license.providerId, licenseType: license.licenseType },
        expiresAt: ingestExpiry,
      })
      published.push({ name: 'license.ingest', payload: { compact, jurisdiction, providerId: license.providerId, licenseType: license.licenseType, eventTime } })
    }

    // §4.3 step 4, once per provider: if its best license is one written here, the provider is projected from it.
    // (Equivalent to re-choosing after every license: the last license that was best at its turn is the best now.)
    const projections: (Partial<RecordsetRow<ProviderInsert>> & { providerId: string })[] = []
    for (const providerId of new Set([...written.keys(), ...forced])) {
      const provider = providers.get(providerId) ?? initial.get(providerId)!
      // Typed as the rule wants them, without a copy of each row: the ingest only ever stores these status values.
      const candidates = (licensesByProvider.get(providerId) ?? []) as (RecordsetRow<LicenseRow> & {
        jurisdictionUploadedLicenseStatus: 'active' | 'inactive'
        jurisdictionUploadedCompactEligibility: 'eligible' | 'ineligible'
      })[]
      const best = chooseBestLicense(candidates, provider.currentHomeJurisdiction ?? 'unknown', now)
      if (!best) continue
      const projection = projectionOf(best)
      if (!forced.has(providerId)) {
        if (!written.get(providerId)?.has(key(best))) continue
        // A provider created in this batch already carries the projection of its first license.
        if (created.has(providerId) && sameProjection(initial.get(providerId)!, projection)) continue
      }
      projections.push({ providerId, ...projection, privilegeJurisdictions: privilegeJurisdictionsOf(privilegesByProvider.get(providerId) ?? []), providerDateOfUpdate: stamp, dateOfUpdate: stamp })
    }
    await this.licenses.insertLicenses(tx, newLicenses)
    await this.licenses.updateLicenses(tx, changedLicenses)
    await this.licenses.insertUpdateRecords(tx, updates)
    await this.licenses.updateProjections(tx, projections)
    await this.repository.insertDataEvents(tx, dataEvents)
    return published
  }

  /** Publishes events of a committed transaction, in order. */
  async publishAll(events: readonly Published[]): Promise<void> {
    for (const event of events) await this.publish(event)
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
