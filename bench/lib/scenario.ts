// The shape every scenario follows: Hearth's app first (its answers become the reference), then the
// bare-Fastify ceiling serving those same answers, then the peer, which must answer the same JSON.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { assertSameJson, BenchmarkError, fetchChecked, measure, type Answer, type LoadOptions, type Operation } from './load.ts'
import { currentLoad, describeMachine, repositoryRoot } from './environment.ts'
import { missedTargets, renderSection, replaceSection, type Measurement, type ScenarioReport, type Target, type ServerSummary } from './results.ts'
import { freePort, startServer, type RunningServer, type ServerSpec } from './servers.ts'
import type { CeilingConfig } from '../ceiling/server.ts'

export interface BenchSettings extends LoadOptions {
  /** PostgreSQL URL of the dedicated benchmark database. */
  databaseUrl: string
  resultsPath: string
  /** Scratch directory for this run (DATA_DIR of the apps, ceiling route files). */
  workDir: string
  /** Interleaved measuring rounds per operation and server; the median is reported. */
  rounds: number
}

/** What a scenario prepares before anything is measured. */
export interface PreparedScenario {
  setup: string[]
  operations: Operation[]
  hearth: ServerSpec
  /** Runs once Hearth's server is up, before its answers are taken (seeding through the API, bulk SQL). */
  afterHearthStart?: (server: RunningServer) => Promise<void>
  /**
   * The same app in other configurations, measured in the same run (e.g. `hearth-cache-off`: a cache
   * turned off, so a target met with a cache also shows the row without it). Each must answer the same JSON.
   */
  variants?: ServerSpec[]
  peer?: ServerSpec
  /** Ratios the issue asks for. */
  targets: Target[]
  /** Extra measurements that do not fit the "same body every time" model (write paths), on Hearth and its variants. */
  extra?: (servers: { hearth: RunningServer; variants: RunningServer[] }, settings: BenchSettings) => Promise<ExtraResult>
  notes: string[]
  /** Runs at the end, whatever happened (stops what the scenario started, e.g. a fake API). */
  cleanup?: () => Promise<void>
}

export interface ExtraResult {
  measurements: Measurement[]
  notes: string[]
  /** Broken invariants and the like: written to RESULTS.md, then the run fails. */
  problems: string[]
}

export interface Scenario {
  name: string
  title: string
  /**
   * Data sizes to run at, ten times apart, each its own run and RESULTS.md section (`<name>-<size>`),
   * so how cost grows with the data is visible. `BENCH_SIZES=10000,100000` overrides.
   */
  sizes?: { values: number[]; unit: string }
  prepare(settings: BenchSettings, size?: number): Promise<PreparedScenario>
}

/** The RESULTS.md section and title of a scenario at one data size. */
export function sectionOf(scenario: Scenario, size: number | undefined): { name: string; title: string } {
  if (size === undefined || !scenario.sizes) return { name: scenario.name, title: scenario.title }
  return { name: `${scenario.name}-${size}`, title: `${scenario.title} — ${size.toLocaleString('en-US')} ${scenario.sizes.unit}` }
}

/** The compiled repository (`npm run build`), once run.ts has built it: Hearth's apps then run from it, as in production. */
let productionBuild: string | undefined

export function useProductionBuild(distDir: string): void {
  productionBuild = distDir
}

/**
 * The node flags production runs Hearth with, read from the root package.json's `start:production`
 * (`node <flags> dist/scripts/start.js`), so that the benchmark measures what production runs.
 * `BENCH_NODE_FLAGS` replaces them (space-separated; empty for none), to measure a flag's effect.
 */
