// The ceiling: bare Fastify (no plugins, no database, no logging) answering each benchmarked
// operation with the JSON the real app answered. Usage: node --import tsx bench/ceiling/server.ts <routes.json>
// Routes sharing a method and URL (GraphQL's POST /graphql) are told apart by the request body's
// `operationName`, which Fastify parses as it would for any JSON route.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

export interface CeilingRoute {
  method: 'GET' | 'POST'
  url: string
  /** For routes sharing method and URL: the `operationName` of the JSON body. */
  operationName?: string
  status: number
  json: unknown
}

export interface CeilingConfig {
  port: number
  routes: CeilingRoute[]
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as CeilingConfig
const app = Fastify({ logger: false })

const groups = new Map<string, CeilingRoute[]>()
for (const route of config.routes) {
  const key = `${route.method} ${route.url}`
  groups.set(key, [...(groups.get(key) ?? []), route])
}
for (const routes of groups.values()) {
  const { method, url } = routes[0]!
  const byName = new Map(routes.map((route) => [route.operationName ?? '', route]))
  app.route({
    method,
    url,
    handler: async (request, reply) => {
      const name = (request.body as { operationName?: string } | undefined)?.operationName ?? ''
      const route = byName.get(name) ?? routes[0]!
      return reply.status(route.status).send(route.json)
    },
  })
}
app.get('/bench-ready', async () => ({ status: 'UP' }))

await app.listen({ host: '127.0.0.1', port: config.port })
const stop = () => void app.close().then(() => process.exit(0))
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
