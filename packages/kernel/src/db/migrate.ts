import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** A folder written by `drizzle-kit generate`: NNNN_name.sql files listed in meta/_journal.json. */
export interface MigrationSource {
  /** Who owns these tables: "kernel" or the app's name. Tracked separately per owner. */
  owner: string
  folder: string
  /**
   * PGlite contrib extensions these migrations create (`CREATE EXTENSION …`), e.g. `['pg_trgm']`: the
   * embedded database loads them when it opens. A PostgreSQL server must have them installed (contrib).
   */
  embeddedExtensions?: readonly string[]
}

export interface Migration {
  owner: string
  tag: string
  hash: string
  statements: string[]
}

interface Journal {
  entries: { idx: number; tag: string }[]
}

export function readMigrations(source: MigrationSource): Migration[] {
  const journalPath = join(source.folder, 'meta', '_journal.json')
  if (!existsSync(journalPath)) return []
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as Journal
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map((entry) => {
      const text = readFileSync(join(source.folder, `${entry.tag}.sql`), 'utf8')
      return {
        owner: source.owner,
        tag: entry.tag,
        hash: createHash('sha256').update(text).digest('hex'),
        statements: text
          .split('--> statement-breakpoint')
          .map((statement) => statement.trim())
          .filter(Boolean),
      }
    })
}

/** The minimal surface the migrator needs; both drivers provide it through `Database.runInTransaction`. */
export interface SqlRunner {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
}

export const MIGRATIONS_TABLE = 'hearth_migrations'

/**
 * Applies what is missing, in order, inside one transaction holding an advisory lock on the schema,
 * so several processes starting at once migrate exactly once. A changed, already-applied file is
 * refused: migrations are append-only.
 */
export async function applyMigrations(tx: SqlRunner, schema: string, migrations: Migration[]): Promise<string[]> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`hearth-migrate:${schema}`])
  await tx.query(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
       owner text NOT NULL, tag text NOT NULL, hash text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (owner, tag))`,
  )
  const { rows } = await tx.query(`SELECT owner, tag, hash FROM ${MIGRATIONS_TABLE}`)
  const applied = new Map(rows.map((row) => [`${row.owner}/${row.tag}`, row.hash as string]))
  const done: string[] = []
  for (const migration of migrations) {
    const key = `${migration.owner}/${migration.tag}`
    const knownHash = applied.get(key)
    if (knownHash !== undefined) {
      if (knownHash !== migration.hash) {
        throw new Error(`migration ${key} was changed after it was applied; add a new migration instead`)
      }
      continue
    }
    for (const statement of migration.statements) await tx.query(statement)
    await tx.query(`INSERT INTO ${MIGRATIONS_TABLE} (owner, tag, hash) VALUES ($1, $2, $3)`, [migration.owner, migration.tag, migration.hash])
    done.push(key)
  }
  return done
}
