// Smoke test of the harness's pure parts: the RESULTS.md section writer and the ratio arithmetic.
// No benchmark runs here and nothing asserts a timing.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { missedTargets, ratio, renderSection, replaceSection, RESULTS_HEADER, type Measurement, type ScenarioReport } from '../lib/results.ts'

const measurement = (target: string, operation: string, requestsPerSecond: number): Measurement => ({
  target,
  operation,
  requestsPerSecond,
  p50Ms: 4,
  p99Ms: 12.5,
  requests: requestsPerSecond * 10,
  serverCpu: 0.97,
  connections: 50,
})

const report = (measurements: Measurement[]): ScenarioReport => ({
  scenario: 'demo',
  title: 'Demo scenario',
  setup: ['Data: nothing at all.'],
  machine: {
    date: '2026-01-01T00:00:00Z',
    cpus: 2,
    cpuModel: 'Test CPU',
    memoryBytes: 8 * 1024 ** 3,
    node: 'v20.0.0',
    postgres: 'PostgreSQL 15.0',
    loadBefore: [0.1, 0.2, 0.3],
    loadAfter: [1, 1, 1],
    commit: 'abc1234',
  },
  connections: 50,
  durationSeconds: 10,
  warmupSeconds: 3,
  rounds: 3,
  servers: [
    { target: 'hearth', label: 'Hearth app', peakRssBytes: 100 * 1024 * 1024 },
    { target: 'ceiling', label: 'bare Fastify', peakRssBytes: 60 * 1024 * 1024 },
    { target: 'peer', label: 'Peer stack (with details)', peakRssBytes: undefined },
  ],
  measurements,
  targets: [
    { operation: 'list', versus: 'peer', minimum: 3 },
    { operation: 'list', versus: 'ceiling', minimum: 0.4 },
  ],
  notes: ['A note.'],
})

