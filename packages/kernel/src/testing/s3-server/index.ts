import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'
import type { S3StoreSettings } from '../../storage/index.ts'

export interface LocalS3Server {
  /** `http://127.0.0.1:<port>`, for `S3_ENDPOINT`. */
  endpoint: string
  bucket: string
  /** The server's only credentials (s3rver checks request signatures against them). */
  accessKeyId: string
  secretAccessKey: string
  /** The `S3_*` variables that point an app at this server. */
  env: Record<string, string>
  settings: S3StoreSettings
  close(): Promise<void>
}

/**
 * A real S3-protocol server (s3rver) on 127.0.0.1, files under a temporary directory, with `bucket` created: the
 * AWS SDK signs and sends real requests to it.
 */
export async function startS3Server(options: { bucket?: string } = {}): Promise<LocalS3Server> {
  const bucket = options.bucket ?? 'hearth-test'
  const directory = await mkdtemp(join(tmpdir(), 'hearth-s3-'))
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] })
  const address = (await server.run()) as AddressInfo
  const endpoint = `http://127.0.0.1:${address.port}`
  const accessKeyId = 'S3RVER'
  const secretAccessKey = 'S3RVER'
  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    env: { S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey },
    settings: { endpoint, bucket, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } },
    async close() {
      await server.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
