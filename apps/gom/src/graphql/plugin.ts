import websocket from '@fastify/websocket'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import mercurius from 'mercurius'
import { getOperationAST } from 'graphql'
import { declareRoutesPublic } from '@hearth/kernel'
import {
  depthLimitRule,
  GraphqlRequestError,
  GraphqlRequestGuard,
  graphqlErrorPathsHook,
  registerGraphiql,
  safeStringLiteralsRule,
  unsafeVariablesError,
  type GraphiqlOptions,
} from '@hearth/kernel/graphql'
import type { GomConfig } from '../config.ts'
import type { Container } from '../container.ts'
import type { GomEventBus } from '../events.ts'
import type { Caller } from '../permissions.ts'
import { GomContext } from './context.ts'
import { formatExecutionErrors, graphqlErrorFormatter, requestErrorBody } from './errors.ts'
import { buildGomSchema } from './schema.ts'
import { ReadCache } from './read-cache.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The GraphQL read cache, when `GOM_READ_CACHE` is on (the QA seed empties it). */
    gomReadCache: ReadCache | undefined
  }
}

/** How the GraphQL layer learns who calls (the session module in production; a seam in tests). */
export type CallerResolver = (request: FastifyRequest) => Promise<Caller | undefined>

export interface GraphqlDependencies {
  config: GomConfig
  container: Container
  events: GomEventBus
  resolveCaller: CallerResolver
}

/** graphql-js' token guard while parsing; the request guard counts the same tokens first. */
const MAX_TOKENS = 10_000

/**
 * What every `/graphql` HTTP request must pass before mercurius sees it: the kernel's request
 * guard (envelope types, document limits, operation selection, no subscription over HTTP) and safe
 * strings in the variables. Refusals answer 400 in the GraphQL error shape, with `extensions.code`.
 */
function requestChecker(guard: GraphqlRequestGuard) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (request.ws) return done()
    const fromQueryString = request.method !== 'POST'
    let checked
    try {
      checked = fromQueryString ? guard.check(request.query, { encoding: 'json-text', transport: 'http' }) : guard.check(request.body, { encoding: 'object', transport: 'http' })
    } catch (error) {
      if (!(error instanceof GraphqlRequestError)) return done(error as Error)
      reply.code(400).send(requestErrorBody(error.message))
      return
    }
    if (checked.syntaxError) {
      reply.code(400).send({ data: null, errors: formatExecutionErrors([checked.syntaxError], request.log) })
      return
    }
    const unsafe = unsafeVariablesError(checked.variables)
    if (unsafe) {
      reply.code(400).send(requestErrorBody(unsafe.message, 'BAD_USER_INPUT'))
      return
    }
    const body = request.body as Record<string, unknown> | undefined
    if (!fromQueryString && body && body.extensions === null) delete body.extensions
    done()
  }
}

interface ReadCacheContext {
  gomOperation?: 'query' | 'mutation' | 'subscription'
}

/** The route's preHandler: a cached answer for this caller and request, if there is one. */
function readCacheLookup(cache: ReadCache, resolveCaller: CallerResolver) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.ws) return
    request.gomReadCache = undefined
    if (await cache.answer(request, reply, await resolveCaller(request))) return reply
  }
}

/**
 * `/graphql`: queries and mutations over HTTP, the `order` subscription over WebSocket (both the
 * legacy `graphql-ws` subprotocol of subscriptions-transport-ws, which the Gom UI speaks, and
 * `graphql-transport-ws`), authenticated by the session cookies of the request or of the upgrade.
 * `/api/graphql` reaches the same routes through the app's `/api` rewrite. GraphiQL on `/graphiql`
 * outside production.
 */
