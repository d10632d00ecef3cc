import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { S3Client } from '@aws-sdk/client-s3'
import { ConfigError, EnvReader, type EnvSource } from '../config/index.ts'

/**
 * Where an app keeps files (the original's S3 buckets): documents, generated reports, job results. Keys are the
 * original's object keys (`a/b/c.zip`); a store maps them to its own layout.
 */
export interface ObjectStore {
  /**
   * Stores `content` under `key` and resolves to the stored size. With `maxBytes`, the stream is counted as it
   * flows and refused with `ObjectTooLargeError` past the limit; nothing is kept under the key then.
   */
  put(key: string, content: Readable | Uint8Array | string, options?: PutOptions): Promise<number>
  /** The object's bytes as a stream, or `undefined` when there is none. */
  get(key: string): Promise<Readable | undefined>
  delete(key: string): Promise<void>
  /** A short description for logs and banners (`disk:/path`, `s3://bucket`). */
  readonly location: string
}

export interface PutOptions {
  maxBytes?: number
  contentType?: string
}

export class ObjectTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`object exceeds the size limit of ${maxBytes} bytes`)
    this.name = 'ObjectTooLargeError'
  }
}

/** Reads a stored object whole (small objects: results files, reports in tests). */
export async function readObject(store: ObjectStore, key: string): Promise<Buffer | undefined> {
  const stream = await store.get(key)
  if (!stream) return undefined
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}

/** @internal for s3.ts */
export function toStream(content: Readable | Uint8Array | string): Readable {
  if (content instanceof Readable) return content
  return Readable.from([typeof content === 'string' ? Buffer.from(content) : Buffer.from(content)])
}

/** Counts bytes as they pass and fails the pipeline past `maxBytes`, so no stored copy ever exceeds it. */
/** @internal for s3.ts */
export function byteLimit(maxBytes: number | undefined, counted: { size: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counted.size += chunk.length
      if (maxBytes !== undefined && counted.size > maxBytes) callback(new ObjectTooLargeError(maxBytes))
      else callback(null, chunk)
    },
  })
}

export interface DiskObjectStoreOptions {
  /**
   * `hashed` (default): each object is a file named by the SHA-256 of its key, so no key can name a path outside
   * the root. `keys`: the key's segments are the path under the root (operators can browse it); keys with empty,
   * `.` or `..` segments are refused.
   */
  layout?: 'hashed' | 'keys'
}

/** Objects as files under one root directory; processes sharing the directory share the objects. */
export class DiskObjectStore implements ObjectStore {
  private readonly root: string
  private readonly layout: 'hashed' | 'keys'

  constructor(root: string, options: DiskObjectStoreOptions = {}) {
    this.root = resolve(root)
    this.layout = options.layout ?? 'hashed'
  }

  get location(): string {
    return `disk:${this.root}`
  }

  private fileOf(key: string): string {
    if (this.layout === 'hashed') {
      const digest = createHash('sha256').update(key).digest('hex')
      return join(this.root, digest.slice(0, 2), digest)
    }
    const segments = key.split('/')
    if (key === '' || segments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('\\') || segment.includes('\0'))) {
      throw new Error(`object key not storable on disk: ${JSON.stringify(key)}`)
    }
    const file = join(this.root, ...segments)
    if (!file.startsWith(this.root + sep)) throw new Error(`object key not storable on disk: ${JSON.stringify(key)}`)
    return file
  }

  /**
   * Writes a temporary file beside the object's and renames it into place once every byte is on disk, so a reader
   * never sees half an object. A failed put removes the object under the key, as the S3 store does.
   */
  async put(key: string, content: Readable | Uint8Array | string, options: PutOptions = {}): Promise<number> {
    const file = this.fileOf(key)
    await mkdir(dirname(file), { recursive: true })
    const partial = `${file}.${randomUUID()}.partial`
    const counted = { size: 0 }
    const sink = createWriteStream(partial)
    try {
      await pipeline(toStream(content), byteLimit(options.maxBytes, counted), sink)
      await rename(partial, file)
    } catch (error) {
      // pipeline rejects as soon as the source fails, possibly before the sink has even opened its file: removing it
      // before the sink has closed could run first and leave the file behind.
      if (!sink.closed) await once(sink, 'close').catch(() => undefined)
      await Promise.all([rm(partial, { force: true }), rm(file, { force: true })])
      throw error
    }
    return counted.size
  }

  async get(key: string): Promise<Readable | undefined> {
    const file = this.fileOf(key)
    try {
      if (!(await stat(file)).isFile()) return undefined
    } catch {
      return undefined
    }
    return createReadStream(file)
  }

  async delete(key: string): Promise<void> {
    await rm(this.fileOf(key), { force: true })
  }
}

