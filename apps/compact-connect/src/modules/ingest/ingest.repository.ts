import { and, asc, defineStatement, eq, runStatement, sql, type Db } from '@hearth/kernel'
import { dataEvents, licenseUploads, uploadBatches, uploadChunks } from '../../db/schema.ts'
import { jsonRows, recordsetOf, type RecordsetRow } from '../licenses/licenses.repository.ts'

const newEvents = recordsetOf(dataEvents, ['compact', 'jurisdiction', 'eventType', 'eventTime', 'uploadId', 'detail', 'expiresAt'])
const INSERT_DATA_EVENTS = defineStatement('cc_ingest_insert_data_events', `INSERT INTO data_events (${newEvents.columns}) SELECT ${newEvents.values} FROM ${newEvents.from}`)

export type DataEventInsert = typeof dataEvents.$inferInsert
export type DataEventRow = typeof dataEvents.$inferSelect
export type LicenseUploadRow = typeof licenseUploads.$inferSelect

/** Ingest bookkeeping: CSV uploads with their progress, and the data-events record (§1.12, §5). */
export class IngestRepository {
  async insertDataEvents(db: Db, rows: readonly RecordsetRow<DataEventInsert>[]): Promise<void> {
    if (rows.length === 0) return
    await runStatement(db, INSERT_DATA_EVENTS, [jsonRows(rows)])
  }

  /** Claims one batch of an upload in the caller's transaction: false when it committed before (skip it). */
  async claimBatch(db: Db, uploadId: string, batch: number): Promise<boolean> {
    const rows = await db.insert(uploadBatches).values({ uploadId, batch }).onConflictDoNothing().returning({ batch: uploadBatches.batch })
    return rows.length === 1
  }

  /** The batches of an upload that committed already (a retried job skips them without a transaction). */
  async committedBatches(db: Db, uploadId: string): Promise<Set<number>> {
    const rows = await db.select({ batch: uploadBatches.batch }).from(uploadBatches).where(eq(uploadBatches.uploadId, uploadId))
    return new Set(rows.map((row) => row.batch))
  }

  async dataEventsOfUpload(db: Db, uploadId: string, eventType: string, limit: number): Promise<DataEventRow[]> {
    return db
      .select()
      .from(dataEvents)
      .where(and(eq(dataEvents.uploadId, uploadId), eq(dataEvents.eventType, eventType)))
      .orderBy(asc(dataEvents.id))
      .limit(limit)
  }

  /** Creates the upload; false when its object key was used before (a policy is single-use). */
  async createUpload(db: Db, values: { uploadId: string; compact: string; jurisdiction: string; objectKey: string }): Promise<boolean> {
    const rows = await db
      .insert(licenseUploads)
      .values({ ...values, status: 'processing' })
      .onConflictDoNothing()
      .returning({ uploadId: licenseUploads.uploadId })
    return rows.length === 1
  }

  async addProgress(db: Db, uploadId: string, progress: { read: number; valid: number; invalid: number }): Promise<void> {
    await db
      .update(licenseUploads)
      .set({
        rowsRead: sql`${licenseUploads.rowsRead} + ${progress.read}`,
        rowsValid: sql`${licenseUploads.rowsValid} + ${progress.valid}`,
        rowsInvalid: sql`${licenseUploads.rowsInvalid} + ${progress.invalid}`,
      })
      .where(eq(licenseUploads.uploadId, uploadId))
  }

  async finishUpload(db: Db, uploadId: string, status: 'processed' | 'failed', failure: string | null): Promise<void> {
    await db.update(licenseUploads).set({ status, failure, finishedAt: new Date() }).where(eq(licenseUploads.uploadId, uploadId))
  }

  async insertChunk(db: Db, uploadId: string, sequence: number, data: Buffer): Promise<void> {
    await db.insert(uploadChunks).values({ uploadId, sequence, data })
  }

  async chunk(db: Db, uploadId: string, sequence: number): Promise<Buffer | undefined> {
    const [row] = await db
      .select({ data: uploadChunks.data })
      .from(uploadChunks)
      .where(and(eq(uploadChunks.uploadId, uploadId), eq(uploadChunks.sequence, sequence)))
    return row?.data
  }

  async deleteChunks(db: Db, uploadId: string): Promise<void> {
    await db.delete(uploadChunks).where(eq(uploadChunks.uploadId, uploadId))
  }

  async setStatus(db: Db, uploadId: string, status: string): Promise<void> {
    await db.update(licenseUploads).set({ status }).where(eq(licenseUploads.uploadId, uploadId))
  }

  async upload(db: Db, compact: string, jurisdiction: string, uploadId: string): Promise<LicenseUploadRow | undefined> {
    const [row] = await db
      .select()
      .from(licenseUploads)
      .where(and(eq(licenseUploads.uploadId, uploadId), eq(licenseUploads.compact, compact), eq(licenseUploads.jurisdiction, jurisdiction)))
    return row
  }
}
