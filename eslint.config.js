// ESLint for the whole monorepo: `npm run lint`. typescript-eslint's recommended rules (syntactic, not
// type-aware: `npm run typecheck` already runs the compiler, and the lint step stays a few seconds),
// a few house rules, and the import boundary every app lives by (docs/architecture.md):
//   apps/<name>/**      imports @hearth/kernel (and its subpaths), npm packages and its own files only
//   packages/kernel/**  never imports an app
//   scripts/, bench/, e2e/, docs/ may import any app (the launcher, the benchmarks and cross-app tests do).
import { dirname, relative, resolve, sep } from 'node:path'
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const root = import.meta.dirname

/** `apps/<name>` or `packages/kernel` for a file under one of them, else undefined. */
function ownerOf(file) {
  const [top, name] = relative(root, file).split(sep)
  if (top === 'apps' && name) return `apps/${name}`
  if (top === 'packages' && name === 'kernel') return 'packages/kernel'
  return undefined
}

/** Checks one import specifier against the boundary of the folder the importing file lives in. */
function boundaryProblem(file, specifier) {
  const owner = ownerOf(file)
  if (!owner) return undefined
  if (specifier.startsWith('@hearth/')) {
    if (specifier === '@hearth/kernel' || specifier.startsWith('@hearth/kernel/')) return undefined
    return owner === 'packages/kernel' ? 'the kernel never imports an app' : 'an app imports only @hearth/kernel, npm packages and its own files'
  }
  if (!specifier.startsWith('.')) return undefined
  const target = relative(root, resolve(dirname(file), specifier))
  if (owner === 'packages/kernel') return target.split(sep)[0] === 'apps' ? 'the kernel never imports an app' : undefined
  if (target === owner || target.startsWith(owner + sep)) return undefined
  return `an app imports only @hearth/kernel, npm packages and its own files (this resolves to ${target.split(sep).join('/')})`
}

const importBoundaries = {
  meta: { type: 'problem', docs: { description: 'An app imports only the kernel and itself; the kernel never imports an app.' }, schema: [] },
  create(context) {
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return
      const problem = boundaryProblem(context.filename, source.value)
      if (problem) context.report({ node: source, message: `Import of '${source.value}' crosses a boundary: ${problem}.` })
    }
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    }
  },
}

export default tseslint.config(
  { ignores: ['**/node_modules/', 'data/', 'dist/', 'bench/.work/', 'bench/peers/', '**/.cache/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { hearth: { rules: { 'import-boundaries': importBoundaries } } },
    rules: {
      'hearth/import-boundaries': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Command-line programs talk to their user on the console.
    files: ['scripts/**', 'bench/**', 'e2e/**', '.ci/**', 'apps/*/scripts/**', 'packages/kernel/scripts/**', 'apps/*/src/server.ts', 'eslint.config.js'],
    rules: { 'no-console': 'off' },
  },
)
