import websocket from '@fastify/websocket'
import type { FastifyInstance } from 'fastify'
import mercurius from 'mercurius'
import { getOperationAST, getVariableValues, isInputObjectType, Kind, type DocumentNode, type GraphQLSchema, type TypeNode } from 'graphql'
import type { Database } from '@hearth/kernel'
import type { CallerService } from '../auth/caller.service.ts'
import type { Services } from '../container.ts'
import type { DevmarktConfig } from '../config.ts'
import type { DevmarktEventBus } from '../events.ts'
import { createContext } from './context.ts'
import { depthLimitRule } from './depth-limit.ts'
import { graphqlErrorFormatter } from './errors.ts'
import { registerGraphiql } from './graphiql.ts'
import { parseJsonPreservingLargeIntegers, quoteLargeIntegers, stringifyWithBigInt } from './json.ts'
import { buildDevmarktSchema } from './schema.ts'
import { chooseSubprotocol, SubscriptionServer } from './websocket.ts'

export interface GraphqlDependencies {
  config: DevmarktConfig
  database: Database
  callers: CallerService
  services: Services
  bus: DevmarktEventBus
}

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
      (definition) =>
        definition.kind === Kind.OPERATION_DEFINITION &&
        (definition.variableDefinitions ?? []).some((variable) => isInputObjectType(schema.getType(namedTypeOf(variable.type)))),
    )
    inputObjectVariables.set(document, known)
  }
  return known
}

export async function registerGraphql(app: FastifyInstance, deps: GraphqlDependencies): Promise<void> {
  const { config } = deps
  const schema = buildDevmarktSchema(deps.bus, app.log)
  const validationRules = [depthLimitRule(config.queryDepthLimit)]
  const contextFor = (authorization: string | undefined) => createContext(deps, authorization)
  const subscriptions = new SubscriptionServer({ schema, validationRules, maxDocumentLength: config.maxDocumentLength, createContext: contextFor, log: app.log })

  // A role change or deletion in any process ends that user's subscriptions in every process.
  // (The listener goes away with the bus, which the kernel closes with the app.)
  await deps.bus.subscribe('userSessionsEnded', ({ userId }) => subscriptions.endSessionsOf(userId))
  app.addHook('preClose', async () => subscriptions.closeAll())

  await app.register(async (scope) => {
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
    scope.addHook('preValidation', (request, _reply, done) => {
      if (request.method === 'GET') {
        const query = request.query as Record<string, unknown> | undefined
        if (typeof query?.variables === 'string') query.variables = quoteLargeIntegers(query.variables)
      }
      done()
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
      graphql: { parseOptions: { maxTokens: 10_000 } },
    })
    scope.graphql.addHook('preParsing', async (_schema, source) => {
      if (source.length > config.maxDocumentLength) throw new Error(`The document is longer than the limit of ${config.maxDocumentLength} characters.`)
    })
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
  registerGraphiql(app)
}
