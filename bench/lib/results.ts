// Pure functions that turn measurements into the markdown of bench/RESULTS.md. No I/O here, so the
// smoke test can check them without running a benchmark.

/** What one autocannon run against one server and one operation measured. */
export interface Measurement {
  /** The server measured: `ceiling`, `hearth` or `peer`. */
  target: string
  operation: string
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  /** Completed requests in the measured window (all 2xx and checked, or the run fails). */
  requests: number
  /** CPU the server process used during the window, as a share of one core (1 = 100 %). */
  serverCpu: number | undefined
  /** Concurrent connections (or workers) of the load. */
  connections: number
}

/** A server as it ran: its label as printed and its peak resident memory. */
export interface ServerSummary {
  target: string
  label: string
  peakRssBytes: number | undefined
}

export interface Machine {
  date: string
  cpus: number
  cpuModel: string
  memoryBytes: number
  node: string
  postgres: string
  loadBefore: [number, number, number]
  loadAfter: [number, number, number]
  commit: string
}

export interface ScenarioReport {
  scenario: string
  title: string
  /** One paragraph: data set, operations, how the load was generated. */
  setup: string[]
  machine: Machine
  connections: number
  durationSeconds: number
  warmupSeconds: number
  rounds: number
  /** Hearth's servers ran the compiled build (`npm run build`), not TypeScript through tsx. */
  productionBuild?: boolean
  /** The node flags Hearth's servers ran with (`start:production`'s unless `BENCH_NODE_FLAGS` replaced them). */
  nodeFlags?: string[]
  servers: ServerSummary[]
  measurements: Measurement[]
  /** Targets the issue sets, checked against the measurements (ratio ≥ minimum). */
  targets: Target[]
  /** Free text the scenario adds: invariant checks, profile findings, caveats. */
  notes: string[]
}

export interface RatioTarget {
  operation: string
  /** `peer` or `ceiling`: ours divided by this target's req/s. */
  versus: string
  minimum: number
}

/** Hearth's p99 latency for the operation, at the run's connections, must stay at or under this. */
export interface LatencyTarget {
  operation: string
  maxP99Ms: number
}

/** Hearth's peak RSS over the whole run (start-up and every operation) must stay at or under this. */
export interface MemoryTarget {
  maxPeakRssMiB: number
}

export type Target = RatioTarget | LatencyTarget | MemoryTarget

const isLatency = (target: Target): target is LatencyTarget => 'maxP99Ms' in target
const isMemory = (target: Target): target is MemoryTarget => 'maxPeakRssMiB' in target
const hearthPeakMiB = (servers: ServerSummary[]) => {
  const bytes = servers.find((server) => server.target === 'hearth')?.peakRssBytes
  return bytes === undefined ? undefined : Math.round(bytes / 1024 / 1024)
}
const p99Of = (measurements: Measurement[], operation: string) => measurements.find((m) => m.operation === operation && m.target === 'hearth')?.p99Ms

const SECTION_START = (scenario: string) => `<!-- bench:${scenario}:start -->`
const SECTION_END = (scenario: string) => `<!-- bench:${scenario}:end -->`
export const RESULTS_HEADER = [
  '# Benchmark results',
  '',
  'Written by `npm run bench -- <scenario>` (see `bench/README.md`); one section per scenario, replaced',
  'when that scenario runs again. The numbers are exactly what the harness measured; nobody edits them.',
  '',
].join('\n')

/**
 * Puts a scenario's section into the existing RESULTS.md text: replaces the section of the same
 * scenario if there is one, otherwise appends it. Other scenarios' sections are kept as they are.
 */
export function replaceSection(existing: string, scenario: string, section: string): string {
  const start = SECTION_START(scenario)
  const end = SECTION_END(scenario)
  const block = `${start}\n${section.trimEnd()}\n${end}`
  const base = existing.trim() === '' ? RESULTS_HEADER : existing
  const from = base.indexOf(start)
  const to = base.indexOf(end)
  if (from !== -1 && to > from) return base.slice(0, from) + block + base.slice(to + end.length)
  return `${base.trimEnd()}\n\n${block}\n`
}

/** The ratio of ours to another target's req/s for one operation, or undefined if either is missing. */
export function ratio(measurements: Measurement[], operation: string, versus: string, ours = 'hearth'): number | undefined {
  const mine = measurements.find((m) => m.operation === operation && m.target === ours)
  const other = measurements.find((m) => m.operation === operation && m.target === versus)
  if (!mine || !other || other.requestsPerSecond === 0) return undefined
  return mine.requestsPerSecond / other.requestsPerSecond
}