export function hearthNodeFlags(): string[] {
  const override = process.env.BENCH_NODE_FLAGS
  if (override !== undefined) return override.split(/\s+/).filter(Boolean)
  const scripts = (JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  return scripts['start:production']!.split(/\s+/).filter((word) => word.startsWith('--'))
}

/** Hearth's own server scripts (`apps/…`) run compiled when a production build is in use; anything else through tsx. */
function nodeArgs(script: string): string[] {
  if (!script.startsWith(join(repositoryRoot, 'apps') + sep)) return ['--import', 'tsx', script]
  // BENCH_CPU_PROF=<dir>: each Hearth server writes a V8 CPU profile there when it exits (for finding where
  // the time goes; profiling slows the server, so such a run's numbers are not the ones to commit).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  const flags = [...hearthNodeFlags(), ...profile]
  if (productionBuild !== undefined) return [...flags, join(productionBuild, relative(repositoryRoot, script)).replace(/\.ts$/, '.js')]
  return [...flags, '--import', 'tsx', script]
}

export function nodeServer(target: string, label: string, script: string, port: number, env: Record<string, string>, readyPath: string, scriptArgs: string[] = []): ServerSpec {
  return {
    target,
    label,
    command: process.execPath,
    args: [...nodeArgs(script), ...scriptArgs],
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', ...env },
    port,
    readyPath,
  }
}

const log = (message: string) => console.log(`[bench] ${message}`)

/** The round whose req/s is the median (its latencies go with it). */
export function medianRound(rounds: Measurement[]): Measurement {
  const sorted = [...rounds].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

export async function runScenario(scenario: Scenario, settings: BenchSettings, size?: number): Promise<ScenarioReport> {
  const loadBefore = currentLoad()
  const section = sectionOf(scenario, size)
  log(`${section.name}: load average ${loadBefore.map((value) => value.toFixed(2)).join(' ')}`)
  const prepared = await scenario.prepare(settings, size)
  try {
    return await runPrepared(section, prepared, settings, loadBefore)
  } finally {
    await prepared.cleanup?.()
  }
}

interface Contender {
  server: RunningServer
  answers: Answer[]
}

async function runPrepared(scenario: { name: string; title: string }, prepared: PreparedScenario, settings: BenchSettings, loadBefore: [number, number, number]): Promise<ScenarioReport> {
  const measurements: Measurement[] = []
  const notes = [...prepared.notes]
  const problems: string[] = []
  const running: RunningServer[] = []
  try {
    // 1. Hearth: the real app. Its checked answers are the reference for the other two.
    log(`starting ${prepared.hearth.label}`)
    const hearth = await startServer(prepared.hearth)
    running.push(hearth)
    await prepared.afterHearthStart?.(hearth)
    const reference: Answer[] = []
    for (const operation of prepared.operations) reference.push(await fetchChecked(hearth, operation))
    const contenders: Contender[] = [{ server: hearth, answers: reference }]

    // 2. The ceiling: bare Fastify answering the same JSON, no database.
    const ceilingConfig: CeilingConfig = {
      port: await freePort(),
      routes: prepared.operations.map((operation, index) => ({
        method: operation.method,
        url: operation.path.split('?')[0]!,
        operationName: operation.body ? (JSON.parse(operation.body) as { operationName?: string }).operationName : undefined,
        status: reference[index]!.status,
        json: reference[index]!.json,
      })),
    }
    const ceilingFile = join(settings.workDir, `ceiling-${scenario.name}.json`)
    writeFileSync(ceilingFile, JSON.stringify(ceilingConfig))
    const ceilingSpec = nodeServer(
      'ceiling',
      `bare Fastify ${fastifyVersion()}, one route per operation answering the recorded JSON, no database, no logging`,
      join(repositoryRoot, 'bench/ceiling/server.ts'),
      ceilingConfig.port,
      {},
      '/bench-ready',
      [ceilingFile],
    )
    // 3. Hearth's variants, the ceiling and the peer. Each must answer exactly the same JSON as Hearth.
    for (const spec of [...(prepared.variants ?? []), ceilingSpec, ...(prepared.peer ? [prepared.peer] : [])]) {
      log(`starting ${spec.label}`)
      const server = await startServer(spec)
      running.push(server)
      const answers: Answer[] = []
      for (const [index, operation] of prepared.operations.entries()) {
        const answer = await fetchChecked(server, operation)
        assertSameJson(reference[index]!, answer, `the ${spec.target}'s ${operation.name}`)
        answers.push(answer)
      }
      contenders.push({ server, answers })
    }

    // 4. Interleaved rounds: every operation on every server in turn, so a change in the machine's
    //    load (other people's test runs) hits all of them alike; the median round is reported.
    for (const [index, operation] of prepared.operations.entries()) {
      const connections = operation.connections ?? settings.connections
      const rounds = new Map<string, Measurement[]>()
      for (let round = 1; round <= settings.rounds; round++) {
        for (const { server, answers } of contenders) {
          const warmupSeconds = round === 1 ? settings.warmupSeconds : 0
          const result = await measure(server, operation, answers[index]!.text, { ...settings, warmupSeconds, connections })
          log(
            `${operation.name}, round ${round}/${settings.rounds}, ${server.spec.target}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (${connections} connections)`,
          )
          rounds.set(server.spec.target, [...(rounds.get(server.spec.target) ?? []), result])
        }
      }
      for (const { server } of contenders) measurements.push(medianRound(rounds.get(server.spec.target)!))
    }

    // 5. What does not fit the same-answer model (write paths), on Hearth and its variants.
    if (prepared.extra) {
      const variantTargets = new Set((prepared.variants ?? []).map((spec) => spec.target))
      const variants = contenders.map(({ server }) => server).filter((server) => variantTargets.has(server.spec.target))
      const extra = await prepared.extra({ hearth, variants }, settings)
      measurements.push(...extra.measurements)
      notes.push(...extra.notes)
      problems.push(...extra.problems)
    }
  } finally {
    for (const server of running) await server.stop()
  }
  const servers: ServerSummary[] = running.map((server) => ({ target: server.spec.target, label: server.spec.label, peakRssBytes: server.peakRss() }))

  const report: ScenarioReport = {
    scenario: scenario.name,
    title: scenario.title,
    setup: prepared.setup,
    machine: await describeMachine(settings.databaseUrl, loadBefore),
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    warmupSeconds: settings.warmupSeconds,
    rounds: settings.rounds,
    productionBuild: productionBuild !== undefined,
    nodeFlags: hearthNodeFlags(),
    servers,
    measurements,
    targets: prepared.targets,
    notes,
  }
  const existing = existsSync(settings.resultsPath) ? readFileSync(settings.resultsPath, 'utf8') : ''
  writeFileSync(settings.resultsPath, replaceSection(existing, scenario.name, renderSection(report)))
  log(`wrote ${settings.resultsPath}`)
  const missed = missedTargets(report)
  for (const miss of missed) log(`target missed — ${miss}`)
  if (problems.length > 0) throw new BenchmarkError(`${scenario.name}: ${problems.join('; ')} (recorded in RESULTS.md)`)
  return report
}

export function fastifyVersion(): string {
  return (JSON.parse(readFileSync(join(repositoryRoot, 'node_modules/fastify/package.json'), 'utf8')) as { version: string }).version
}

export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(repositoryRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
}

export function makeWorkDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
