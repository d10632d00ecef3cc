import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import cors, { type FastifyCorsOptions } from '@fastify/cors'
import type {} from '@fastify/swagger' // route schemas may say `hide`
import type { BaseConfig } from '../config/index.ts'
import type { Database } from '../db/index.ts'
import type { EventBus } from '../events/index.ts'
import type { Redis } from '../redis/index.ts'
import { createLogger, deferredChildLoggerFactory, type Logger } from '../log/index.ts'
import { createMetrics, type AppMetrics } from '../metrics/index.ts'
import { defaultErrorFormatter, errors, HearthError, toHearthError, type ErrorFormatter } from '../http/errors.ts'
import { hearthSchemaController } from '../http/validation.ts'
import { buildSerializerFactory } from '../http/serialization.ts'
import { hearthContextPlugin, hearthRoutesPlugin } from './plugins.ts'
import { answerClientError, transportLimits } from '../http/transport.ts'

/** What every Hearth app has at hand, as the `hearth` decorator. */
export interface HearthContext {
  readonly config: BaseConfig
  readonly database: Database
  readonly events: EventBus
  readonly redis: Redis | undefined
  readonly metrics: AppMetrics
}

declare module 'fastify' {
  interface FastifyInstance {
    hearth: HearthContext
  }
}

export interface CreateAppOptions {
  config: BaseConfig
  database: Database
  events: EventBus
  redis?: Redis
  /** The app's wire format for errors; the default is `{ error: { code, message } }`. */
  formatError?: ErrorFormatter
  /** CORS as the original has it; `CORS_ORIGINS` overrides. `false` = no CORS headers. */
  cors?: FastifyCorsOptions['origin'] | false
  /** What an origin outside the `cors` list gets (see `HttpServerOptions.corsUnlistedOrigin`). */
  corsUnlistedOrigin?: CorsUnlistedOrigin
  logger?: Logger
  /** Extra readiness checks for `/ready` (name → check that throws when not ready). */
  readinessChecks?: Record<string, () => Promise<void>>
  /** Fastify options an app needs beyond the defaults (rare). */
  fastify?: Partial<FastifyServerOptions>
  /** 405 with `Allow` for a known path called with the wrong method (see `HttpServerOptions`). */
  methodNotAllowed?: boolean
  /** The app's error body as a JSON schema: documented on every route for every error status. */
  errorSchema?: Record<string, unknown>
}

export interface HttpServerOptions {
  /** Names the logger, the metrics and the request logs. */
  name: string
  logLevel: string
  bodyLimit: number
  /** The app's wire format for errors; the default is `{ error: { code, message } }`. */
  formatError?: ErrorFormatter
  /**
   * Allowed CORS origins; `false` = no CORS headers. Preflights answer every method the app's routes
   * use and reflect the requested headers; error answers carry the CORS headers too.
   */
  cors?: FastifyCorsOptions['origin'] | false
  /**
   * When `cors` is a list of origins, what a request from any other origin (or with none) gets:
   * `omit` (default) sends no CORS headers; `first-allowed` answers with the list's first origin as
   * `Access-Control-Allow-Origin` (and `Vary: Origin`), as API Gateway setups that always name one
   * origin do — the browser refuses the answer either way.
   */
  corsUnlistedOrigin?: CorsUnlistedOrigin
  /** Check each response against its schema before writing it (see `http/serialization.ts`). */
  validateResponses?: boolean
  /** The app's error body as a JSON schema: documented on every route for every error status. */
  errorSchema?: Record<string, unknown>
  /** Slow clients: how long a request's headers, and the whole request, may take to arrive. */
  headersTimeoutMs?: number
  requestTimeoutMs?: number
  logger?: Logger
  fastify?: Partial<FastifyServerOptions>
  /**
   * Answer a known path called with the wrong method with 405 and an `Allow` header (as Flask and
   * Quart do) rather than 404. Off by default: most originals answered 404.
   */
  methodNotAllowed?: boolean
}

export type CorsUnlistedOrigin = 'omit' | 'first-allowed'

/** The `origin` option of @fastify/cors for a list of origins and the chosen answer to others. */
export function corsOrigin(origins: FastifyCorsOptions['origin'], unlisted: CorsUnlistedOrigin = 'omit'): FastifyCorsOptions['origin'] {
  const list = typeof origins === 'string' ? [origins] : Array.isArray(origins) && origins.every((origin) => typeof origin === 'string') ? (origins as string[]) : undefined
  if (unlisted === 'omit' || list === undefined || list.length === 0 || list.includes('*')) return origins
  const first = list[0]!
  // A returned string is written as Access-Control-Allow-Origin as it is; the plugin adds `Vary: Origin`.
  return (origin: string | undefined, callback: (error: Error | null, origin: string) => void) => callback(null, origin !== undefined && list.includes(origin) ? origin : first)
}