/** Another target's CPU per request divided by ours (above 1: Hearth spends less CPU per request). */
export function cpuRatio(measurements: Measurement[], operation: string, versus: string, ours = 'hearth'): number | undefined {
  const mine = measurements.find((m) => m.operation === operation && m.target === ours)
  const other = measurements.find((m) => m.operation === operation && m.target === versus)
  const a = mine && cpuMsPerRequest(mine)
  const b = other && cpuMsPerRequest(other)
  return a === undefined || b === undefined || a === 0 ? undefined : b / a
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'n/a'
  return `${(bytes / (1024 * 1024)).toFixed(0)} MiB`
}

const formatRate = (value: number) => Math.round(value).toLocaleString('en-US')
const formatMs = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1))
const formatRatio = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(2)}×`)
const formatCpu = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value * 100)} %`)
/** Server CPU time per completed request: what one request costs the server, whatever the machine's load. */
export function cpuMsPerRequest(m: Measurement): number | undefined {
  return m.serverCpu === undefined || m.requestsPerSecond === 0 ? undefined : (m.serverCpu / m.requestsPerSecond) * 1000
}
const formatCpuPerRequest = (m: Measurement) => {
  const value = cpuMsPerRequest(m)
  return value === undefined ? 'n/a' : value.toFixed(2)
}
const formatLoad = (load: [number, number, number]) => load.map((value) => value.toFixed(2)).join(' / ')

