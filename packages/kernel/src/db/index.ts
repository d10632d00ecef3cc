import { join } from 'node:path'
import type { PGlite, PGliteInterface } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { EmbeddedHost, quoteIdentifier } from './embedded.ts'
import { applyMigrations, readMigrations, type MigrationSource, type SqlRunner } from './migrate.ts'
import { registerStatementRunner, type Statement } from './statements.ts'

export { EmbeddedHost, DataDirectoryLockedError, lockDataDirectory, loadContribExtensions, quoteIdentifier } from './embedded.ts'
export { readMigrations, applyMigrations, type MigrationSource, type Migration } from './migrate.ts'
export { defineStatement, runStatement, selectColumns, insertRows, insertRowsParams, type Statement } from './statements.ts'
export { decodeDatabaseError, isDatabaseFailure, type DatabaseFailure, type DecodedDatabaseError } from './errors.ts'
export { sql, eq, and, or, not, asc, desc, inArray, isNull, isNotNull, gt, gte, lt, lte, ne, like, count } from 'drizzle-orm'

/** Drizzle over either driver. A transaction handle has the same type, so repositories take `Db`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, any>

export interface Database {
  readonly kind: 'embedded' | 'server'
  readonly schema: string
  readonly db: Db
  /** Plain SQL with $1 parameters; for migrations, seeds and the odd statement drizzle cannot say. */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>
  /** Runs `fn` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>
  /** Applies the given migration folders in order (kernel first, then the app). */
  migrate(sources: MigrationSource[]): Promise<string[]>
  /** Drops every table of this schema and migrates again: ids restart at 1 (QA seeding). */
  reset(sources: MigrationSource[]): Promise<void>
  /** Resolves when the database answers a trivial query; for `/ready`. */
  ping(): Promise<void>
  /** Embedded only: the whole data directory as a gzipped tarball (test fixtures, backups). */
  dumpEmbedded?(): Promise<Blob>
  close(): Promise<void>
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL, `memory://`, or undefined for an embedded database persisted in `dataDir`. */
  url: string | undefined
  schema: string
  /** Where an embedded database lives when `url` is undefined (and no host is shared). */
  dataDir?: string
  /** An embedded instance shared with other apps in this process (`npm start`). */
  host?: EmbeddedHost
  /** Connection pool size on a server. */
  poolSize?: number
  /** Raw data directory to start an embedded database from (tests). */
  loadDataDir?: Blob
  /** PGlite contrib extensions the embedded database loads (`MigrationSource.embeddedExtensions`); ignored on a server. */
  extensions?: readonly string[]
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url && /^postgres(ql)?:/.test(options.url)) return openServer(options.url, options.schema, options.poolSize)
  if (options.host) {
    const missing = (options.extensions ?? []).filter((name) => !options.host!.extensions.has(name))
    if (missing.length > 0) throw new Error(`the shared embedded database was opened without the extension(s) ${missing.join(', ')} that schema "${options.schema}" needs`)
    await options.host.pglite.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`)
    return embeddedDatabase(options.host.scoped(options.schema), options.schema, async () => {}, undefined)
  }
  const host = await EmbeddedHost.open({
    dataDir: options.url?.startsWith('memory:') ? undefined : options.dataDir,
    loadDataDir: options.loadDataDir,
    extensions: options.extensions,
  })
  // Alone on its instance: the search path is set once for the one session.
  await host.pglite.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}; SET search_path TO ${quoteIdentifier(options.schema)}, public`)
  return embeddedDatabase(
    host.pglite,
    options.schema,
    () => host.close(),
    () => host.pglite.dumpDataDir('gzip'),
  )
}

function embeddedDatabase(client: PGliteInterface, schema: string, close: () => Promise<void>, dumpEmbedded: (() => Promise<Blob>) | undefined): Database {
  const db = drizzlePglite(client as PGlite) as unknown as Db
  registerStatementRunner(db, async (statement, params) => (await client.query(statement.text, params)).rows)
  const inTransaction = <T>(fn: (runner: SqlRunner) => Promise<T>) =>
    client.transaction((tx) => fn({ query: (text, params) => tx.query(text, params) as Promise<{ rows: Record<string, unknown>[] }> }))
  return databaseFrom({
    kind: 'embedded',
    schema,
    db,
    query: async (text, params) => (await client.query(text, params)).rows as never[],
    inTransaction,
    close,
    dumpEmbedded,
  })
}

