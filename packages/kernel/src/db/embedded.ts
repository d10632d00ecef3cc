import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite, type PGliteInterface, type Transaction } from '@electric-sql/pglite'

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

/**
 * One embedded PostgreSQL (PGlite) that several apps share, each in its own schema. PGlite has a
 * single session, so a scoped client runs every statement inside a short transaction that first
 * sets `search_path` locally: apps can never see each other's tables, whatever the interleaving.
 */
export class EmbeddedHost {
  private constructor(
    readonly pglite: PGlite,
    private readonly unlock: () => void,
  ) {}

  static async open(options: { dataDir?: string; loadDataDir?: Blob | File } = {}): Promise<EmbeddedHost> {
    const unlock = options.dataDir ? lockDataDirectory(options.dataDir) : () => {}
    try {
      const pglite = await PGlite.create({
        dataDir: options.dataDir,
        loadDataDir: options.loadDataDir,
        relaxedDurability: true,
      })
      return new EmbeddedHost(pglite, unlock)
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
