import type { Readable } from 'node:stream'
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { byteLimit, ObjectTooLargeError, toStream, type ObjectStore, type PutOptions, type S3StoreSettings } from './index.ts'

const isMissing = (error: unknown) => error instanceof NoSuchKey || (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata?.httpStatusCode === 404))

/**
 * Objects in one S3 (or S3-compatible) bucket, through the official AWS SDK. Uploads stream through `lib-storage`'s
 * `Upload` (multipart past one part) behind a byte counter, so an oversized body fails mid-stream: the multipart
 * upload is aborted and nothing is left under the key.
 */
export class SdkS3ObjectStore implements ObjectStore {
  readonly client: S3Client
  private readonly bucket: string
  private readonly partSize: number

  constructor(settings: S3StoreSettings) {
    this.bucket = settings.bucket
    this.partSize = Math.max(settings.partSize ?? 8 * 1024 * 1024, 5 * 1024 * 1024)
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      // Checksums only where S3 requires them: many S3-compatible servers refuse the SDK's default trailing CRC.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })
  }

  get location(): string {
    return `s3://${this.bucket}`
  }

  async put(key: string, content: Readable | Uint8Array | string, options: PutOptions = {}): Promise<number> {
    const counted = { size: 0 }
    const limited = byteLimit(options.maxBytes, counted)
    const source = toStream(content)
    source.on('error', (error) => limited.destroy(error))
    source.pipe(limited)
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: limited, ContentType: options.contentType },
      partSize: this.partSize,
      queueSize: 2,
      leavePartsOnError: false,
    })
    try {
      await upload.done()
    } catch (error) {
      source.unpipe(limited)
      source.destroy()
      // A refused body never completes the upload, but an earlier object under the key is gone as on disk.
      await this.delete(key).catch(() => undefined)
      throw limited.errored instanceof ObjectTooLargeError ? limited.errored : error
    }
    return counted.size
  }

  async get(key: string): Promise<Readable | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      return response.Body as Readable | undefined
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
  }
}
