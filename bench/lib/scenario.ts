// The shape every scenario follows: Hearth's app first (its answers become the reference), then the
// bare-Fastify ceiling serving those same answers, then the peer, which must answer the same JSON.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assertSameJson, BenchmarkError, fetchChecked, measure, type Answer, type LoadOptions, type Operation } from './load.ts'
import { currentLoad, describeMachine, repositoryRoot } from './environment.ts'
import { missedTargets, renderSection, replaceSection, type Measurement, type RatioTarget, type ScenarioReport, type ServerSummary } from './results.ts'
import { freePort, startServer, type RunningServer, type ServerSpec } from './servers.ts'
import type { CeilingConfig } from '../ceiling/server.ts'

export interface BenchSettings extends LoadOptions {
  /** PostgreSQL URL of the dedicated benchmark database. */
  databaseUrl: string
  resultsPath: string
  /** Scratch directory for this run (DATA_DIR of the apps, ceiling route files). */
  workDir: string
}

/** What a scenario prepares before anything is measured. */
export interface PreparedScenario {
  setup: string[]
  operations: Operation[]
  hearth: ServerSpec
  /** Runs once Hearth's server is up, before its answers are taken (seeding through the API, bulk SQL). */
  afterHearthStart?: (server: RunningServer) => Promise<void>
  peer?: ServerSpec
  /** Ratios the issue asks for. */
  targets: RatioTarget[]
  /** Extra measurements that do not fit the "same body every time" model (write paths). */
  extra?: (servers: { hearth: RunningServer }, settings: BenchSettings) => Promise<ExtraResult>
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
  prepare(settings: BenchSettings): Promise<PreparedScenario>
}

export function nodeServer(
  target: string,
  label: string,
  script: string,
  port: number,
  env: Record<string, string>,
  readyPath: string,
  scriptArgs: string[] = [],
): ServerSpec {
  return {
    target,
    label,
    command: process.execPath,
    args: ['--import', 'tsx', script, ...scriptArgs],
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', ...env },
    port,
    readyPath,
  }
}

const log = (message: string) => console.log(`[bench] ${message}`)

async function measureAll(server: RunningServer, operations: Operation[], answers: Answer[], settings: BenchSettings): Promise<Measurement[]> {
  const results: Measurement[] = []
  for (const [index, operation] of operations.entries()) {
    log(`${server.spec.target}: ${operation.name} — ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s measured, ${operation.connections ?? settings.connections} connections`)
    const result = await measure(server, operation, answers[index]!.text, { ...settings, connections: operation.connections ?? settings.connections })
    log(`${server.spec.target}: ${operation.name} → ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`)
    results.push(result)
  }
  return results
}

export async function runScenario(scenario: Scenario, settings: BenchSettings): Promise<ScenarioReport> {
  const loadBefore = currentLoad()
  log(`${scenario.name}: load average ${loadBefore.map((value) => value.toFixed(2)).join(' ')}`)
  const prepared = await scenario.prepare(settings)
  try {
    return await runPrepared(scenario, prepared, settings, loadBefore)
  } finally {
    await prepared.cleanup?.()
  }
}

async function runPrepared(scenario: Scenario, prepared: PreparedScenario, settings: BenchSettings, loadBefore: [number, number, number]): Promise<ScenarioReport> {
  const measurements: Measurement[] = []
  const servers: ServerSummary[] = []
  const notes = [...prepared.notes]
  const problems: string[] = []

  // 1. Hearth: the real app. Its checked answers are the reference for the other two.
  log(`starting ${prepared.hearth.label}`)
  const hearth = await startServer(prepared.hearth)
  let reference: Answer[]
  try {
    await prepared.afterHearthStart?.(hearth)
    reference = []
    for (const operation of prepared.operations) reference.push(await fetchChecked(hearth, operation))
    measurements.push(...(await measureAll(hearth, prepared.operations, reference, settings)))
    if (prepared.extra) {
      const extra = await prepared.extra({ hearth }, settings)
      measurements.push(...extra.measurements)
      notes.push(...extra.notes)
      problems.push(...extra.problems)
    }
  } finally {
    await hearth.stop()
  }
  servers.push({ target: 'hearth', label: prepared.hearth.label, peakRssBytes: hearth.peakRss() })

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
  const ceilingSpec = nodeServer('ceiling', `bare Fastify ${fastifyVersion()}, one route per operation answering the recorded JSON, no database, no logging`, join(repositoryRoot, 'bench/ceiling/server.ts'), ceilingConfig.port, {}, '/bench-ready', [ceilingFile])
  log('starting the ceiling')
  const ceiling = await startServer(ceilingSpec)
  try {
    const answers: Answer[] = []
    for (const [index, operation] of prepared.operations.entries()) {
      const answer = await fetchChecked(ceiling, operation)
      assertSameJson(reference[index]!, answer, `the ceiling's ${operation.name}`)
      answers.push(answer)
    }
    measurements.push(...(await measureAll(ceiling, prepared.operations, answers, settings)))
  } finally {
    await ceiling.stop()
  }
  servers.push({ target: 'ceiling', label: ceilingSpec.label, peakRssBytes: ceiling.peakRss() })

  // 3. The peer, which must answer exactly the same JSON.
  if (prepared.peer) {
    log(`starting ${prepared.peer.label}`)
    const peer = await startServer(prepared.peer)
    try {
      const answers: Answer[] = []
      for (const [index, operation] of prepared.operations.entries()) {
        const answer = await fetchChecked(peer, operation)
        assertSameJson(reference[index]!, answer, `the peer's ${operation.name}`)
        answers.push(answer)
      }
      measurements.push(...(await measureAll(peer, prepared.operations, answers, settings)))
    } finally {
      await peer.stop()
    }
    servers.push({ target: 'peer', label: prepared.peer.label, peakRssBytes: peer.peakRss() })
  }

  const report: ScenarioReport = {
    scenario: scenario.name,
    title: scenario.title,
    setup: prepared.setup,
    machine: await describeMachine(settings.databaseUrl, loadBefore),
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    warmupSeconds: settings.warmupSeconds,
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
