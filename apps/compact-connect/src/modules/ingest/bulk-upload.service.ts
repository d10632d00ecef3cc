import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import type { JobRunner } from '@hearth/kernel/jobs'
import type { CompactConnectJobs } from '../../jobs.ts'
import { parse } from 'csv-parse'
import type { Database } from '@hearth/kernel'
import type { CompactConnectConfig } from '../../config.ts'
import { isCompact } from '../../domain/compacts.ts'
import { CompactConnectError, badRequest, notFound } from '../../errors.ts'
import type { UploadedLicense } from '../licenses/licenses.types.ts'
import { expiryOf, type IngestService } from './ingest.service.ts'
import { FirstRowIndex } from './first-row-index.ts'
import type { IngestRepository, LicenseUploadRow } from './ingest.repository.ts'
import { duplicateSsnMessage, safeValidData, validateLicense, type FieldErrors } from './license.validation.ts'
import type { FeatureFlags } from '../feature-flags/feature-flags.service.ts'
import { SignedUploadForms, type SignedPolicy, type UploadForm } from '../../signed-upload-form.ts'

type Failure = { recordNumber: number; validData: Record<string, string>; errors: FieldErrors }

const POLICY_TTL_MS = 60 * 60 * 1000
const CHUNK_BYTES = 1024 * 1024
/**
 * Batches of one file written at once, each in its own transaction on its own connection: PostgreSQL works on two
 * while the next is parsed. Concurrent batches never deadlock (SSN keys and providers are taken in one order) and a
 * batch that shares a provider with one in flight waits for it; memory stays at a few batches whatever the file size.
 */
const BATCHES_IN_FLIGHT = 2
export const CSV_CONTENT_TYPE = 'text/csv'

/** What a signed upload policy binds (the presigned S3 POST's conditions, §4.1, §9.9). */
export interface UploadPolicy extends SignedPolicy {
  expiration: string
  compact: string
  jurisdiction: string
  key: string
  maxBytes: number
  contentType: string
}

export interface UploadProgress {
  uploadId: string
  status: string
  rowsRead: number
  rowsValid: number
  rowsInvalid: number
  failure: string | null
  errors: { recordNumber: number; errors: FieldErrors }[]
}

const forbidden = (message: string) => new CompactConnectError(403, message)

/**
 * §4.1 channel 2: the bulk-upload URL (a signed, one-hour, single-use policy for the app's own upload endpoint) and
 * the CSV upload itself, streamed row by row (never the whole file in memory) into the same validation and ingest
 * path as the JSON POST. Valid rows are queued per batch with the batch's validation errors and progress counters
 * in one transaction.
 */
export class BulkUploadService {
  private readonly forms: SignedUploadForms<UploadPolicy>

  constructor(
    private readonly database: Database,
    private readonly repository: IngestRepository,
    private readonly ingest: IngestService,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly config: CompactConnectConfig,
    private readonly flags: FeatureFlags,
  ) {
    this.forms = new SignedUploadForms(config.bulkUploadSigningKey, `${config.publicUrl}/v1/bulk-uploads`)
  }

  /** `{upload: {url, fields}}` for one CSV file of `{compact}/{jurisdiction}/{random}`. */
  uploadUrl(compact: string, jurisdiction: string, now: Date = new Date()): UploadForm {
    return this.forms.create({
      expiration: new Date(now.getTime() + POLICY_TTL_MS).toISOString(),
      compact,
      jurisdiction,
      key: `${compact}/${jurisdiction}/${randomUUID()}`,
      maxBytes: this.config.bulkUploadMaxBytes,
      contentType: CSV_CONTENT_TYPE,
    })
  }

  /** Checks the form fields sent before the file (names case-insensitive): 403 bad/expired policy, 400 wrong type. */
  checkFields(fields: Readonly<Record<string, string>>, now: Date = new Date()): UploadPolicy {
    const policy = this.forms.verify(fields, now)
    if ((fields['content-type'] ?? '').toLowerCase() !== policy.contentType) throw badRequest(`Invalid according to Policy: Content-Type must be ${policy.contentType}`)
    return policy
  }