export async function registerGraphql(app: FastifyInstance, deps: GraphqlDependencies): Promise<void> {
  const { config, container } = deps
  const schema = buildGomSchema(deps.events)
  const validationRules = [depthLimitRule(config.queryDepthLimit), safeStringLiteralsRule]
  const guard = new GraphqlRequestGuard({ maxDocumentLength: config.maxDocumentLength, maxTokens: MAX_TOKENS, maxNesting: Math.max(64, config.queryDepthLimit + 32) })
  // gom-perf: successful query answers per caller, emptied by every mutation in every process (README "Caches").
  const readCache = config.readCache ? new ReadCache(deps.events, config.readCacheTtlMs) : undefined
  await readCache?.listen(deps.events)
  app.decorate('gomReadCache', readCache)
  app.decorateRequest('gomReadCache', undefined)

  await app.register(async (scope) => {
    declareRoutesPublic(scope, 'schema.graphql')
    scope.addHook('onSend', (_request, reply, payload, done) => {
      if (!reply.hasHeader('content-type')) reply.type('application/json; charset=utf-8')
      done(null, payload)
    })
    // mercurius declares `errors[].path` as strings; list indexes are integers.
    scope.addHook('onRoute', graphqlErrorPathsHook)
    await scope.register(websocket, { options: { maxPayload: 256 * 1024 } })
    await scope.register(mercurius, {
      schema,
      path: '/graphql',
      context: async (request) => ({ gom: new GomContext(await deps.resolveCaller(request), container.services) }),
      errorFormatter: graphqlErrorFormatter as never,
      validationRules,
      queryDepth: config.queryDepthLimit, // also covers subscriptions, which skip validationRules
      graphiql: false,
      ide: false,
      graphql: { parseOptions: { maxTokens: MAX_TOKENS } },
      additionalRouteOptions: {
        preValidation: requestChecker(guard),
        ...(readCache ? { preHandler: readCacheLookup(readCache, deps.resolveCaller) } : {}),
      },
      subscription: {
        // The upgrade's cookies authenticate the connection (spec §3.6); no caller, no connection.
        context: async (socket, request) => {
          const caller = await deps.resolveCaller(request as FastifyRequest).catch(() => undefined)
          if (!caller) {
            socket.send(JSON.stringify({ type: 'connection_error', payload: { message: 'No authorization to connect' } }))
            throw new Error('No authorization to connect')
          }
          return { gom: new GomContext(caller, container.services) }
        },
        keepAlive: 30_000,
      },
    })
    if (readCache) {
      // Which operation ran: a mutation empties the read cache (its transactions have committed by
      // now, and this runs before the answer is sent); a query without errors may be kept.
      scope.graphql.addHook('preExecution', async (_schema, document, context) => {
        const request = (context as { reply?: FastifyReply }).reply?.request
        if (!request || request.ws) return
        const envelope = (request.method === 'POST' ? request.body : request.query) as { operationName?: unknown } | undefined
        const operation = getOperationAST(document, typeof envelope?.operationName === 'string' ? envelope.operationName : undefined)
        ;(context as ReadCacheContext).gomOperation = operation?.operation
      })
      scope.graphql.addHook('onResolution', async (execution, context) => {
        const operation = (context as ReadCacheContext).gomOperation
        if (operation === 'mutation') await readCache.changed()
        else if (operation === 'query' && !execution.errors?.length) {
          const pending = (context as { reply?: FastifyReply }).reply?.request.gomReadCache
          if (pending) pending.storable = true
        }
      })
      scope.addHook('onSend', (request, reply, payload, done) => {
        readCache.keep(request, reply.statusCode, payload)
        done(null, payload)
      })
      scope.addHook('onResponse', (request, _reply, done) => {
        readCache.abandon(request)
        done()
      })
      scope.addHook('onRequestAbort', (request, done) => {
        readCache.abandon(request)
        done()
      })
    }
  })
  if (config.env !== 'production') registerGraphiql(app, GRAPHIQL)
}

/** GraphiQL (outside production): sign in first in the same browser; POSTs carry the CSRF cookie's token. */
const GRAPHIQL: GraphiqlOptions = {
  title: 'Gom GraphiQL',
  defaultQuery: [
    '# Gom. GraphQL needs a signed-in session: sign in first (the start banner has the logins),',
    '# e.g. GET /auth/ping, then POST /auth/login with the X-Csrf-Token header, in this browser.',
    '# POST requests also need the X-Csrf-Token header (the csrf-token cookie value): see Headers.',
    'query Orders($sub: String) {',
    '  ordersConnection(where: { assignedTo: { extUid: $sub } }, orderBy: createdAt_DESC, first: 15) {',
    '    aggregate { count }',
    '    edges { node { uid name stage issuedTo { name1 lastName1 } items { description quantity pricing { amount currency } } } }',
    '  }',
    '}',
    '',
  ].join('\n'),
  defaultVariables: { sub: 'auth0|60a000000000000000000001' },
  headersFromCookies: { 'X-Csrf-Token': 'csrf-token' },
}