export interface S3StoreSettings {
  /** S3-compatible endpoint (`http://127.0.0.1:9000` for MinIO); unset → AWS's regional endpoint. */
  endpoint?: string
  region: string
  bucket: string
  /** Path-style URLs (`endpoint/bucket/key`), which MinIO and most S3-compatibles need. */
  forcePathStyle: boolean
  /** Static credentials; unset → the AWS SDK's default chain (environment, instance role, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  /** Upload part size in bytes (≥ 5 MiB, S3's minimum part). */
  partSize?: number
}

/**
 * The S3 settings under `prefix` (default `S3`): `S3_BUCKET` (unset → no S3 store), `S3_ENDPOINT`, `S3_REGION`
 * (default `us-east-1`), `S3_FORCE_PATH_STYLE` (default: on when an endpoint is given), `S3_ACCESS_KEY_ID` and
 * `S3_SECRET_ACCESS_KEY` (each also as `_FILE`; give both or neither), `S3_SESSION_TOKEN`.
 */
export function readS3StoreSettings(source: EnvSource, prefix = 'S3'): S3StoreSettings | undefined {
  const env = new EnvReader(source)
  const bucket = env.string(`${prefix}_BUCKET`)
  const endpoint = env.url(`${prefix}_ENDPOINT`, ['http:', 'https:'])
  if (bucket === undefined) {
    if (endpoint !== undefined) throw new ConfigError(`${prefix}_BUCKET`, `is required when ${prefix}_ENDPOINT is set`)
    return undefined
  }
  const accessKeyId = env.string(`${prefix}_ACCESS_KEY_ID`)
  const secretAccessKey = env.string(`${prefix}_SECRET_ACCESS_KEY`)
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError(accessKeyId === undefined ? `${prefix}_ACCESS_KEY_ID` : `${prefix}_SECRET_ACCESS_KEY`, `${prefix}_ACCESS_KEY_ID and ${prefix}_SECRET_ACCESS_KEY go together`)
  }
  const sessionToken = env.string(`${prefix}_SESSION_TOKEN`)
  return {
    endpoint,
    region: env.string(`${prefix}_REGION`, 'us-east-1')!,
    bucket,
    forcePathStyle: env.bool(`${prefix}_FORCE_PATH_STYLE`, endpoint !== undefined),
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } : undefined,
  }
}

/**
 * Objects in one S3 (or S3-compatible) bucket, through the official AWS SDK (`s3.ts`). The SDK is loaded on first use,
 * so an app that keeps its objects on disk, or has not touched the bucket yet, does not carry it in memory.
 */
export class S3ObjectStore implements ObjectStore {
  private store: Promise<import('./s3.ts').SdkS3ObjectStore> | undefined

  constructor(private readonly settings: S3StoreSettings) {}

  private loaded(): Promise<import('./s3.ts').SdkS3ObjectStore> {
    return (this.store ??= import('./s3.ts').then(({ SdkS3ObjectStore }) => new SdkS3ObjectStore(this.settings)))
  }

  get location(): string {
    return `s3://${this.settings.bucket}`
  }

  /** The SDK client (tests list a bucket with it). */
  async client(): Promise<S3Client> {
    return (await this.loaded()).client
  }

  async put(key: string, content: Readable | Uint8Array | string, options: PutOptions = {}): Promise<number> {
    return (await this.loaded()).put(key, content, options)
  }

  async get(key: string): Promise<Readable | undefined> {
    return (await this.loaded()).get(key)
  }

  async delete(key: string): Promise<void> {
    return (await this.loaded()).delete(key)
  }
}
