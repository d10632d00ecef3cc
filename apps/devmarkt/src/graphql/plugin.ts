import websocket from '@fastify/websocket'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import mercurius from 'mercurius'
import { getOperationAST, getVariableValues, isInputObjectType, Kind, type DocumentNode, type GraphQLSchema, type TypeNode } from 'graphql'
import { declareRoutesPublic, type Database } from '@hearth/kernel'
import { depthLimitRule, GraphqlRequestError, GraphqlRequestGuard, registerGraphiql, safeStringLiteralsRule, unsafeVariablesError, type GraphiqlOptions } from '@hearth/kernel/graphql'
import type { CallerService } from '../auth/caller.service.ts'
import type { Repositories, Services } from '../container.ts'
import type { DevmarktConfig } from '../config.ts'
import type { DevmarktEventBus } from '../events.ts'
import { createContext } from './context.ts'
import { formatExecutionErrors, graphqlErrorFormatter, requestErrorBody } from './errors.ts'
import { parseJsonPreservingLargeIntegers, quoteLargeIntegers, stringifyWithBigInt } from './json.ts'
import { buildDevmarktSchema } from './schema.ts'
import { chooseSubprotocol, SubscriptionServer } from './websocket.ts'
import type { DevmarktCaches } from '../cache/caches.ts'

export interface GraphqlDependencies {
  config: DevmarktConfig
  database: Database
  callers: CallerService
  services: Services
  repositories: Repositories
  caches: DevmarktCaches
  bus: DevmarktEventBus
}

/** graphql-js' own token guard while parsing; the request guard counts the same tokens first. */
const MAX_TOKENS = 10_000

const invalidJson = () => Object.assign(new Error('Request body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' })

/**
 * `/graphql` (POST and GET through mercurius, WebSocket subscriptions through our own server on the
 * same path and on `/graphql-ws`) and `/graphiql`. Everything lives in one encapsulated scope, so
 * its JSON parser, serializer and error handling apply to GraphQL only.
 */
const namedTypeOf = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type))
const inputObjectVariables = new WeakMap<DocumentNode, boolean>()

/** Whether any operation of the document declares a variable of an input object type (remembered per parsed document). */
function hasInputObjectVariable(schema: GraphQLSchema, document: DocumentNode): boolean {
  let known = inputObjectVariables.get(document)
  if (known === undefined) {
    known = document.definitions.some(
      (definition) => definition.kind === Kind.OPERATION_DEFINITION && (definition.variableDefinitions ?? []).some((variable) => isInputObjectType(schema.getType(namedTypeOf(variable.type)))),
    )
    inputObjectVariables.set(document, known)
  }
  return known
}

/**
 * What every `/graphql` request (GET, HEAD, POST; not a WebSocket upgrade) must pass before
 * mercurius sees it — and before Fastify's Ajv, which would coerce `{"query":["{roles}"]}` into a
 * string and run it: the kernel's request guard (envelope types, document limits, operation
 * selection, no subscription over HTTP, variable nesting) and safe strings in the variables.
 * Refusals are answered here, in Devmarkt's `{data: null, errors}` shape: the guard's with 400;
 * syntax errors and unsafe variables with 200, like every other GraphQL-level error.
 */
function requestChecker(guard: GraphqlRequestGuard) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (request.ws) return done()
    const fromQueryString = request.method !== 'POST'
    let checked
    try {
      checked = fromQueryString
        ? guard.check(request.query, { encoding: 'json-text', transport: 'http', parseJson: parseJsonPreservingLargeIntegers })
        : guard.check(request.body, { encoding: 'object', transport: 'http' })
    } catch (error) {
      if (!(error instanceof GraphqlRequestError)) return done(error as Error)
      // Spec §5.1: `/graphql` answers HTTP 200 whatever went wrong; the error is in the body.
      reply.code(200).send(requestErrorBody(error.message))
      return
    }
    if (checked.syntaxError) {
      // Answered here (200, like every GraphQL-level error): mercurius would retry a document that
      // does not parse as a JSON-encoded AST and run whatever object that yields.
      reply.code(200).send({ data: null, errors: formatExecutionErrors([checked.syntaxError], request.log) })
      return
    }
    const unsafe = unsafeVariablesError(checked.variables)
    if (unsafe) {
      reply.code(200).send(requestErrorBody(unsafe.message))
      return
    }
    if (fromQueryString) {
      const query = request.query as Record<string, unknown>
      if (typeof query.variables === 'string') query.variables = quoteLargeIntegers(query.variables)
    } else {
      const body = request.body as Record<string, unknown>
      if (body.extensions === null) delete body.extensions // mercurius' route schema wants an object when present
    }
    done()
  }
}

