// Runs Devmarkt alone: `node --import tsx apps/devmarkt/src/server.ts`.
import { readEnvironment, runServers, listeningUrl } from '@hearth/kernel'
import devmarkt from './app.ts'

const config = devmarkt.loadConfig(readEnvironment(), { alone: true })
const app = await devmarkt.buildApp(config)
await runServers([{ app, config }])
app.log.info({ url: listeningUrl(app), graphiql: `${listeningUrl(app)}/graphiql` }, 'devmarkt listening')