  /**
   * Receives one CSV file: its bytes are stored in 1 MB chunks as they arrive (never the whole file in memory), then a
   * `license.upload` job is queued in the same transaction that marks the upload received. The request ends as soon
   * as the file has arrived; any process streams it from there.
   */
  async receiveCsv(policy: UploadPolicy, file: Readable): Promise<{ uploadId: string }> {
    const uploadId = policy.key.split('/').pop()!
    if (!isCompact(policy.compact)) throw forbidden('Invalid according to Policy: unknown compact')
    const created = await this.repository.createUpload(this.database.db, { uploadId, compact: policy.compact, jurisdiction: policy.jurisdiction, objectKey: policy.key })
    if (!created) throw forbidden('Invalid according to Policy: this upload policy has already been used')
    let sequence = 0
    let pending: Buffer[] = []
    let size = 0
    const store = async () => {
      if (size === 0) return
      await this.repository.insertChunk(this.database.db, uploadId, sequence++, Buffer.concat(pending))
      pending = []
      size = 0
    }
    try {
      for await (const chunk of file as AsyncIterable<Buffer>) {
        pending.push(chunk)
        size += chunk.length
        if (size >= CHUNK_BYTES) await store()
      }
      await store()
      if ((file as Readable & { truncated?: boolean }).truncated) throw Object.assign(new Error('file too large'), { code: 'FST_REQ_FILE_TOO_LARGE' })
    } catch (error) {
      await this.repository.deleteChunks(this.database.db, uploadId)
      if (isFileTooLarge(error)) {
        await this.fail(policy.compact, policy.jurisdiction, uploadId, 'File exceeds the upload size limit')
        throw badRequest('Your proposed upload exceeds the maximum allowed size')
      }
      await this.fail(policy.compact, policy.jurisdiction, uploadId, 'The upload was interrupted')
      throw error
    }
    await this.database.transaction(async (tx) => {
      await this.repository.setStatus(tx, uploadId, 'received')
      await this.jobs.enqueue(tx, 'license.upload', { uploadId, compact: policy.compact, jurisdiction: policy.jurisdiction }, { idempotencyKey: uploadId })
    })
    return { uploadId }
  }

  /**
   * The `license.upload` job: streams the stored file through validation into the ingest, one transaction per batch
   * of `INGEST_BATCH_SIZE` rows, then deletes its bytes. Each batch's transaction records the batch in
   * `upload_batches`, so a retried (or concurrently re-run) job skips the batches that committed: their licenses,
   * validation errors and progress counters are written once.
   */
  async processUpload(payload: CompactConnectJobs['license.upload'], signal?: AbortSignal): Promise<void> {
    const { repository, database } = this
    async function* chunks() {
      for (let sequence = 0; ; sequence++) {
        const chunk = await repository.chunk(database.db, payload.uploadId, sequence)
        if (!chunk) return
        yield chunk
      }
    }
    await this.repository.setStatus(this.database.db, payload.uploadId, 'processing')
    await this.ingestCsv({ uploadId: payload.uploadId, compact: payload.compact, jurisdiction: payload.jurisdiction }, Readable.from(chunks()), signal)
    await this.repository.deleteChunks(this.database.db, payload.uploadId)
  }

  /**
   * Parses one CSV file: header row required, BOM tolerated, empty cells absent, each row validated on its own,
   * later rows repeating an (SSN, license type) rejected naming the first row. Full batches are written while the
   * next one is parsed (`BATCHES_IN_FLIGHT`), so parsing and the database work overlap. When the job's lock is lost
   * (`signal`), no further batch starts: the worker that took the job over resumes after the committed ones.
   */
  private async ingestCsv(upload: { uploadId: string; compact: string; jurisdiction: string }, file: Readable, signal?: AbortSignal): Promise<void> {
    const { uploadId, jurisdiction } = upload
    if (!isCompact(upload.compact)) throw new Error(`unknown compact ${upload.compact}`)
    const compact = upload.compact
    const correction = await this.ingest.ssnCorrectionEnabled(compact)
    const committed = await this.repository.committedBatches(this.database.db, uploadId)

    const batchSize = this.config.ingestBatchSize
    const firstRows = new FirstRowIndex()
    let valid: UploadedLicense[] = []
    let failures: Failure[] = []
    let read = 0
    let batch = 0
    const writing: Promise<void>[] = []
    const flush = async () => {
      if (valid.length === 0 && failures.length === 0 && read === 0) return
      const work = { batch: batch++, rows: valid, invalid: failures, read }
      valid = []
      failures = []
      read = 0
      // A failed batch stops the file: its rejection is thrown here (or at the end) before another batch starts.
      if (writing.length >= BATCHES_IN_FLIGHT) await writing.shift()
      signal?.throwIfAborted()
      if (committed.has(work.batch)) return
      const written = this.writeBatch(compact, jurisdiction, uploadId, work)
      written.catch(() => undefined)
      writing.push(written)
    }

    const parser = file.pipe(parse({ bom: true, columns: (header: string[]) => header.map((name) => name.trim()), skip_empty_lines: true, relax_column_count: false }))
    let recordNumber = 0
    try {
      for await (const record of parser as AsyncIterable<Record<string, string>>) {
        recordNumber++
        read++
        const row: Record<string, unknown> = {}
        for (const column in record) {
          const text = record[column]!.trim()
          if (text !== '') row[column] = text
        }
        const result = validateLicense(compact, row, { allowPathFields: false })
        if (!result.ok) {
          failures.push({ recordNumber, validData: safeValidData(row), errors: result.errors })
        } else if (result.license.previousSSN !== undefined && !correction) {
          failures.push({ recordNumber, validData: safeValidData(row), errors: { previousSSN: ['The previousSSN feature is not currently enabled'] } })
        } else {
          const first = firstRows.firstOrAdd(result.license.ssn, result.license.licenseType, recordNumber)
          if (first !== undefined) failures.push({ recordNumber, validData: safeValidData(row), errors: { ssn: [duplicateSsnMessage(result.license.licenseType, first)] } })
          else valid.push(result.license)
        }
        if (valid.length + failures.length >= batchSize) await flush()
      }
      await flush()
      while (writing.length > 0) await writing.shift()
      await this.repository.finishUpload(this.database.db, uploadId, 'processed', null)
    } catch (error) {
      await Promise.allSettled(writing)
      if (!isCsvError(error)) throw error // a database failure: the job is retried and resumes after the last committed batch
      // An unparseable file is one ingest failure (§4.1); rows committed before the fault stay.
      await this.fail(compact, jurisdiction, uploadId, `CSV could not be parsed at record ${recordNumber + 1}: ${csvProblem(error)}`)
    }
  }

