import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/**
 * Where military affiliation documents live (the original's provider-user S3 bucket). Keys are the original's
 * document keys (`compact/{c}/provider/{id}/document-type/military-affiliations/…`).
 */
export interface DocumentStore {
  /** Stores the stream under `key`; refuses (and keeps nothing) past `maxBytes`. Resolves to the stored size. */
  put(key: string, content: Readable, maxBytes: number): Promise<number>
  get(key: string): Promise<Readable | undefined>
  delete(key: string): Promise<void>
}

export class DocumentTooLargeError extends Error {
  constructor() {
    super('document exceeds the size limit')
  }
}

/**
 * Documents on local disk under one root (`DATA_DIR/documents`). A key is stored under the SHA-256 of the key, so no
 * key can name a path outside the root; processes sharing the data directory share the documents.
 */
export class DiskDocumentStore implements DocumentStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): { directory: string; file: string } {
    const digest = createHash('sha256').update(key).digest('hex')
    const directory = join(this.root, digest.slice(0, 2))
    return { directory, file: join(directory, digest) }
  }

  async put(key: string, content: Readable, maxBytes: number): Promise<number> {
    const { directory, file } = this.pathOf(key)
    await mkdir(directory, { recursive: true })
    let size = 0
    try {
      await pipeline(
        content,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length
            if (size > maxBytes) throw new DocumentTooLargeError()
            yield chunk
          }
        },
        createWriteStream(file),
      )
    } catch (error) {
      await rm(file, { force: true })
      throw error
    }
    return size
  }

  async get(key: string): Promise<Readable | undefined> {
    const { file } = this.pathOf(key)
    try {
      await stat(file)
    } catch {
      return undefined
    }
    return createReadStream(file)
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key).file, { force: true })
  }
}
