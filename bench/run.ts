// `npm run bench -- <scenario>`: runs one scenario (Hearth, the bare-Fastify ceiling and the peer
// against a real PostgreSQL) and writes its section of bench/RESULTS.md. See bench/README.md.
import { join } from 'node:path'
import { EnvReader, readEnvironment } from '@hearth/kernel'
import { ensureBenchDatabase, repositoryRoot } from './lib/environment.ts'
import { execFileSync } from 'node:child_process'
import { makeWorkDir, runScenario, useProductionBuild, type Scenario } from './lib/scenario.ts'
import { missedTargets } from './lib/results.ts'

const scenarios: Record<string, () => Promise<Scenario>> = {
  devmarkt: async () => (await import('./scenarios/devmarkt.ts')).default,
  'send-a-hug': async () => (await import('./scenarios/send-a-hug.ts')).default,
  raise: async () => (await import('./scenarios/raise.ts')).default,
  gom: async () => (await import('./scenarios/gom.ts')).default,
  'compact-connect': async () => (await import('./scenarios/compact-connect.ts')).default,
  'compact-connect-search': async () => (await import('./scenarios/compact-connect-search.ts')).default,
}

const name = process.argv[2]
if (name === 'memory') {
  // Not a load scenario: `npm start`'s peak memory with every app (bench/memory.ts).
  const { runMemory } = await import('./memory.ts')
  process.exit((await runMemory(join(repositoryRoot, 'bench/RESULTS.md'))) ? 0 : 1)
}
if (!name || !(name in scenarios)) {
  console.error(`usage: npm run bench -- <${[...Object.keys(scenarios), 'memory'].join('|')}>`)
  process.exit(2)
}

// Only BENCH_* settings matter here; the apps get a clean environment of their own.
const benchVariables = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('BENCH_')))
const env = new EnvReader(readEnvironment({ env: benchVariables, cwd: repositoryRoot }))
const adminUrl = env.url('BENCH_DATABASE_URL', ['postgres:', 'postgresql:']) ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const work = makeWorkDir()
try {
  const databaseUrl = await ensureBenchDatabase(adminUrl, env.string('BENCH_DATABASE_NAME', 'hearth_bench')!)
  const scenario = await scenarios[name]!()
  // Hearth's apps are measured as production runs them: compiled to JavaScript by `npm run build`
  // (into the repository's dist/, where their packages resolve), not through tsx.
  if (env.bool('BENCH_PRODUCTION_BUILD', true)) {
    console.log('[bench] npm run build (Hearth runs compiled, as in production)')
    execFileSync(process.execPath, ['--import', 'tsx', join(repositoryRoot, 'scripts/build.ts')], { cwd: repositoryRoot, stdio: 'inherit' })
    useProductionBuild(join(repositoryRoot, 'dist'))
  }
  const settings = {
    databaseUrl,
    resultsPath: join(repositoryRoot, 'bench/RESULTS.md'),
    workDir: work.dir,
    connections: env.int('BENCH_CONNECTIONS', 50, { min: 1, max: 1000 }),
    durationSeconds: env.int('BENCH_DURATION', 8, { min: 1, max: 600 }),
    warmupSeconds: env.int('BENCH_WARMUP', 3, { min: 0, max: 120 }),
    rounds: env.int('BENCH_ROUNDS', 3, { min: 1, max: 20 }),
  }
  // Each data size is a run of its own (smallest first), so how cost grows is visible in RESULTS.md.
  const sizes = env.list('BENCH_SIZES')?.map(Number) ?? scenario.sizes?.values ?? [undefined]
  const missed: string[] = []
  for (const size of sizes) missed.push(...missedTargets(await runScenario(scenario, settings, size)))
  console.log(missed.length === 0 ? '[bench] every target met' : `[bench] ${missed.length} target(s) missed (see RESULTS.md)`)
} catch (error) {
  console.error(`[bench] FAILED: ${(error as Error).stack ?? error}`)
  process.exitCode = 1
} finally {
  work.remove()
}
