import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { kernelMigrations, openDatabase, quoteIdentifier, readMigrations, type Database, type MigrationSource } from '../db/index.ts'

/** Environment the test kit reads: a real server replaces the embedded database when set. */
export const testDatabaseUrl = (): string | undefined => process.env.TEST_DATABASE_URL || undefined
export const testRedisUrl = (): string | undefined => process.env.TEST_REDIS_URL || undefined

/**
 * A fresh, migrated database for one test file, in well under a second.
 * Embedded: the migrated data directory is built once per set of migrations, dumped to a cache
 * file, and loaded into a new in-memory instance each time. Server (`TEST_DATABASE_URL`): a new,
 * uniquely named schema is created and migrated, and dropped again on close.
 */
export async function createTestDatabase(options: { schema: string; migrations: MigrationSource }): Promise<Database> {
  const sources = [kernelMigrations, options.migrations]
  const serverUrl = testDatabaseUrl()
  if (serverUrl) {
    const schema = `t_${options.schema}_${randomBytes(5).toString('hex')}`
    const database = await openDatabase({ url: serverUrl, schema, poolSize: 5 })
    await database.migrate(sources)
    const close = database.close.bind(database)
    return Object.assign(database, {
      async close() {
        await database.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`).catch(() => {})
        await close()
      },
    })
  }
  const dump = await migratedDump(options.schema, sources)
  return openDatabase({ url: 'memory://', schema: options.schema, loadDataDir: dump, extensions: embeddedExtensions(sources) })
}

const embeddedExtensions = (sources: MigrationSource[]) => sources.flatMap((source) => source.embeddedExtensions ?? [])

async function migratedDump(schema: string, sources: MigrationSource[]): Promise<Blob> {
  const fingerprint = createHash('sha256')
  fingerprint.update(`${schema}\0`)
  for (const migration of sources.flatMap(readMigrations)) fingerprint.update(`${migration.owner}/${migration.tag}:${migration.hash}\0`)
  const directory = join(tmpdir(), 'hearth-test-databases')
  const file = join(directory, `${schema}-${fingerprint.digest('hex').slice(0, 16)}.tar.gz`)
  if (existsSync(file)) return new Blob([readFileSync(file)])
  const database = await openDatabase({ url: 'memory://', schema, extensions: embeddedExtensions(sources) })
  await database.migrate(sources)
  const blob = await database.dumpEmbedded!()
  await database.close()
  mkdirSync(directory, { recursive: true })
  const partial = `${file}.${process.pid}.partial`
  writeFileSync(partial, Buffer.from(await blob.arrayBuffer()))
  renameSync(partial, file) // atomic: parallel test files never read a half-written dump
  return blob
}