/** Methods checked for a 405; HEAD follows GET and OPTIONS is CORS's, so neither says a path exists. */
const routedMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/**
 * The HTTP part every Hearth server shares, database or not (the portal has none): logging and
 * request ids, CORS, metrics and one access line per request, the one error handler and the 404 in
 * the app's format, `/health` and `/metrics`, and connections that close while shutting down.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<{ app: FastifyInstance; metrics: AppMetrics }> {
  const formatError = options.formatError ?? defaultErrorFormatter
  const errorBody = (error: HearthError) => {
    const response = formatError(error)
    return { ...response, payload: JSON.stringify(response.body) }
  }
  const sendError = (error: HearthError, reply: import('fastify').FastifyReply) => {
    const response = errorBody(error)
    if (response.headers) reply.headers(response.headers)
    return reply.status(response.status).type('application/json; charset=utf-8').send(response.payload)
  }
  const limits = transportLimits(options)
  const corsMethods: string[] = []
  const app = Fastify({
    loggerInstance: options.logger ?? createLogger(options.name, options.logLevel),
    logController: new LogController({ disableRequestLogging: true }), // our own access line below
    // request.log builds its pino child on its first written line (see DeferredChildLogger).
    childLoggerFactory: deferredChildLoggerFactory as unknown as FastifyServerOptions['childLoggerFactory'],
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 500 },
    schemaController: hearthSchemaController(buildSerializerFactory({ validateResponses: options.validateResponses ?? false })),
    requestTimeout: limits.requestTimeoutMs,
    // Node enforces both timeouts only when it checks its connections: often enough to matter.
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs) } as never,
    // Malformed URLs (bad percent-encoding) never reach a route: answered here, in the app's shape.
    frameworkErrors: (error, _request, reply) => sendError(toHearthError(error), reply),
    // Errors before Fastify has a request (headers too large, a broken request line, a stalled
    // client) are answered on the socket in the app's shape, never Node's or Fastify's own body.
    clientErrorHandler: (error, socket) => answerClientError(error, socket, errorBody),
    ...options.fastify,
  })
  const metrics = createMetrics(options.name)
  await app.register(hearthRoutesPlugin, {
    onMethod: (method) => {
      if (method !== 'OPTIONS') corsMethods.push(method)
    },
  })
  if (options.errorSchema) {
    const errorSchema = options.errorSchema
    // Every route documents the app's error body for the statuses it has not described itself.
    app.addHook('onRoute', (route) => {
      const schema = route.schema as { response?: Record<string, unknown>; hide?: boolean } | undefined
      if (!schema || schema.hide || !schema.response) return
      const response = schema.response
      if (!Object.keys(response).some((status) => status.startsWith('4'))) response['4xx'] = errorSchema
      if (!Object.keys(response).some((status) => status.startsWith('5'))) response['5xx'] = errorSchema
    })
  }
  if (options.cors !== undefined && options.cors !== false) {
    // `corsMethods` fills in as routes register; the plugin reads the array when it answers.
    await app.register(cors, { origin: corsOrigin(options.cors, options.corsUnlistedOrigin), credentials: true, methods: corsMethods, strictPreflight: false })
  }

  // The hooks every request runs take a callback rather than return a promise: one promise and
  // microtask less per hook and request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  // Node's server.close() only drops connections that are idle when it is called; a keep-alive
  // connection whose request is in flight would then stay open until its keep-alive timeout and
  // stall the shutdown. Answers sent while closing therefore close their connection.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched'
    const elapsedMs = reply.elapsedTime
    metrics.observeRequest({ method: request.method, route, status: reply.statusCode }, elapsedMs / 1000)
    // The logger is pino's (`logger` is typed so), which can say whether a level is on.
    if ((request.log as Logger).isLevelEnabled('info')) {
      request.log.info(
        // `req` goes through Fastify's request serializer (method and url only), so the route sits beside it.
        { req: { method: request.method, url: request.url }, route, res: { statusCode: reply.statusCode }, ms: Math.round(elapsedMs * 10) / 10 },
        'request',
      )
    }
    done()
  })

  app.setErrorHandler((thrown, request, reply) => {
    const error = toHearthError(thrown)
    if (error.status >= 500) request.log.error({ err: thrown }, 'request failed')
    else request.log.info({ code: error.code, message: error.message }, 'request refused')
    return sendError(error, reply)
  })
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/'
    if (options.methodNotAllowed) {
      const allowed = routedMethods.filter((method) => method !== request.method && app.findRoute({ method, url: path }) !== null)
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '))
        return sendError(errors.methodNotAllowed(`Method ${request.method} is not allowed on ${path}`), reply)
      }
    }
    return sendError(errors.notFound(`Route ${request.method} ${path} not found`), reply)
  })

  app.get('/health', { schema: { hide: true }, config: { public: true } }, async () => ({ status: 'UP' }))
  app.get('/metrics', { schema: { hide: true }, config: { public: true } }, async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()))
  return { app, metrics }
}

/**
 * The Fastify factory every app starts from: `createHttpServer`, then the app's resources as the
 * `hearth` decorator and `/ready`. The app then registers its modules on the returned instance.
 * Closing the instance closes the resources it was given.
 */
export async function createApp(options: CreateAppOptions): Promise<FastifyInstance> {
  const { config, database, events, redis } = options
  const { app, metrics } = await createHttpServer({
    name: config.app,
    logLevel: config.logLevel,
    bodyLimit: config.bodyLimit,
    formatError: options.formatError,
    cors: config.corsOrigins ?? options.cors ?? false,
    corsUnlistedOrigin: options.corsUnlistedOrigin,
    logger: options.logger,
    fastify: options.fastify,
    methodNotAllowed: options.methodNotAllowed,
    validateResponses: config.validateResponses,
    errorSchema: options.errorSchema,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  })
  await app.register(hearthContextPlugin, { context: { config, database, events, redis, metrics } satisfies HearthContext, readinessChecks: options.readinessChecks })
  return app
}
