// Runs Gom alone: `node --import tsx apps/gom/src/server.ts`.
import { readEnvironment, runServers, listeningUrl } from '@hearth/kernel'
import gom from './app.ts'

const config = gom.loadConfig(readEnvironment(), { alone: true })
const app = await gom.buildApp(config)
await runServers([{ app, config }])
app.log.info({ url: listeningUrl(app), graphiql: `${listeningUrl(app)}/graphiql` }, 'gom listening')
