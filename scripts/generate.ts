// Writes every generated artefact: SQL migrations (drizzle-kit, from src/db/schema.ts) and each
// app's API contract (schema.graphql / openapi.json, from scripts/generate-artifacts.ts).
//   npm run generate                 all packages
//   npm run generate -- devmarkt     one
//   npm run generate -- --check      regenerate, then fail if anything differs from what is committed
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(import.meta.dirname, '..')
const args = process.argv.slice(2)
const check = args.includes('--check')
const names = args.filter((arg) => !arg.startsWith('--'))

const packages = [{ name: 'kernel', dir: join(root, 'packages', 'kernel') }, ...readdirSync(join(root, 'apps')).map((name) => ({ name, dir: join(root, 'apps', name) }))].filter(
  (pkg) => names.length === 0 || names.includes(pkg.name),
)

const run = (command: string, commandArgs: string[]) => execFileSync(command, commandArgs, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })

for (const pkg of packages) {
  const schema = join(pkg.dir, 'src', 'db', 'schema.ts')
  if (existsSync(schema)) {
    const out = join(pkg.dir, 'migrations')
    run(process.execPath, [join(root, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate', '--dialect=postgresql', `--schema=${relative(root, schema)}`, `--out=${relative(root, out)}`])
    // Tables live in each app's own schema through search_path, so the migrations must not pin "public".
    for (const file of readdirSync(out).filter((name) => name.endsWith('.sql'))) {
      const path = join(out, file)
      const text = readFileSync(path, 'utf8')
      const unpinned = text.replaceAll('"public".', '')
      if (unpinned !== text) writeFileSync(path, unpinned)
    }
  }
  const artefacts = join(pkg.dir, 'scripts', 'generate-artifacts.ts')
  if (existsSync(artefacts)) run(process.execPath, ['--import', 'tsx', artefacts])
}

if (check) {
  const changed = run('git', ['status', '--porcelain', '--', ...packages.map((pkg) => relative(root, pkg.dir))]).trim()
  if (changed) {
    console.error(`Generated artefacts differ from what is committed (run npm run generate and commit):\n${changed}`)
    process.exit(1)
  }
  console.log('Generated artefacts are up to date.')
}