describe('replaceSection', () => {
  test('starts a new file with the header and appends the section', () => {
    const text = replaceSection('', 'alpha', '## Alpha\nbody')
    assert.ok(text.startsWith(RESULTS_HEADER))
    assert.match(text, /<!-- bench:alpha:start -->\n## Alpha\nbody\n<!-- bench:alpha:end -->\n$/)
  })

  test('replaces only the section of the same scenario and keeps the others', () => {
    let text = replaceSection('', 'alpha', '## Alpha\nfirst')
    text = replaceSection(text, 'beta', '## Beta\nkept')
    text = replaceSection(text, 'alpha', '## Alpha\nsecond')
    assert.doesNotMatch(text, /first/)
    assert.match(text, /## Alpha\nsecond/)
    assert.match(text, /## Beta\nkept/)
    assert.ok(text.indexOf('## Alpha') < text.indexOf('## Beta'), 'a replaced section stays where it was')
    assert.equal(text.match(/bench:alpha:start/g)?.length, 1)
  })

  test('keeps hand-written text outside the sections', () => {
    const text = replaceSection('# Results\n\nIntro by hand.\n', 'alpha', 'x')
    assert.match(replaceSection(text, 'alpha', 'y'), /Intro by hand\.[\s\S]*y/)
  })
})

describe('ratios and targets', () => {
  const measurements = [measurement('hearth', 'list', 3000), measurement('peer', 'list', 1000), measurement('ceiling', 'list', 10000)]

  test('ratio divides ours by the other target', () => {
    assert.equal(ratio(measurements, 'list', 'peer'), 3)
    assert.equal(ratio(measurements, 'list', 'ceiling'), 0.3)
    assert.equal(ratio(measurements, 'missing', 'peer'), undefined)
  })

  test('missedTargets lists only the targets not met', () => {
    const missed = missedTargets(report(measurements))
    assert.equal(missed.length, 1)
    assert.match(missed[0]!, /ceiling = 0\.30×/)
  })

  test('a latency target is met at or under its p99 and missed above it', () => {
    const base = report(measurements)
    assert.deepEqual(missedTargets({ measurements, servers: [], targets: [{ operation: 'list', maxP99Ms: 12.5 }] }), [])
    const missed = missedTargets({ measurements, servers: [], targets: [{ operation: 'list', maxP99Ms: 10 }] })
    assert.equal(missed.length, 1)
    assert.match(missed[0]!, /p99 = 12\.5 ms \(target ≤ 10 ms\)/)
    assert.match(renderSection({ ...base, targets: [{ operation: 'list', maxP99Ms: 10 }] }), /hearth p99 ≤ 10 ms at 50 connections → 12\.5 ms, \*\*NOT met\*\*/)
  })

  test("a memory target is met at or under hearth's peak RSS and missed above it", () => {
    const base = report(measurements)
    const servers = [{ target: 'hearth', label: 'Hearth', peakRssBytes: 200 * 1024 * 1024 }]
    assert.deepEqual(missedTargets({ measurements, servers, targets: [{ maxPeakRssMiB: 250 }] }), [])
    assert.deepEqual(missedTargets({ measurements, servers, targets: [{ maxPeakRssMiB: 150 }] }), ['hearth peak RSS = 200 MiB (target ≤ 150 MiB)'])
    assert.match(renderSection({ ...base, servers, targets: [{ maxPeakRssMiB: 250 }] }), /hearth peak RSS ≤ 250 MiB under this load → 200 MiB, \*\*met\*\*/)
  })

  test('renderSection prints the table, the ratios, the verdicts and the machine', () => {
    const text = renderSection(report(measurements))
    assert.match(text, /^## Demo scenario/)
    assert.match(text, /\| list \| hearth \| 50 \| 3,000 \| 4 \| 12\.5 \| 30,000 \| 97 % \| 0\.32 \| 100 MiB \|/)
    assert.match(text, /\| list \| peer \| 50 \| 1,000 \| .* \| n\/a \|/)
    assert.match(text, /\| operation \| req\/s: hearth ÷ peer \| req\/s: hearth ÷ ceiling \| CPU per request: peer ÷ hearth \| CPU per request: ceiling ÷ hearth \|/)
    assert.match(text, /\| list \| 3\.00× \| 0\.30× \| 3\.00× \| 0\.30× \|/)
    assert.match(text, /hearth ÷ Peer stack ≥ 3× → 3\.00×, \*\*met\*\*/)
    assert.match(text, /hearth ÷ bare Fastify ≥ 0\.4× → 0\.30×, \*\*NOT met\*\*/)
    assert.match(text, /2 × Test CPU, 8192 MiB RAM, Node v20\.0\.0, PostgreSQL 15\.0/)
    assert.match(text, /A note\./)
  })
})

describe('stats', async () => {
  const { percentile, ulid } = await import('../lib/stats.ts')

  test('percentile is nearest-rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index)
    assert.equal(percentile(values, 50), 50)
    assert.equal(percentile(values, 99), 99)
    assert.equal(percentile(values, 100), 100)
    assert.equal(percentile([], 50), 0)
  })

  test('ulid has the pattern and sorts by time', () => {
    const early = ulid(1_600_000_000_000)
    const late = ulid(1_700_000_000_000)
    assert.match(early, /^[0123456789ABCDEFGHJKMNPQRSTVWXYZ]{26}$/)
    assert.ok(early < late)
  })
})

describe('medianRound', async () => {
  const { medianRound } = await import('../lib/scenario.ts')

  test('picks the round with the median req/s, latencies included', () => {
    const rounds = [measurement('hearth', 'list', 900), { ...measurement('hearth', 'list', 1000), p99Ms: 99 }, measurement('hearth', 'list', 5000)]
    assert.equal(medianRound(rounds).requestsPerSecond, 1000)
    assert.equal(medianRound(rounds).p99Ms, 99)
    assert.equal(medianRound([measurement('hearth', 'list', 7)]).requestsPerSecond, 7)
  })
})
