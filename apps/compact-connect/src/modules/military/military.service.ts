import { createHmac, randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { Database, Db, EventBus } from '@hearth/kernel'
import type { JobRunner } from '@hearth/kernel/jobs'
import { ObjectTooLargeError, type ObjectStore } from '@hearth/kernel/storage'
import { isCompact } from '../../domain/compacts.ts'
import { isoDateTime } from '../../domain/dates.ts'
import { MILITARY_DOCUMENT_MAX_BYTES, militaryContentTypes, militaryDocumentKey, militaryFileProblem } from '../../domain/enforcement.ts'
import { CompactConnectError, accessDenied, badRequest, internalError, notFound } from '../../errors.ts'
import type { CompactConnectEvents } from '../../events.ts'
import type { CompactConnectJobs } from '../../jobs.ts'
import { mayAdministerCompact } from '../../policies.ts'
import type { ProviderCaller, StaffCaller } from '../../auth/tokens.ts'
import { Effects, publishAll } from '../encumbrances/effects.ts'
import type { EnforcementRepository, MilitaryAffiliationRow } from '../encumbrances/enforcement.repository.ts'
import { providerSnapshot } from '../home-jurisdiction/home-jurisdiction.service.ts'
import type { LicensesRepository, ProviderRow } from '../licenses/licenses.repository.ts'
import { SignedUploadForms, type SignedPolicy, type UploadForm } from '../../signed-upload-form.ts'
import type { DocumentLinks } from './document-links.ts'
import type { MilitaryAffiliationBody, MilitaryAffiliationCreated, MilitaryAuditBody } from './military.schemas.ts'

type Logger = { error(object: unknown, message?: string): void }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** The original's presigned POSTs lived 10 minutes. */
const FORM_TTL_MS = 10 * 60 * 1000

/** What a signed document form binds (the presigned POST's conditions). */
export interface DocumentPolicy extends SignedPolicy {
  compact: string
  providerId: string
  maxBytes: number
  contentTypes: string[]
}

const forbidden = (message: string) => new CompactConnectError(403, message)

/** The first bytes each accepted type starts with (a renamed file of another kind is refused). */
function contentMatches(contentType: string, head: Buffer): boolean {
  switch (contentType) {
    case 'application/pdf':
      return head.subarray(0, 4).toString('latin1') === '%PDF'
    case 'image/png':
      return head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    case 'image/jpeg':
      return head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff
    default:
      // docx is a zip container
      return head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
  }
}

async function headOf(stream: Readable, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk)
    size += chunk.length
    if (size >= bytes) break
  }
  stream.destroy()
  return Buffer.concat(chunks).subarray(0, bytes)
}

/**
 * Military affiliations (§1.8, §4.11): the practitioner declares one and gets one signed, single-use, ten-minute
 * upload form per document (the app's own multipart endpoint in place of presigned S3 POSTs); a received document
 * promotes the newest initializing record to active and makes the provider `tentative`; the practitioner can end the
 * affiliation; a compact admin approves or declines it with a note.
 */
export class MilitaryService {
  private readonly forms: SignedUploadForms<DocumentPolicy>

  constructor(
    private readonly database: Database,
    private readonly records: LicensesRepository,
    private readonly repository: EnforcementRepository,
    /** The documents' object store (the original's provider-user bucket): disk under `DATA_DIR`, or S3 when configured. */
    private readonly store: ObjectStore,
    private readonly jobs: JobRunner<CompactConnectJobs>,
    private readonly events: EventBus<CompactConnectEvents>,
    private readonly log: Logger,
    settings: { publicUrl: string; signingSecret: string },
    private readonly links: DocumentLinks,
  ) {
    // Its own key, derived from the upload signing secret: a bulk-upload policy never verifies here, nor the reverse.
    const signingKey = createHmac('sha256', settings.signingSecret).update('military-affiliation-documents').digest()
    this.forms = new SignedUploadForms(signingKey, `${settings.publicUrl}/v1/military-affiliation-documents`)
  }

  /** `POST /v1/provider-users/me/military-affiliation`. */
  async create(caller: ProviderCaller, body: MilitaryAffiliationBody, now: Date = new Date()): Promise<MilitaryAffiliationCreated> {
    for (const fileName of body.fileNames) {
      const problem = militaryFileProblem(fileName)
      if (problem) throw badRequest(problem)
    }
    const uploadDate = now.toISOString().slice(0, 10)
    const documentKeys = body.fileNames.map((fileName) => militaryDocumentKey(caller.compact, caller.providerId, uploadDate, randomUUID(), fileName))
    const record = await this.database.transaction(async (tx) => {
      await this.provider(tx, caller)
      const existing = await this.repository.militaryAffiliations(tx, caller.providerId)
      await this.repository.setMilitaryStatuses(
        tx,
        existing.filter((row) => row.status !== 'inactive').map((row) => row.id),
        'inactive',
        now,
      )
      return this.repository.insertMilitaryAffiliation(tx, {
        providerId: caller.providerId,
        compact: caller.compact,
        affiliationType: body.affiliationType,
        fileNames: [...body.fileNames],
        documentKeys,
        dateOfUpload: now,
        status: 'initializing',
        dateOfUpdate: now,
      })
    })
    return {
      affiliationType: record.affiliationType,
      fileNames: record.fileNames,
      dateOfUpload: isoDateTime(record.dateOfUpload),
      dateOfUpdate: isoDateTime(record.dateOfUpdate),
      status: record.status,
      documentUploadFields: body.fileNames.map((fileName, index) => this.uploadForm(caller, documentKeys[index]!, fileName, now)),
    }
  }