  /** One batch in one transaction: claimed, SSNs matched, licenses ingested, errors and progress recorded; events after commit. */
  private async writeBatch(compact: string, jurisdiction: string, uploadId: string, work: { batch: number; rows: UploadedLicense[]; invalid: Failure[]; read: number }): Promise<void> {
    const published = await this.database.transaction(async (tx) => {
      if (!(await this.repository.claimBatch(tx, uploadId, work.batch))) return []
      const records = await this.ingest.resolve(tx, compact, work.rows)
      const events = await this.ingest.ingestRecords(tx, compact, jurisdiction, uploadId, records)
      await this.ingest.recordValidationErrors(tx, compact, jurisdiction, uploadId, work.invalid)
      await this.repository.addProgress(tx, uploadId, { read: work.read, valid: work.rows.length, invalid: work.invalid.length })
      return events
    })
    await this.ingest.publishAll(published)
  }

  private async fail(compact: string, jurisdiction: string, uploadId: string, message: string): Promise<void> {
    const now = new Date()
    await this.database.transaction(async (tx) => {
      await this.repository.insertDataEvents(tx, [
        { compact, jurisdiction, eventType: 'license.ingest-failure', eventTime: now, uploadId, detail: { errors: [message] }, expiresAt: expiryOf('license.ingest-failure', now) },
      ])
      await this.repository.finishUpload(tx, uploadId, 'failed', message)
    })
    await this.ingest.publish({ name: 'license.ingest-failure', payload: { compact, jurisdiction, errors: [message], eventTime: now.toISOString() } })
  }

  /** Progress of one upload: counters and the first validation errors (1-based record numbers). */
  async progress(compact: string, jurisdiction: string, uploadId: string): Promise<UploadProgress> {
    const upload: LicenseUploadRow | undefined = await this.repository.upload(this.database.db, compact, jurisdiction, uploadId)
    if (!upload) throw notFound('Upload not found')
    const events = await this.repository.dataEventsOfUpload(this.database.db, uploadId, 'license.validation-error', 100)
    return {
      uploadId: upload.uploadId,
      status: upload.status,
      rowsRead: upload.rowsRead,
      rowsValid: upload.rowsValid,
      rowsInvalid: upload.rowsInvalid,
      failure: upload.failure,
      errors: events.map((event) => ({ recordNumber: event.detail.recordNumber as number, errors: event.detail.errors as FieldErrors })),
    }
  }
}

function isFileTooLarge(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === 'FST_REQ_FILE_TOO_LARGE'
}

/** csv-parse's errors carry a `CSV_…` code; anything else (the database) is not the file's fault. */
function isCsvError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code
  return typeof code === 'string' && code.startsWith('CSV_')
}

/** csv-parse's own words minus anything from the file itself. */
function csvProblem(error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code
  return typeof code === 'string' && code.startsWith('CSV_') ? code : 'invalid CSV'
}
