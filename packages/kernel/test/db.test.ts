import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pgTable, serial, text } from 'drizzle-orm/pg-core'
import { EmbeddedHost, openDatabase, DataDirectoryLockedError, loadContribExtensions, lockDataDirectory, type MigrationSource } from '../src/db/index.ts'
import { createTestDatabase } from '../src/testing/index.ts'

const widgets = pgTable('widgets', { id: serial('id').primaryKey(), name: text('name').notNull() })
const fixture: MigrationSource = { owner: 'fixture', folder: join(import.meta.dirname, 'fixtures', 'migrations') }

test('a fresh test database is migrated and isolated per call', async () => {
  const first = await createTestDatabase({ schema: 'kernel_db_test', migrations: fixture })
  const second = await createTestDatabase({ schema: 'kernel_db_test', migrations: fixture })
  try {
    await first.db.insert(widgets).values({ name: 'only in first' })
    assert.equal((await first.db.select().from(widgets)).length, 2)
    assert.deepEqual(
      (await second.db.select().from(widgets)).map((row) => row.name),
      ['seeded'],
    )
  } finally {
    await first.close()
    await second.close()
  }
})

test('migrating twice applies each migration once', async () => {
  const database = await createTestDatabase({ schema: 'kernel_db_test', migrations: fixture })
  try {
    assert.deepEqual(await database.migrate([fixture]), [])
    assert.equal((await database.db.select().from(widgets)).length, 1)
  } finally {
    await database.close()
  }
})

test('a transaction that throws writes nothing', async () => {
  const database = await createTestDatabase({ schema: 'kernel_db_test', migrations: fixture })
  try {
    await assert.rejects(
      database.transaction(async (tx) => {
        await tx.insert(widgets).values({ name: 'lost' })
        throw new Error('boom')
      }),
      /boom/,
    )
    assert.equal((await database.db.select().from(widgets)).length, 1)
  } finally {
    await database.close()
  }
})

test('reset drops the data and restarts ids at 1', async () => {
  const database = await createTestDatabase({ schema: 'kernel_db_test', migrations: fixture })
  try {
    await database.db.insert(widgets).values({ name: 'gone after reset' })
    await database.reset([fixture])
    assert.deepEqual(await database.db.select().from(widgets), [{ id: 1, name: 'seeded' }])
  } finally {
    await database.close()
  }
})

test('apps sharing one embedded instance see only their own schema', async () => {
  const host = await EmbeddedHost.open()
  try {
    const one = await openDatabase({ url: undefined, schema: 'app_one', host })
    const two = await openDatabase({ url: undefined, schema: 'app_two', host })
    await one.migrate([fixture])
    await two.migrate([fixture])
    await one.db.insert(widgets).values({ name: 'one' })
    await Promise.all([two.db.insert(widgets).values({ name: 'two' }), one.transaction(async (tx) => tx.insert(widgets).values({ name: 'one again' }))])
    assert.deepEqual((await one.db.select().from(widgets)).map((row) => row.name).sort(), ['one', 'one again', 'seeded'])
    assert.deepEqual((await two.db.select().from(widgets)).map((row) => row.name).sort(), ['seeded', 'two'])
  } finally {
    await host.close()
  }
})

test('a second opener of one data directory is refused with a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-lock-'))
  const unlock = lockDataDirectory(dir)
  try {
    // Pretend another live process holds it: our parent process is alive.
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(dir, 'hearth.lock'), String(process.ppid))
    assert.throws(() => lockDataDirectory(dir), DataDirectoryLockedError)
    await assert.rejects(EmbeddedHost.open({ dataDir: dir }), /already open in process/)
  } finally {
    unlock()
  }
})

test('a stale lock of a dead process is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-lock-'))
  const { writeFileSync } = await import('node:fs')
  writeFileSync(join(dir, 'hearth.lock'), '999999999')
  const unlock = lockDataDirectory(dir)
  unlock()
})

test('a migration changed after it was applied is refused', async () => {
  const database = await createTestDatabase({ schema: 'kernel_db_test', migrations: fixture })
  try {
    const { cpSync, writeFileSync, readFileSync } = await import('node:fs')
    const edited = mkdtempSync(join(tmpdir(), 'hearth-migrations-'))
    cpSync(fixture.folder, edited, { recursive: true })
    const file = join(edited, '0000_widgets.sql')
    writeFileSync(file, readFileSync(file, 'utf8').replace("'seeded'", "'edited'"))
    await assert.rejects(database.migrate([{ owner: 'fixture', folder: edited }]), /fixture\/0000_widgets was changed after it was applied/)
  } finally {
    await database.close()
  }
})

test('an embedded database persists across a close and a reopen of its directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-persist-'))
  const first = await openDatabase({ url: undefined, schema: 'persisted', dataDir: dir })
  await first.migrate([fixture])
  await first.db.insert(widgets).values({ name: 'kept' })
  await first.close()
  const again = await openDatabase({ url: undefined, schema: 'persisted', dataDir: dir })
  try {
    assert.deepEqual(await again.migrate([fixture]), [], 'nothing to migrate the second time')
    assert.deepEqual(
      (await again.db.select().from(widgets)).map((row) => row.name),
      ['seeded', 'kept'],
    )
  } finally {
    await again.close()
  }
})

const serverUrl = process.env.TEST_DATABASE_URL || undefined

test('processes migrating one schema at once on a server apply each migration exactly once', { skip: serverUrl ? false : 'TEST_DATABASE_URL is not set (needs a PostgreSQL server)' }, async () => {
  const { randomBytes } = await import('node:crypto')
  const schema = `t_concurrent_${randomBytes(4).toString('hex')}`
  const handles = await Promise.all([1, 2, 3].map(() => openDatabase({ url: serverUrl, schema, poolSize: 2 })))
  try {
    const applied = await Promise.all(handles.map((database) => database.migrate([fixture])))
    assert.deepEqual(applied.flat(), ['fixture/0000_widgets'], 'one of them migrated, the others found nothing to do')
    assert.deepEqual(
      (await handles[0]!.db.select().from(widgets)).map((row) => row.name),
      ['seeded'],
    )
  } finally {
    await handles[0]!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await Promise.all(handles.map((database) => database.close()))
  }
})

test('PGlite contrib extensions load on request; a shared host without one an app needs is refused at open', async () => {
  const database = await openDatabase({ url: 'memory://', schema: 'kernel_ext_test', extensions: ['pg_trgm'] })
  try {
    await database.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public')
    assert.deepEqual(await database.query(`SELECT public.similarity('trigram', 'trigrams') > 0.5 AS close`), [{ close: true }])
  } finally {
    await database.close()
  }
  await assert.rejects(loadContribExtensions(['no_such_extension']), /has no contrib extension "no_such_extension"/)
  await assert.rejects(loadContribExtensions(['../pglite']), /invalid PGlite extension name/)
  const host = await EmbeddedHost.open()
  try {
    assert.deepEqual([...host.extensions], [])
    await assert.rejects(openDatabase({ url: undefined, schema: 'needs_trgm', host, extensions: ['pg_trgm'] }), /opened without the extension\(s\) pg_trgm/)
  } finally {
    await host.close()
  }
})
