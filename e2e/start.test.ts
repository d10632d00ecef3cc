// `npm start` end to end: scripts/start.ts in a child process runs every app and the portal on one
// embedded database, prints the banner, the portal reports every app up, and SIGTERM stops it all
// cleanly (exit 0, the embedded database's lock released). The same again from the compiled tree
// (`npm run build`) with plain `node`: production loads no TypeScript tooling and no test kit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { loadAppModules } from '../scripts/apps.ts'

const root = join(import.meta.dirname, '..')

// Five apps start on one embedded database: minutes on a loaded 2-core machine, not the suite's default 2.
test('npm start serves every app and the portal, and stops cleanly on SIGTERM', { timeout: 600_000 }, () => startsAndStops(['--import', import.meta.resolve('tsx'), join(root, 'scripts', 'start.ts')]))

test('the compiled tree starts with plain node (no tsx, no test kit) and stops cleanly', { timeout: 900_000 }, async () => {
  const outDir = join(root, '.cache', 'build-e2e')
  execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'scripts', 'build.ts'), outDir], { stdio: 'pipe' })
  try {
    // The test kit is not part of the build, and the compiled kernel refuses to export it.
    assert.ok(!existsSync(join(outDir, 'packages', 'kernel', 'src', 'testing')))
    const probe = execFileSync(process.execPath, ['--input-type=module', '-e', "import('@hearth/kernel/testing').then(() => console.log('loaded'), (error) => console.log(error.code))"], {
      cwd: join(outDir, 'apps'),
      encoding: 'utf8',
    })
    assert.equal(probe.trim(), 'ERR_PACKAGE_PATH_NOT_EXPORTED')
    // The compiled tree is the production artefact: no test kit, so no local fakes. Providers an
    // app would fake in development get (unused) real settings, as in production.
    await startsAndStops([join(outDir, 'scripts', 'start.js')], { STRIPE_SECRET_KEY: 'sk_test_compiled_tree_start', AUTHORIZE_NET_API_URL: 'https://apitest.authorize.net/xml/v1/request.api' })
  } finally {
    rmSync(outDir, { recursive: true, force: true })
  }
})

async function startsAndStops(args: string[], extraEnv: Record<string, string> = {}) {
  const modules = await loadAppModules()
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-start-'))
  const workDir = mkdtempSync(join(tmpdir(), 'hearth-start-cwd-')) // no stray .env
  const ports = Object.fromEntries(modules.map((module) => [`${module.name.toUpperCase().replace(/-/g, '_')}_PORT`, '0']))
  const child = spawn(process.execPath, args, {
    cwd: workDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'warn', PORTAL_PORT: '0', ...ports, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = once(child, 'exit')
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  try {
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output.includes('Stop with Ctrl+C.')) resolve()
        else if (child.exitCode !== null) reject(new Error(`npm start exited ${child.exitCode}:\n${output}`))
      }
      child.stdout!.on('data', check)
      child.on('exit', check)
    })
    const portalUrl = /portal\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    assert.ok(portalUrl, `the banner names the portal:\n${output}`)
    for (const module of modules) {
      assert.match(output, new RegExp(`${module.name}\\s+http://127\\.0\\.0\\.1:\\d+\\s+docs: http://127\\.0\\.0\\.1:\\d+/`), `${module.name} in the banner`)
    }
    assert.match(output, /Embedded database: .*embedded \(one schema per app\)/)
    assert.ok(existsSync(join(dataDir, 'embedded', 'hearth.lock')))

    const { apps } = (await (await fetch(`${portalUrl}/api/apps`)).json()) as { apps: { name: string; status: string }[] }
    assert.deepEqual(
      apps.map(({ name, status }) => ({ name, status })),
      modules.map((module) => ({ name: module.name, status: 'up' })),
    )
    assert.equal((await fetch(portalUrl!)).status, 200)

    child.kill('SIGTERM')
    const [code] = await exited
    assert.equal(code, 0, output)
    assert.ok(!existsSync(join(dataDir, 'embedded', 'hearth.lock')), 'the embedded database was closed and its lock released')
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(workDir, { recursive: true, force: true })
  }
}
