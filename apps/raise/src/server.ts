import { readEnvironment, runServers } from '@hearth/kernel'
import raise from './app.ts'

const config = raise.loadConfig(readEnvironment(), { alone: true })
const app = await raise.buildApp(config)
await runServers([{ app, config }])
const banner = await raise.banner(config, app)
app.log.info({ docs: banner.docsPath, credentials: banner.credentials }, 'Raise is listening')