export async function registerGraphql(app: FastifyInstance, deps: GraphqlDependencies): Promise<void> {
  const { config } = deps
  const schema = buildDevmarktSchema(deps.bus, app.log)
  const validationRules = [depthLimitRule(config.queryDepthLimit), safeStringLiteralsRule]
  // Nesting counts `{ [ (` together: room for the selection depth limit plus arguments and values.
  const guard = new GraphqlRequestGuard({ maxDocumentLength: config.maxDocumentLength, maxTokens: MAX_TOKENS, maxNesting: Math.max(64, config.queryDepthLimit + 32) })
  const contextFor = (authorization: string | undefined) => createContext(deps, authorization)
  const subscriptions = new SubscriptionServer({ schema, validationRules, guard, maxTokens: MAX_TOKENS, createContext: contextFor, log: app.log })

  // A role change or deletion in any process ends that user's subscriptions in every process.
  // (The listener goes away with the bus, which the kernel closes with the app.)
  await deps.bus.subscribe('userSessionsEnded', ({ userId }) => subscriptions.endSessionsOf(userId))
  app.addHook('preClose', async () => subscriptions.closeAll())

  await app.register(async (scope) => {
    // Authorization is per field (`@Auth` in the SDL), so the HTTP routes are open; their answers are
    // described by schema.graphql.
    declareRoutesPublic(scope, 'schema.graphql')
    // JSON (with exact 64-bit integers) and application/graphql only; anything else is 415.
    scope.removeContentTypeParser(['application/json', 'text/plain'])
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseJsonPreservingLargeIntegers(body as string))
      } catch {
        done(invalidJson(), undefined)
      }
    })
    // Scope-wide, not a per-request hook. (Hooks below are callback-style: no promise per request.)
    scope.setReplySerializer(stringifyWithBigInt)
    // Fastify drops the content type of error replies; every answer here is JSON.
    scope.addHook('onSend', (_request, reply, payload, done) => {
      if (!reply.hasHeader('content-type')) reply.type('application/json; charset=utf-8')
      done(null, payload)
    })
    // The WebSocket handler rides on mercurius' GET /graphql route; this must run before @fastify/websocket's onRoute.
    scope.addHook('onRoute', (route) => {
      if (route.method === 'GET' && route.url === '/graphql') route.wsHandler = (socket, request) => subscriptions.accept(socket, request)
    })
    await scope.register(websocket, {
      options: { maxPayload: 256 * 1024, handleProtocols: (protocols) => chooseSubprotocol(protocols) },
    })
    scope.get('/graphql-ws', { websocket: true, schema: { hide: true } }, (socket, request) => subscriptions.accept(socket, request))

    await scope.register(mercurius, {
      schema,
      path: '/graphql',
      context: (request) => contextFor(typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined),
      errorFormatter: graphqlErrorFormatter as never,
      validationRules,
      jit: 1,
      graphiql: false,
      ide: false,
      subscription: false,
      graphql: { parseOptions: { maxTokens: MAX_TOKENS } },
      additionalRouteOptions: { preValidation: requestChecker(guard) },
    })
    // No CORS (the original had none; its client is a Discord bot), so a preflight is a method
    // this path does not serve: 405 with Allow, in the GraphQL error shape, and no CORS headers.
    // (An operator who sets the kernel's CORS_ORIGINS gets @fastify/cors' preflight instead.)
    if (config.corsOrigins === undefined) {
      scope.options('/graphql', { schema: { hide: true } }, (_request, reply) => {
        reply.code(405).header('allow', 'GET, POST').send(requestErrorBody('Method OPTIONS is not allowed on /graphql (allowed: GET, POST); there is no CORS.'))
      })
    }
    // graphql-jit (mercurius' `jit`) ignores the default of a non-null input field such as
    // `QuestionInput.minAnswerLength: Int! = 1`; graphql-js coerces variables correctly, so the
    // compiled query gets variables graphql-js has already coerced (defaults filled in).
    // Only documents with an input-object variable can be affected (scalars are coerced alike), so
    // the others (e.g. `application($id: ApplicationId!)`) skip the second coercion.
    scope.graphql.addHook('preExecution', async (hookSchema, document, context, variables) => {
      if (!variables || !hasInputObjectVariable(hookSchema, document)) return
      const request = (context as { reply?: { request: { body?: unknown; query?: unknown } } }).reply?.request
      const envelope = (request?.body ?? request?.query) as { operationName?: unknown } | undefined
      const operation = getOperationAST(document, typeof envelope?.operationName === 'string' ? envelope.operationName : undefined)
      if (!operation) return
      const coerced = getVariableValues(hookSchema, operation.variableDefinitions ?? [], variables)
      return coerced.coerced ? { variables: coerced.coerced } : undefined
    })
  })
  registerGraphiql(app, GRAPHIQL)
}

/** GraphiQL: every field needs an Authorization header, so the Headers tab opens with a template. */
const GRAPHIQL: GraphiqlOptions = {
  title: 'Devmarkt GraphiQL',
  defaultQuery: [
    '# Devmarkt. Every field needs an Authorization header (see the Headers tab below):',
    '#   Self <token>                       a token from the start banner',
    '#   Foreign <admin token> discord:123  an admin acting for another user',
    '{',
    '  templates {',
    '    name',
    '    questions { number question multiline minAnswerLength }',
    '  }',
    '}',
    '',
  ].join('\n'),
  defaultHeaders: { Authorization: 'Self <paste a token from the start banner>' },
}
