import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite, type Extension, type PGliteInterface, type Transaction } from '@electric-sql/pglite'

export class DataDirectoryLockedError extends Error {
  constructor(dir: string, pid: string) {
    super(
      `The embedded database in ${dir} is already open in process ${pid}. Two processes on one ` +
        `embedded database would lose writes: stop the other one, use another DATA_DIR, or set ` +
        `DATABASE_URL to a PostgreSQL server to run several processes.`,
    )
    this.name = 'DataDirectoryLockedError'
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes `dir/hearth.lock` for this process, or refuses when a live process holds it. */
export function lockDataDirectory(dir: string): () => void {
  mkdirSync(dir, { recursive: true })
  const lockPath = join(dir, 'hearth.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(lockPath, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readFileSync(lockPath, 'utf8').trim()
      if (holder && Number(holder) !== process.pid && processAlive(Number(holder))) {
        throw new DataDirectoryLockedError(dir, holder)
      }
      rmSync(lockPath, { force: true }) // a stale lock from a process that died
    }
  }
  throw new Error(`could not take the lock ${lockPath}`)
}

const CONTRIB_NAME = /^[a-z][a-z0-9_]{0,62}$/

/**
 * Loads PGlite contrib extensions by their PostgreSQL names (`pg_trgm`, `unaccent`, …: the modules of
 * `@electric-sql/pglite/contrib/*`). An app's migrations still run `CREATE EXTENSION`; this only makes the
 * extension's files available to the embedded instance, as a server's installed contrib package does.
 */
export async function loadContribExtensions(names: readonly string[]): Promise<Record<string, Extension>> {
  const extensions: Record<string, Extension> = {}
  for (const name of new Set(names)) {
    if (!CONTRIB_NAME.test(name)) throw new Error(`invalid PGlite extension name: ${name}`)
    let module: Record<string, unknown>
    try {
      module = (await import(`@electric-sql/pglite/contrib/${name}`)) as Record<string, unknown>
    } catch {
      throw new Error(`PGlite has no contrib extension "${name}" (see node_modules/@electric-sql/pglite/dist/contrib)`)
    }
    const extension = module[name]
    if (extension === undefined) throw new Error(`@electric-sql/pglite/contrib/${name} exports no "${name}" extension`)
    extensions[name] = extension as Extension
  }
  return extensions
}

/**
 * One embedded PostgreSQL (PGlite) that several apps share, each in its own schema. PGlite has a
 * single session, so a scoped client runs every statement inside a short transaction that first
 * sets `search_path` locally: apps can never see each other's tables, whatever the interleaving.
 */
export class EmbeddedHost {
  private constructor(
    readonly pglite: PGlite,
    private readonly unlock: () => void,
    /** The contrib extensions this instance was opened with (an app's migrations may create only these). */
    readonly extensions: ReadonlySet<string>,
  ) {}

  /** `extensions`: PGlite contrib extensions to load (`loadContribExtensions`); none by default. */
  static async open(options: { dataDir?: string; loadDataDir?: Blob | File; extensions?: readonly string[] } = {}): Promise<EmbeddedHost> {
    const unlock = options.dataDir ? lockDataDirectory(options.dataDir) : () => {}
    try {
      const extensions = options.extensions?.length ? await loadContribExtensions(options.extensions) : undefined
      const pglite = await PGlite.create({
        dataDir: options.dataDir,
        loadDataDir: options.loadDataDir,
        relaxedDurability: true,
        ...(extensions ? { extensions } : {}),
      })
      return new EmbeddedHost(pglite, unlock, new Set(options.extensions ?? []))
    } catch (error) {
      unlock()
      throw error
    }
  }

  /** A client that only sees `schema` (plus `public`), for drizzle's PGlite driver. */
  scoped(schema: string): PGliteInterface {
    return scopedClient(this.pglite, schema)
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close()
    this.unlock()
  }
}

export const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`

function scopedClient(pglite: PGlite, schema: string): PGliteInterface {
  const setPath = `SET LOCAL search_path TO ${quoteIdentifier(schema)}, public`
  const inScope = async <T>(fn: (tx: Transaction) => Promise<T>): Promise<T> =>
    pglite.transaction(async (tx) => {
      await tx.exec(setPath)
      return fn(tx)
    })
  // Only what drizzle's PGlite session and our migrator call is overridden; the rest passes through.
  return new Proxy(pglite, {
    get(target, property, receiver) {
      if (property === 'query') return (...args: Parameters<PGlite['query']>) => inScope((tx) => tx.query(...args))
      if (property === 'sql') return undefined
      if (property === 'exec') return (...args: Parameters<PGlite['exec']>) => inScope((tx) => tx.exec(...args))
      if (property === 'transaction') return (fn: (tx: Transaction) => Promise<unknown>) => inScope(fn)
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as unknown as PGliteInterface
}

export function embeddedDirectoryExists(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'))
}
