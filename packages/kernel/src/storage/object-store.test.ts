import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { startS3Server, type LocalS3Server } from '../testing/s3-server/index.ts'
import { DiskObjectStore, ObjectTooLargeError, readObject, readS3StoreSettings, S3ObjectStore, type ObjectStore } from './index.ts'

/** A stream of `count` chunks of `size` bytes, made lazily (as an upload arrives). */
function chunks(count: number, size: number, fill = 0x61): Readable {
  let sent = 0
  return new Readable({
    read() {
      this.push(sent++ < count ? Buffer.alloc(size, fill) : null)
    },
  })
}

/** The one contract every object store keeps; `listKeys` looks behind the store at what it really holds. */
function objectStoreContract(name: string, open: () => Promise<{ store: ObjectStore; listKeys: () => Promise<string[]>; close: () => Promise<void> }>) {
  describe(`${name} object store`, () => {
    let store: ObjectStore
    let listKeys: () => Promise<string[]>
    let close: () => Promise<void>
    before(async () => ({ store, listKeys, close } = await open()))
    after(() => close())

    test('puts a stream and gets the same bytes back, resolving to the stored size', async () => {
      const size = await store.put('compact/aslp/provider/p1/document.pdf', chunks(3, 1000), { maxBytes: 10_000, contentType: 'application/pdf' })
      assert.equal(size, 3000)
      const back = await readObject(store, 'compact/aslp/provider/p1/document.pdf')
      assert.deepEqual(back, Buffer.alloc(3000, 0x61))
    })

    test('puts bytes and strings; a second put replaces the object', async () => {
      await store.put('results/one.json', '{"a":1}')
      await store.put('results/one.json', new Uint8Array(Buffer.from('{"a":2}')))
      assert.equal((await readObject(store, 'results/one.json'))?.toString(), '{"a":2}')
    })

    test('get of a missing key is undefined; delete of a missing key is fine', async () => {
      assert.equal(await store.get('nothing/here'), undefined)
      await store.delete('nothing/here')
    })

    test('delete removes the object', async () => {
      await store.put('to/delete.txt', 'x')
      await store.delete('to/delete.txt')
      assert.equal(await store.get('to/delete.txt'), undefined)
    })

    test('refuses a stream past the byte limit while it flows and keeps nothing under the key', async () => {
      const before = await listKeys()
      let produced = 0
      // 40 chunks of 1 MiB against a 2 MiB limit: the refusal must come long before the producer is done.
      const source = new Readable({
        read() {
          produced++
          this.push(produced <= 40 ? Buffer.alloc(1024 * 1024, 0x62) : null)
        },
      })
      await assert.rejects(store.put('too/large.bin', source, { maxBytes: 2 * 1024 * 1024 }), ObjectTooLargeError)
      assert.ok(produced < 40, `the store kept reading after the limit (${produced} chunks)`)
      assert.equal(await store.get('too/large.bin'), undefined)
      assert.deepEqual(await listKeys(), before)
    })

    test('a body of exactly the limit is accepted', async () => {
      assert.equal(await store.put('exact/limit.bin', chunks(4, 256), { maxBytes: 1024 }), 1024)
    })

    test('a failing source stream fails the put and stores nothing', async () => {
      const failing = new Readable({
        read() {
          this.destroy(new Error('client went away'))
        },
      })
      await assert.rejects(store.put('broken/upload.bin', failing, { maxBytes: 1000 }))
      assert.equal(await store.get('broken/upload.bin'), undefined)
    })

    test('a failed put leaves nothing under the key, not even the object it would have replaced', async () => {
      await store.put('replaced/object.bin', 'first version')
      const failing = new Readable({
        read() {
          this.push(Buffer.from('half of a second version'))
          this.destroy(new Error('client went away'))
        },
      })
      await assert.rejects(store.put('replaced/object.bin', failing))
      assert.equal(await store.get('replaced/object.bin'), undefined)
    })
  })
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

for (const layout of ['hashed', 'keys'] as const) {
  objectStoreContract(`disk (${layout})`, async () => {
    const root = await mkdtemp(join(tmpdir(), 'hearth-objects-'))
    return { store: new DiskObjectStore(root, { layout }), listKeys: () => filesUnder(root), close: () => rm(root, { recursive: true, force: true }) }
  })
}

let s3: LocalS3Server
objectStoreContract('S3 (local s3rver)', async () => {
  s3 ??= await startS3Server({ bucket: 'contract' })
  const store = new S3ObjectStore({ ...s3.settings, partSize: 5 * 1024 * 1024 })
  const listKeys = async () => ((await (await store.client()).send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((object) => object.Key!).sort()
  return { store, listKeys, close: () => s3.close() }
})

describe('disk layout by key', () => {
  test('stores under the key path and refuses keys that would leave the root', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hearth-objects-'))
    const store = new DiskObjectStore(root, { layout: 'keys' })
    await store.put('compact/aslp/reports/a.zip', 'zip')
    assert.deepEqual(await filesUnder(root), [join(root, 'compact', 'aslp', 'reports', 'a.zip')])
    for (const key of ['../escape', 'a//b', '/absolute', 'a/./b', '']) await assert.rejects(store.put(key, 'x'), /not storable/)
    await rm(root, { recursive: true, force: true })
  })
})

describe('S3 settings', () => {
  test('no bucket → no S3 store; endpoint without bucket is refused', () => {
    assert.equal(readS3StoreSettings({}), undefined)
    assert.throws(() => readS3StoreSettings({ S3_ENDPOINT: 'http://127.0.0.1:9000' }), /S3_BUCKET/)
  })

  test('an endpoint turns on path-style; credentials go in pairs', () => {
    const settings = readS3StoreSettings({ S3_BUCKET: 'b', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 's' })
    assert.deepEqual(settings, { endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', bucket: 'b', forcePathStyle: true, credentials: { accessKeyId: 'id', secretAccessKey: 's' } })
    assert.equal(readS3StoreSettings({ S3_BUCKET: 'b' })?.forcePathStyle, false)
    assert.throws(() => readS3StoreSettings({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' }), /S3_SECRET_ACCESS_KEY/)
  })
})
