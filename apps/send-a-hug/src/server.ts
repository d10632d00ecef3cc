import { readEnvironment, runServers, listeningUrl } from '@hearth/kernel'
import sendAHug from './app.ts'

// Runs Send A Hug alone: `npm start -w @hearth/send-a-hug` or `node --import tsx apps/send-a-hug/src/server.ts`.
const config = sendAHug.loadConfig(readEnvironment(), { alone: true })
const app = await sendAHug.buildApp(config)
await runServers([{ app, config }])
const banner = await sendAHug.banner(config, app)
console.log(`Send A Hug on ${listeningUrl(app)} — docs ${listeningUrl(app)}${banner.docsPath}`)
for (const [label, value] of Object.entries(banner.credentials)) console.log(`  ${label}: ${value}`)