  private uploadForm(caller: ProviderCaller, key: string, fileName: string, now: Date): UploadForm {
    return this.forms.create({
      expiration: new Date(now.getTime() + FORM_TTL_MS).toISOString(),
      key,
      compact: caller.compact,
      providerId: caller.providerId,
      maxBytes: MILITARY_DOCUMENT_MAX_BYTES,
      contentTypes: militaryContentTypes(fileName),
    })
  }

  /** The form fields sent before the file (names case-insensitive, as S3 treats them): 403 for a bad or expired policy. */
  checkFields(fields: Readonly<Record<string, string>>, now: Date = new Date()): DocumentPolicy {
    return this.forms.verify(fields, now)
  }

  /**
   * One uploaded document: the key is claimed first (a second upload with the same form is 403), the bytes stored
   * (over 10 MB → 400, nothing kept), the type checked against the declared extension (content type and leading
   * bytes; 400), then the newest initializing affiliation becomes active and the provider `tentative` (§4.11).
   */
  async receive(policy: DocumentPolicy, file: Readable, declaredType: string, now: Date = new Date()): Promise<void> {
    const contentType = declaredType.toLowerCase()
    if (!policy.contentTypes.includes(contentType)) {
      file.resume()
      throw badRequest(`Invalid according to Policy: Content-Type must be one of ${policy.contentTypes.join(', ')}`)
    }
    const claimed = await this.repository.insertMilitaryDocument(this.database.db, {
      documentKey: policy.key,
      providerId: policy.providerId,
      compact: policy.compact,
      contentType,
      sizeBytes: 0,
      uploadedAt: now,
    })
    if (!claimed) {
      file.resume()
      throw forbidden('Invalid according to Policy: this upload form has already been used')
    }
    try {
      const maxBytes = Math.min(policy.maxBytes, MILITARY_DOCUMENT_MAX_BYTES)
      const size = await this.store.put(policy.key, file, { maxBytes, contentType })
      // The multipart reader stops at the limit and marks the stream truncated rather than failing it.
      if ((file as Readable & { truncated?: boolean }).truncated) throw new ObjectTooLargeError(maxBytes)
      const stored = await this.store.get(policy.key)
      if (!stored || !contentMatches(contentType, await headOf(stored, 8))) throw badRequest('The file content does not match its type')
      let effects!: Effects
      await this.database.transaction(async (tx) => {
        effects = new Effects(tx, this.jobs, this.repository, now)
        await this.repository.recordMilitaryDocumentSize(tx, policy.key, size)
        await this.promote(tx, policy.providerId, now)
      })
      await publishAll(this.events, this.log, effects.events)
    } catch (error) {
      await this.store.delete(policy.key)
      await this.repository.deleteMilitaryDocument(this.database.db, policy.key)
      if (error instanceof ObjectTooLargeError || (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw badRequest('Your proposed upload exceeds the maximum allowed size')
      throw error
    }
  }

  private async promote(tx: Db, providerId: string, now: Date): Promise<void> {
    const provider = await this.records.lockProvider(tx, providerId)
    if (!provider) return
    const initializing = (await this.repository.militaryAffiliations(tx, providerId)).filter((row) => row.status === 'initializing')
    const newest = initializing.reduce<MilitaryAffiliationRow | undefined>((best, row) => (best === undefined || row.dateOfUpload >= best.dateOfUpload ? row : best), undefined)
    if (!newest) return
    await this.repository.setMilitaryStatuses(tx, [newest.id], 'active', now)
    await this.repository.setMilitaryStatuses(
      tx,
      initializing.filter((row) => row.id !== newest.id).map((row) => row.id),
      'inactive',
      now,
    )
    await this.records.updateProvider(tx, providerId, { militaryStatus: 'tentative', militaryStatusNote: '', providerDateOfUpdate: now, dateOfUpdate: now })
    await this.providerUpdate(tx, provider, 'militaryFileUpload', { militaryStatus: 'tentative', militaryStatusNote: '' }, now)
  }

  /** `PATCH /v1/provider-users/me/military-affiliation` `{status: "inactive"}`. */
  async end(caller: ProviderCaller, status: string, now: Date = new Date()): Promise<void> {
    if (status !== 'inactive') throw badRequest('Invalid status value. Only "inactive" is allowed.')
    await this.database.transaction(async (tx) => {
      const provider = await this.provider(tx, caller)
      const current = (await this.repository.militaryAffiliations(tx, caller.providerId)).filter((row) => row.status === 'initializing' || row.status === 'active')
      await this.repository.setMilitaryStatuses(
        tx,
        current.map((row) => row.id),
        'inactive',
        now,
      )
      const removedValues = [...(provider.militaryStatus !== null ? ['militaryStatus'] : []), ...(provider.militaryStatusNote !== null ? ['militaryStatusNote'] : [])]
      await this.records.updateProvider(tx, caller.providerId, { militaryStatus: null, militaryStatusNote: null, providerDateOfUpdate: now, dateOfUpdate: now })
      await this.providerUpdate(tx, provider, 'militaryAffiliationEnded', {}, now, removedValues)
    })
  }

  /** `PATCH /v1/compacts/{c}/providers/{id}/militaryAudit` (compact admin): approve or decline, note, e-mail. */
  async audit(caller: StaffCaller, compactPath: string, providerIdPath: string, body: MilitaryAuditBody, now: Date = new Date()): Promise<void> {
    const compact = compactPath.toLowerCase()
    if (!isCompact(compact) || !mayAdministerCompact(caller.scopes, compact)) throw accessDenied()
    if (!UUID.test(providerIdPath)) throw badRequest('Invalid providerId provided')
    const providerId = providerIdPath.toLowerCase()
    const note = body.militaryStatusNote ?? ''
    let effects!: Effects
    await this.database.transaction(async (tx) => {
      effects = new Effects(tx, this.jobs, this.repository, now)
      const provider = await this.records.lockProvider(tx, providerId)
      if (!provider || provider.compact !== compact) throw notFound('Provider not found')
      if ((await this.repository.militaryAffiliations(tx, providerId)).length === 0) throw notFound('No military affiliation records found for this provider')
      await this.records.updateProvider(tx, providerId, { militaryStatus: body.militaryStatus, militaryStatusNote: note, providerDateOfUpdate: now, dateOfUpdate: now })
      await this.providerUpdate(tx, provider, 'militaryAudit', { militaryStatus: body.militaryStatus, militaryStatusNote: note }, now)
      await effects.event({
        name: 'militaryAffiliation.audit',
        payload: { compact, providerId, auditResult: body.militaryStatus, ...(body.militaryStatusNote !== undefined ? { auditNote: body.militaryStatusNote } : {}), eventTime: isoDateTime(now) },
      })
      if (provider.compactConnectRegisteredEmailAddress) {
        await effects.notify(
          body.militaryStatus === 'approved'
            ? { template: 'militaryAuditApprovedNotification', recipientType: 'SPECIFIC', compact, specificEmails: [provider.compactConnectRegisteredEmailAddress], templateVariables: {} }
            : {
                template: 'militaryAuditDeclinedNotification',
                recipientType: 'SPECIFIC',
                compact,
                specificEmails: [provider.compactConnectRegisteredEmailAddress],
                templateVariables: { auditNote: note },
              },
          `${providerId}:${now.getTime()}`,
        )
      }
    })
    await publishAll(this.events, this.log, effects.events)
  }

  /** A stored document's bytes. */
  async document(documentKey: string): Promise<Readable | undefined> {
    return this.store.get(documentKey)
  }

  /** `GET /v1/military-affiliation-documents?key&expires&signature`: a compact admin's download link (403 tampered or expired, 404 never uploaded). */
  async download(query: { key: string; expires: number; signature: string }, now: Date = new Date()): Promise<{ content: Readable; contentType: string }> {
    const documentKey = this.links.verify(query, now)
    const row = await this.repository.militaryDocument(this.database.db, documentKey)
    const content = row ? await this.store.get(documentKey) : undefined
    if (!row || !content) throw notFound('Document not found')
    return { content, contentType: row.contentType }
  }

  private async provider(tx: Db, caller: ProviderCaller): Promise<ProviderRow> {
    const provider = UUID.test(caller.providerId) ? await this.records.lockProvider(tx, caller.providerId) : undefined
    if (!provider || provider.compact !== caller.compact) throw internalError()
    return provider
  }

  private async providerUpdate(tx: Db, provider: ProviderRow, updateType: string, updatedValues: Record<string, unknown>, now: Date, removedValues: string[] = []): Promise<void> {
    await this.records.insertUpdateRecord(tx, {
      recordType: 'provider',
      providerId: provider.providerId,
      compact: provider.compact,
      updateType,
      previous: providerSnapshot(provider),
      updatedValues,
      removedValues: removedValues.length > 0 ? removedValues : null,
      createDate: now,
      effectiveDate: now,
      dateOfUpdate: now,
    })
  }
}
