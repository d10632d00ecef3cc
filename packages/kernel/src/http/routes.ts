import type { FastifyInstance, RouteOptions } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route's responses are not described by a JSON schema but by another contract document
     * (`schema.graphql`, a file download). Names that document, for the route table and its readers.
     */
    responsesDescribedBy?: string
  }
}

/** One route as the kernel records it: what the contract tests and the start-up checks read. */
export interface RouteRecord {
  method: string
  url: string
  /** The route's options as registered (hooks later in the chain may still add to its config). */
  options: RouteOptions
}

export interface RouteTable {
  readonly routes: readonly RouteRecord[]
  /** Every method some route answers, for CORS preflights. */
  readonly methods: ReadonlySet<string>
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app, as registered: the source of the generated contract tests. */
    hearthRoutes: RouteTable
  }
}

/** Routes other plugins register that are part of every server's plumbing (CORS's `OPTIONS *`). */
const plumbing = (record: RouteRecord) => record.method === 'OPTIONS' && record.url === '*'

/**
 * Records every route into `app.hearthRoutes` and, once the app is ready, refuses to start it when a
 * route is not secure by default: each route declares a permission or `public: true`, and each
 * route with a visible contract has a response schema for a success status (error statuses are the
 * app's one error body, added by the kernel).
 */
export function recordRoutes(app: FastifyInstance, onMethod: (method: string) => void, options: { refuseInsecure: boolean } = { refuseInsecure: true }): void {
  const routes: RouteRecord[] = []
  const methods = new Set<string>()
  app.decorate('hearthRoutes', { routes, methods })
  app.addHook('onRoute', (options) => {
    for (const method of [options.method].flat()) {
      routes.push({ method, url: options.url, options })
      if (!methods.has(method)) {
        methods.add(method)
        onMethod(method)
      }
    }
  })
  if (options.refuseInsecure)
    app.addHook('onReady', async () => {
      const problems = insecureRoutes(routes)
      if (problems.length > 0) throw new Error(`Refusing to start ${problems.length === 1 ? 'a route' : `${problems.length} routes`} that are not secure by default:\n  ${problems.join('\n  ')}`)
    })
}

/** Routes that break the kernel's rules, one line each (empty when all is well). */
export function insecureRoutes(routes: readonly RouteRecord[]): string[] {
  const problems: string[] = []
  for (const record of routes) {
    if (plumbing(record) || record.method === 'HEAD') continue
    const { config, schema } = record.options as RouteOptions & { config?: Record<string, unknown>; schema?: Record<string, unknown> }
    const where = `${record.method} ${record.url}`
    const permission = config?.permission
    const isPublic = config?.public === true
    if (permission === undefined && !isPublic) problems.push(`${where} declares neither a permission nor \`public: true\``)
    if (permission !== undefined && isPublic) problems.push(`${where} declares both a permission and \`public: true\``)
    const hidden = schema?.hide === true
    const websocket = (record.options as { websocket?: boolean }).websocket === true
    if (hidden || websocket || config?.responsesDescribedBy !== undefined) continue
    const response = schema?.response as Record<string, unknown> | undefined
    const success = Object.keys(response ?? {}).some((status) => /^2(\d\d|xx)$/.test(status))
    if (!success) problems.push(`${where} has no response schema for its success status`)
  }
  return problems
}

/**
 * For plugins whose routes an app does not write itself (GraphQL servers, documentation pages):
 * every route registered in `scope` from now on is public, its responses described by `contract`.
 */
export function declareRoutesPublic(scope: FastifyInstance, contract?: string): void {
  scope.addHook('onRoute', (options) => {
    options.config = { ...options.config, public: true, ...(contract ? { responsesDescribedBy: contract } : {}) }
  })
}