/** The markdown of one scenario's section. */
export function renderSection(report: ScenarioReport): string {
  const { machine } = report
  const labelOf = (target: string) => report.servers.find((server) => server.target === target)?.label ?? target
  const operations = [...new Set(report.measurements.map((m) => m.operation))]
  const lines: string[] = []
  lines.push(`## ${report.title}`, '')
  lines.push(
    `Run ${machine.date} at commit \`${machine.commit}\` on ${machine.cpus} × ${machine.cpuModel}, ` +
      `${formatBytes(machine.memoryBytes)} RAM, Node ${machine.node}, ${machine.postgres}. ` +
      `Load average (1/5/15 min) before: ${formatLoad(machine.loadBefore)}, after: ${formatLoad(machine.loadAfter)}. ` +
      `The machine's ${machine.cpus} cores are shared with other engineers' test runs, the load generator and ` +
      `PostgreSQL, so absolute numbers are low and noisy; the ratios, measured minutes apart in one run, are the point.`,
    '',
  )
  lines.push(
    `Load: autocannon in the harness process, ${report.connections} connections unless the table says otherwise. Each server is ` +
      `its own child process; all are up together, idle while another is measured. Per operation: a ${report.warmupSeconds} s warm-up ` +
      `per server, then ${report.rounds} interleaved rounds (Hearth, ceiling, peer, Hearth, …) of ${report.durationSeconds} s each; ` +
      `the table shows each server's median round, so a change in the machine's load hits every server alike. Every response ` +
      `was checked: status 2xx and the body identical to the one verified before the run (any non-2xx, error, timeout or body ` +
      `mismatch fails the run).` +
      (report.productionBuild
        ? " Hearth's servers run the production build (`npm run build`: the TypeScript compiled to JavaScript, started with plain `node`, no tsx loaded), as `npm run start:production` does; the ceiling and any Node peer run through tsx."
        : '') +
      (report.nodeFlags === undefined ? '' : ` Hearth's node flags: ${report.nodeFlags.length === 0 ? 'none' : report.nodeFlags.map((flag) => `\`${flag}\``).join(' ')}.`),
    '',
  )
  for (const line of report.setup) lines.push(line)
  lines.push('')
  lines.push('Servers:', '')
  for (const server of report.servers) lines.push(`- **${server.target}**: ${server.label}`)
  lines.push('')
  lines.push('| operation | server | connections | req/s | p50 ms | p99 ms | requests | server CPU | CPU ms / request | peak RSS |')
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const operation of operations) {
    for (const m of report.measurements.filter((item) => item.operation === operation)) {
      const rss = report.servers.find((server) => server.target === m.target)?.peakRssBytes
      lines.push(
        `| ${operation} | ${m.target} | ${m.connections} | ${formatRate(m.requestsPerSecond)} | ${formatMs(m.p50Ms)} | ${formatMs(m.p99Ms)} | ` +
          `${m.requests.toLocaleString('en-US')} | ${formatCpu(m.serverCpu)} | ${formatCpuPerRequest(m)} | ${formatBytes(rss)} |`,
      )
    }
  }
  lines.push('')
  const rank = (target: string) => ['peer', 'ceiling'].indexOf(target) >>> 0 // peer, ceiling, then the rest
  const versusTargets = [...new Set(report.measurements.map((m) => m.target))].filter((target) => target !== 'hearth').sort((a, b) => rank(a) - rank(b))
  if (versusTargets.length > 0 && report.measurements.some((m) => m.target === 'hearth')) {
    lines.push(`| operation | ${versusTargets.map((target) => `req/s: hearth ÷ ${target}`).join(' | ')} | ` + `${versusTargets.map((target) => `CPU per request: ${target} ÷ hearth`).join(' | ')} |`)
    lines.push(`|---|${versusTargets.map(() => '---:').join('|')}|${versusTargets.map(() => '---:').join('|')}|`)
    for (const operation of operations) {
      lines.push(
        `| ${operation} | ${versusTargets.map((target) => formatRatio(ratio(report.measurements, operation, target))).join(' | ')} | ` +
          `${versusTargets.map((target) => formatRatio(cpuRatio(report.measurements, operation, target))).join(' | ')} |`,
      )
    }
    lines.push('')
    lines.push(
      'The first ratios are throughput (the targets are set on these). The second are how many times more server CPU the ' +
        "other server spends on one request than Hearth does; they are far less sensitive to the machine's load.",
      '',
    )
  }
  if (report.targets.length > 0) {
    lines.push('Targets:', '')
    for (const target of report.targets) {
      if (isMemory(target)) {
        const peak = hearthPeakMiB(report.servers)
        const verdict = peak === undefined ? 'not measured' : peak <= target.maxPeakRssMiB ? 'met' : 'NOT met'
        lines.push(`- hearth peak RSS ≤ ${target.maxPeakRssMiB} MiB under this load → ${peak ?? '—'} MiB, **${verdict}**`)
        continue
      }
      if (isLatency(target)) {
        const p99 = p99Of(report.measurements, target.operation)
        const verdict = p99 === undefined ? 'not measured' : p99 <= target.maxP99Ms ? 'met' : 'NOT met'
        lines.push(`- \`${target.operation}\`: hearth p99 ≤ ${target.maxP99Ms} ms at ${report.connections} connections → ${p99 ?? '—'} ms, **${verdict}**`)
        continue
      }
      const value = ratio(report.measurements, target.operation, target.versus)
      const verdict = value === undefined ? 'not measured' : value >= target.minimum ? 'met' : 'NOT met'
      lines.push(`- \`${target.operation}\`: hearth ÷ ${labelOf(target.versus).split(' (')[0]} ≥ ${target.minimum}× → ` + `${formatRatio(value)}, **${verdict}**`)
    }
    lines.push('')
  }
  if (report.notes.length > 0) {
    for (const note of report.notes) lines.push(note)
    lines.push('')
  }
  lines.push('Peak RSS is the largest resident set of the server process (and its children) over its whole life, ')
  lines.push('start-up and every operation included (Linux `VmHWM`, and `VmRSS` sampled every 100 ms). Server CPU is ')
  lines.push('user + system time of the server process during the measured round, divided by its length (100 % = one core); ')
  lines.push('well under 100 % means the server spent the round waiting (for PostgreSQL, or for a CPU the machine did not give it). ')
  lines.push('CPU ms / request is that CPU time divided by the requests completed: the cost of one request to the server process ')
  lines.push("itself (PostgreSQL's work not included), which depends far less on the machine's load than req/s does.")
  return lines.join('\n')
}

/** Checks the measured ratios against the targets: the list of misses, empty when all are met. */
export function missedTargets(report: Pick<ScenarioReport, 'measurements' | 'targets' | 'servers'>): string[] {
  const missed: string[] = []
  for (const target of report.targets) {
    if (isMemory(target)) {
      const peak = hearthPeakMiB(report.servers)
      if (peak === undefined || peak > target.maxPeakRssMiB) missed.push(`hearth peak RSS = ${peak ?? '—'} MiB (target ≤ ${target.maxPeakRssMiB} MiB)`)
      continue
    }
    if (isLatency(target)) {
      const p99 = p99Of(report.measurements, target.operation)
      if (p99 === undefined || p99 > target.maxP99Ms) missed.push(`${target.operation}: hearth p99 = ${p99 ?? '—'} ms (target ≤ ${target.maxP99Ms} ms)`)
      continue
    }
    const value = ratio(report.measurements, target.operation, target.versus)
    if (value === undefined || value < target.minimum) {
      missed.push(`${target.operation}: hearth ÷ ${target.versus} = ${formatRatio(value)} (target ≥ ${target.minimum}×)`)
    }
  }
  return missed
}
