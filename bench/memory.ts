// `npm run bench -- memory`: what `npm start` costs in memory. Starts scripts/start.ts (every app and
// the portal in one process on the embedded database, demo seeds) exactly as a developer would, waits
// until the portal reports every app up, sends each app a stream of its public reads for a while, and
// records the peak resident set of the process tree in bench/RESULTS.md (section `memory`).
// Issue 12's bound: ≤ 1.5 GB. (One app on a PostgreSQL server under load is the "peak RSS" column
// of each scenario's own section.)
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadAppModules } from '../scripts/apps.ts'
import { currentLoad, repositoryRoot } from './lib/environment.ts'
import { replaceSection } from './lib/results.ts'
import { freePort, startServer } from './lib/servers.ts'
import { hearthNodeFlags } from './lib/scenario.ts'

const LIMIT_BYTES = 1.5 * 1024 ** 3
const LOAD_SECONDS = Number(process.env.BENCH_DURATION ?? 8) * 3

/** Public reads every app answers without credentials (health, the API contract, the home lists). */
const reads: Record<string, string[]> = {
  devmarkt: ['/health', '/docs/json'],
  'send-a-hug': ['/health', '/', '/posts/new?page=1', '/posts/suggested?page=1'],
  raise: ['/health', '/docs/json'],
  gom: ['/health', '/auth/ping'],
  'compact-connect': ['/health', '/docs/json'],
}

export async function runMemory(resultsPath: string): Promise<boolean> {
  const loadBefore = currentLoad()
  const modules = await loadAppModules()
  const ports = Object.fromEntries(await Promise.all(modules.map(async (module) => [module.name, await freePort()] as const)))
  const portalPort = await freePort()
  const server = await startServer({
    target: 'npm start',
    label: `\`npm start\` (scripts/start.ts, node flags: ${hearthNodeFlags().join(' ') || 'none'}): every app and the portal in one process, embedded PGlite, demo seeds`,
    command: process.execPath,
    // `npm start` passes node the same flags as `start:production`.
    args: [...hearthNodeFlags(), '--import', import.meta.resolve('tsx'), join(repositoryRoot, 'scripts', 'start.ts')],
    cwd: mkdtempSync(join(tmpdir(), 'hearth-memory-cwd-')),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'hearth-memory-data-')),
      LOG_LEVEL: 'warn',
      PORTAL_PORT: String(portalPort),
      ...Object.fromEntries(modules.map((module) => [`${module.name.toUpperCase().replace(/-/g, '_')}_PORT`, String(ports[module.name])])),
    },
    port: portalPort,
    readyPath: '/api/apps',
    startTimeoutSeconds: 900,
  })
  try {
    const afterStart = server.peakRss() ?? 0
    let requests = 0
    const end = Date.now() + LOAD_SECONDS * 1000
    const client = async (urls: string[]) => {
      for (let index = 0; Date.now() < end; index++) {
        const response = await fetch(urls[index % urls.length]!)
        await response.arrayBuffer()
        requests++
      }
    }
    const urls = modules.map((module) => (reads[module.name] ?? ['/health']).map((path) => `http://127.0.0.1:${ports[module.name]}${path}`))
    // Four clients per app, all apps at once.
    await Promise.all(urls.flatMap((appUrls) => Array.from({ length: 4 }, () => client(appUrls))))
    const peak = server.peakRss() ?? 0
    const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2).toLocaleString('en-US')} MiB`
    const met = peak <= LIMIT_BYTES
    const section = [
      '## Memory: `npm start` with every app',
      '',
      `Run ${new Date().toISOString()}, load average before ${loadBefore.map((value) => value.toFixed(2)).join(' ')}. ${server.spec.label}; apps: ${modules.map((module) => module.name).join(', ')}.`,
      '',
      `After start (every app up, demo data loaded): ${mib(afterStart)}. Then ${LOAD_SECONDS} s of public reads, four clients per app at once ` +
        `(${Object.entries(reads)
          .map(([name, paths]) => `${name}: ${paths.join(', ')}`)
          .join('; ')}): ${requests.toLocaleString('en-US')} requests.`,
      '',
      `Peak RSS of the process tree over its whole life (VmHWM and VmRSS sampled every 100 ms): **${mib(peak)}**. Target ≤ 1.5 GB (1,536 MiB): **${met ? 'met' : 'NOT met'}**.`,
    ].join('\n')
    const existing = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : ''
    writeFileSync(resultsPath, replaceSection(existing, 'memory', section))
    console.log(`[bench] memory: npm start peak RSS ${mib(peak)} (${met ? 'within' : 'OVER'} 1.5 GB); wrote ${resultsPath}`)
    return met
  } finally {
    await server.stop()
  }
}
