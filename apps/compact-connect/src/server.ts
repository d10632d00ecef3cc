import { listeningUrl, readEnvironment, runServers } from '@hearth/kernel'
import compactConnect from './app.ts'

// Runs CompactConnect alone: `node --import tsx apps/compact-connect/src/server.ts` (`npm start` runs every app).
const config = compactConnect.loadConfig(readEnvironment(), { alone: true })
const app = await compactConnect.buildApp(config)
await runServers([{ app, config }])
const banner = await compactConnect.banner(config, app)
console.log(`CompactConnect on ${listeningUrl(app)} — docs ${listeningUrl(app)}${banner.docsPath}`)
for (const [label, value] of Object.entries(banner.credentials)) console.log(`  ${label}: ${value}`)
