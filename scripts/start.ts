// `npm start` runs every app and the portal in one process on one embedded database (one schema
// per app); `npm start -- devmarkt` runs one app alone. See README.md.
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { EmbeddedHost, loadBaseConfig, readEnvironment, runServers, listeningUrl, type BaseConfig, type HearthAppModule } from '@hearth/kernel'
import portal, { type PortalConfig, type PortalEntry } from '../apps/portal/src/app.ts'
import { loadAppModules } from './apps.ts'

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'))
const env = readEnvironment()
const modules = await loadAppModules()
const unknown = requested.filter((name) => name !== 'portal' && !modules.some((module) => module.name === name))
if (unknown.length > 0) {
  console.error(`Unknown app: ${unknown.join(', ')}. Apps: ${modules.map((module) => module.name).join(', ')}, portal.`)
  process.exit(2)
}
const selected = requested.length === 0 ? modules : modules.filter((module) => requested.includes(module.name))
const withPortal = requested.length === 0 || requested.includes('portal')
const alone = selected.length + (withPortal ? 1 : 0) === 1

let host: EmbeddedHost | undefined
const servers: { app: FastifyInstance; config: BaseConfig; module: HearthAppModule }[] = []
// The portal reads this list on every request; it is filled once the apps listen.
const entries: PortalEntry[] = []
let portalServer: { app: FastifyInstance; config: PortalConfig } | undefined
try {
  const configs = selected.map((module) => ({ module, config: module.loadConfig(env, { alone }) }))
  const needsSharedEmbedded = !alone && configs.filter(({ config }) => config.databaseUrl === undefined).length > 1
  if (needsSharedEmbedded) {
    const base = loadBaseConfig(env, { app: 'hearth', defaultPort: 0 })
    const extensions = configs.flatMap(({ module }) => module.migrations.embeddedExtensions ?? [])
    host = await EmbeddedHost.open({ dataDir: join(base.dataDir, 'embedded'), extensions })
  }
  for (const { module, config } of configs) {
    const app = await module.buildApp(config, { host: config.databaseUrl === undefined ? host : undefined })
    servers.push({ app, config, module })
  }
  if (withPortal) {
    const config = portal.loadConfig(env, { alone })
    portalServer = { app: await portal.buildApp({ ...config, entries }), config }
  }
  // One runServers for everything, so one signal closes every app and then the shared database.
  await runServers([...servers, ...(portalServer ? [portalServer] : [])], async () => host?.close())
} catch (error) {
  await Promise.allSettled([...servers, ...(portalServer ? [portalServer] : [])].map(({ app }) => app.close()))
  await host?.close()
  console.error(`\nHearth could not start: ${(error as Error).message}\n`)
  process.exit(1)
}

for (const { app, config, module } of servers) {
  const url = listeningUrl(app)
  const banner = await module.banner(config, app)
  // Demo credentials are signed with the real secrets: never print or serve them in production.
  const credentials = config.env === 'production' ? {} : banner.credentials
  entries.push({ name: module.name, url, docsUrl: url + banner.docsPath, credentials })
}

const lines: string[] = ['', 'Hearth is running.', '']
if (portalServer) lines.push(`  portal            ${listeningUrl(portalServer.app)}`, '')
for (const entry of entries) {
  lines.push(`  ${entry.name.padEnd(16)}  ${entry.url}    docs: ${entry.docsUrl}`)
  for (const [label, value] of Object.entries(entry.credentials)) lines.push(`      ${label}: ${value}`)
  lines.push('')
}
lines.push(host ? `Embedded database: ${join(loadBaseConfig(env, { app: 'hearth', defaultPort: 0 }).dataDir, 'embedded')} (one schema per app).` : '', 'Stop with Ctrl+C.', '')
console.log(lines.join('\n'))