async function openServer(url: string, schema: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    options: `-c search_path=${quoteIdentifier(schema)},public`,
  })
  pool.on('error', () => {}) // an idle client dropped by the server is replaced on next use
  // CREATE SCHEMA IF NOT EXISTS is not safe against itself: copies starting together on an empty
  // database would fail with a duplicate key. Take the schema's migration lock for it.
  const setup = await pool.connect()
  try {
    await setup.query('BEGIN')
    await setup.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`hearth-migrate:${schema}`])
    await setup.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`)
    await setup.query('COMMIT')
  } catch (error) {
    await setup.query('ROLLBACK').catch(() => {})
    await pool.end()
    throw error
  } finally {
    setup.release()
  }
  const db = drizzlePg(pool) as unknown as Db
  const runNamed = async (client: pg.Pool | pg.PoolClient, statement: Statement, params: unknown[]) => (await client.query({ name: statement.name, text: statement.text, values: params })).rows
  registerStatementRunner(db, (statement, params) => runNamed(pool, statement, params))
  // A transaction takes a connection of its own and runs drizzle over it (one drizzle handle per
  // pooled connection, kept as long as the connection lives), so its named statements are prepared
  // on that connection too: the hot write paths run under row locks, where parsing, planning and
  // building each statement again is time every queued writer waits for.
  const onConnection = new WeakMap<pg.PoolClient, Db>()
  const transaction = async <T>(fn: (tx: Db) => Promise<T>): Promise<T> => {
    const client = await pool.connect()
    try {
      let connectionDb = onConnection.get(client)
      if (!connectionDb) onConnection.set(client, (connectionDb = drizzlePg(client) as unknown as Db))
      return await connectionDb.transaction((tx) => {
        registerStatementRunner(tx as unknown as Db, (statement, params) => runNamed(client, statement, params))
        return fn(tx as unknown as Db)
      })
    } finally {
      client.release()
    }
  }
  const inTransaction = async <T>(fn: (runner: SqlRunner) => Promise<T>): Promise<T> => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn({ query: (text, params) => client.query(text, params) })
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }
  return databaseFrom({
    kind: 'server',
    schema,
    db,
    query: async (text, params) => (await pool.query(text, params)).rows,
    transaction,
    inTransaction,
    close: () => pool.end(),
  })
}

function databaseFrom(parts: {
  kind: Database['kind']
  schema: string
  db: Db
  query: Database['query']
  /** The driver's own transaction, when it has a better one than drizzle's on `db`. */
  transaction?: Database['transaction']
  inTransaction: <T>(fn: (runner: SqlRunner) => Promise<T>) => Promise<T>
  close: () => Promise<void>
  dumpEmbedded?: () => Promise<Blob>
}): Database {
  const { schema, inTransaction } = parts
  const migrate = (sources: MigrationSource[]) => inTransaction((runner) => applyMigrations(runner, schema, sources.flatMap(readMigrations)))
  let closed = false
  return {
    kind: parts.kind,
    schema,
    db: parts.db,
    query: parts.query,
    transaction: parts.transaction ?? ((fn) => parts.db.transaction((tx) => fn(tx as unknown as Db))),
    migrate,
    async reset(sources) {
      await inTransaction(async (runner) => {
        await runner.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`hearth-migrate:${schema}`])
        await runner.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`)
        await runner.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`)
      })
      await migrate(sources)
    },
    async ping() {
      await parts.query('SELECT 1')
    },
    dumpEmbedded: parts.dumpEmbedded,
    async close() {
      if (closed) return
      closed = true
      await parts.close()
    },
  }
}

/** The kernel's own tables (audit, jobs, push subscriptions, …), migrated into every app's schema. */
export const kernelMigrations: MigrationSource = {
  owner: 'kernel',
  folder: join(import.meta.dirname, '..', '..', 'migrations'),
}
