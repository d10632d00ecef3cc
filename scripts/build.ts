// `npm run build`: compiles the kernel, every app (sources and seeds) and the launcher to plain
// JavaScript in `dist/`, so production runs `node dist/scripts/start.js <app>` with no TypeScript
// tooling loaded. The kernel's test kit (`src/testing`) is left out: nothing in production can load it.
//
// dist/ mirrors the repository: dist/apps/<name>/src/*.js beside a copy of its migrations (and any
// non-TypeScript file its sources read, such as GraphQL SDL), and dist/packages/kernel with a
// package.json whose exports point at the compiled files. dist/node_modules/@hearth/kernel links to
// it, so `import '@hearth/kernel'` from compiled code finds the compiled kernel first; every other
// package resolves from the repository's node_modules as usual.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = join(import.meta.dirname, '..')
const outDir = resolve(root, process.argv[2] ?? 'dist')
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')

rmSync(outDir, { recursive: true, force: true })
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' })

/** Copies every file under `from` that is not TypeScript, keeping the layout. */
function copyAssets(from: string, to: string) {
  for (const entry of readdirSync(from)) {
    const source = join(from, entry)
    if (statSync(source).isDirectory()) copyAssets(source, join(to, entry))
    else if (!entry.endsWith('.ts')) {
      mkdirSync(to, { recursive: true })
      cpSync(source, join(to, entry))
    }
  }
}

const kernel = join(root, 'packages', 'kernel')
cpSync(join(kernel, 'migrations'), join(outDir, 'packages', 'kernel', 'migrations'), { recursive: true })
for (const name of readdirSync(join(root, 'apps'))) {
  const app = join(root, 'apps', name)
  if (existsSync(join(app, 'migrations'))) cpSync(join(app, 'migrations'), join(outDir, 'apps', name, 'migrations'), { recursive: true })
  copyAssets(join(app, 'src'), join(outDir, 'apps', name, 'src'))
}

// The compiled kernel as a package: the same subpath exports, minus the test kit.
const manifest = JSON.parse(readFileSync(join(kernel, 'package.json'), 'utf8')) as { name: string; version: string; type: string }
writeFileSync(
  join(outDir, 'packages', 'kernel', 'package.json'),
  JSON.stringify(
    { name: manifest.name, version: manifest.version, type: manifest.type, private: true, exports: { '.': './src/index.js', './*': './src/*/index.js', './testing': null, './testing/*': null } },
    null,
    2,
  ) + '\n',
)
const link = join(outDir, 'node_modules', '@hearth', 'kernel')
mkdirSync(dirname(link), { recursive: true })
symlinkSync(relative(dirname(link), join(outDir, 'packages', 'kernel')), link, 'dir')
console.log(`Built ${relative(root, outDir)}/: node ${relative(root, join(outDir, 'scripts', 'start.js'))} [app…]`)
