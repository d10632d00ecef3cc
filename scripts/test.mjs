// Runs the whole suite with node's test runner. Node 20 does not expand globs for --test, so the
// file list is collected here. `npm test -- devmarkt kernel` runs only the matching workspaces.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'))
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('--'))

function collect(dir, found = []) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) collect(path, found)
    else if (entry.endsWith('.test.ts')) found.push(relative(root, path))
  }
  return found
}

const roots = ['packages', 'apps', 'bench', 'scripts', 'e2e'].map((dir) => join(root, dir))
let files = roots.flatMap((dir) => {
  try {
    return collect(dir)
  } catch {
    return []
  }
})
if (filters.length > 0) files = files.filter((file) => filters.some((filter) => file.includes(filter)))
files.sort()
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`)
  process.exit(1)
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2'
// Node 20 picks the TAP reporter when stdout is not a terminal (CI logs), Node 22 and later always
// the spec reporter: name it, so every Node prints the same output and the same `ℹ tests` summary.
// A --test-reporter given on the command line replaces it (the flag adds a reporter each time).
const reporter = passThrough.some((arg) => arg.startsWith('--test-reporter')) ? [] : ['--test-reporter=spec']
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...reporter, ...passThrough, ...files], {
  stdio: 'inherit',
  cwd: root,
})
process.exit(result.status ?? 1)
