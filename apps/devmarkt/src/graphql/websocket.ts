import { execute, parse, specifiedRules, subscribe, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema, type ValidationRule } from 'graphql'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import { GraphqlRequestError, readGraphqlEnvelope, unsafeVariablesError, type GraphqlRequestGuard } from '@hearth/kernel/graphql'
import type { WebSocket } from 'ws'
import { formatExecutionErrors } from './errors.ts'
import { stringifyWithBigInt } from './json.ts'
import type { DevmarktContext } from './context.ts'

export const TRANSPORT_WS = 'graphql-transport-ws'
export const LEGACY_WS = 'graphql-ws'

/** The subprotocol a client may speak, preferring the current one when it offers both. */
export function chooseSubprotocol(offered: Set<string>): string | false {
  if (offered.has(TRANSPORT_WS)) return TRANSPORT_WS
  if (offered.has(LEGACY_WS)) return LEGACY_WS
  return false
}

interface Operation {
  id: string
  connection: Connection
  iterator?: AsyncIterator<ExecutionResult>
  /** Users whose role change or deletion ends this operation (the caller, and a Foreign sudoer). */
  userIds: number[]
  ended: boolean
}

interface Connection {
  socket: WebSocket
  protocol: typeof TRANSPORT_WS | typeof LEGACY_WS
  upgradeAuthorization: string | undefined
  authorization: string | undefined
  initialised: boolean
  operations: Map<string, Operation>
  keepAlive?: NodeJS.Timeout
  initTimeout?: NodeJS.Timeout
}

export interface SubscriptionServerOptions {
  schema: GraphQLSchema
  validationRules: ValidationRule[]
  /** The same request checks as HTTP (envelope, document limits, operation selection). */
  guard: GraphqlRequestGuard
  /** graphql-js' token guard while parsing. */
  maxTokens: number
  createContext(authorization: string | undefined): DevmarktContext
  log: FastifyBaseLogger
  keepAliveMs?: number
  initTimeoutMs?: number
}

/**
 * GraphQL over WebSocket, both subprotocols: `graphql-transport-ws` (graphql-ws library) and the
 * legacy Apollo `graphql-ws` (subscriptions-transport-ws). Written here rather than taken from
 * mercurius so that (1) a user's operations can be ended from outside (role change, deletion, in
 * any process), each with a `complete`; (2) `Authorization` comes from the upgrade request or the
 * `connection_init` payload; (3) results go through the same BigInt-exact JSON and error format as
 * HTTP.
 */
export class SubscriptionServer {
  private readonly connections = new Set<Connection>()
  private readonly byUser = new Map<number, Set<Operation>>()

  constructor(private readonly options: SubscriptionServerOptions) {}

  accept(socket: WebSocket, request: FastifyRequest): void {
    const protocol = socket.protocol === TRANSPORT_WS || socket.protocol === LEGACY_WS ? socket.protocol : undefined
    if (!protocol) {
      socket.close(4406, 'Subprotocol not acceptable') // graphql-ws' code for it
      return
    }
    const header = request.headers.authorization
    const connection: Connection = {
      socket,
      protocol,
      upgradeAuthorization: typeof header === 'string' ? header : undefined,
      authorization: undefined,
      initialised: false,
      operations: new Map(),
    }
    this.connections.add(connection)
    connection.initTimeout = setTimeout(() => {
      if (!connection.initialised) socket.close(4408, 'Connection initialisation timeout')
    }, this.options.initTimeoutMs ?? 10_000)
    socket.on('message', (data, isBinary) => {
      void this.onMessage(connection, isBinary ? data.toString() : String(data)).catch((error) => {
        this.options.log.error({ err: error }, 'websocket message failed')
        socket.close(4500, 'Internal server error')
      })
    })
    socket.on('close', () => this.onClose(connection))
    socket.on('error', () => socket.terminate())
  }

  /** Ends every operation of this user on this process, sending `complete` for each. */
  endSessionsOf(userId: number): void {
    for (const operation of [...(this.byUser.get(userId) ?? [])]) {
      if (this.stop(operation)) this.send(operation.connection, { type: 'complete', id: operation.id })
    }
  }

  /** Closes every socket (server shutdown). */
  closeAll(): void {
    for (const connection of [...this.connections]) connection.socket.close(1001, 'Server shutting down')
  }

  private async onMessage(connection: Connection, text: string): Promise<void> {
    let message: { type?: unknown; id?: unknown; payload?: unknown }
    try {
      message = JSON.parse(text)
    } catch {
      return this.protocolError(connection, 'Invalid message received')
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return this.protocolError(connection, 'Invalid message received')
    const legacy = connection.protocol === LEGACY_WS
    switch (message.type) {
      case 'connection_init':
        return this.onInit(connection, message.payload)
      case 'ping':
        if (!legacy) this.send(connection, { type: 'pong' })
        return
      case 'pong':
        return
      case 'connection_terminate':
        connection.socket.close(1000)
        return
      case 'subscribe':
      case 'start': {
        if ((message.type === 'start') !== legacy) return this.protocolError(connection, `Unexpected message type ${message.type}`)
        if (!connection.initialised) {
          if (legacy) return this.send(connection, { type: 'error', id: message.id, payload: { message: 'Connection has not been initialised' } })
          connection.socket.close(4401, 'Unauthorized')
          return
        }
        if (typeof message.id !== 'string' || message.id === '') return this.protocolError(connection, 'An operation needs an id')
        return this.onSubscribe(connection, message.id, message.payload)
      }
      case 'complete':
      case 'stop': {
        if (typeof message.id !== 'string') return this.protocolError(connection, 'An operation needs an id')
        const operation = connection.operations.get(message.id)
        if (operation && this.stop(operation) && legacy) this.send(connection, { type: 'complete', id: operation.id })
        return
      }
      default:
        return this.protocolError(connection, `Unexpected message type ${message.type}`)
    }
  }

  private onInit(connection: Connection, payload: unknown): void {
    if (connection.initialised) {
      if (connection.protocol === TRANSPORT_WS) connection.socket.close(4429, 'Too many initialisation requests')
      return
    }
    // The original reads `Authorization` (that exact key) from the payload; the upgrade header also works.
    const fromPayload = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).Authorization : undefined
    connection.authorization = typeof fromPayload === 'string' ? fromPayload : connection.upgradeAuthorization
    connection.initialised = true
    clearTimeout(connection.initTimeout)
    this.send(connection, { type: 'connection_ack' })
    if (connection.protocol === LEGACY_WS) {
      this.send(connection, { type: 'ka' })
      connection.keepAlive = setInterval(() => this.send(connection, { type: 'ka' }), this.options.keepAliveMs ?? 15_000)
      connection.keepAlive.unref()
    }
  }

  private async onSubscribe(connection: Connection, id: string, payload: unknown): Promise<void> {
    if (connection.operations.has(id)) {
      if (connection.protocol === TRANSPORT_WS) connection.socket.close(4409, `Subscriber for ${id} already exists`)
      return
    }
    // A payload that is no GraphQL request (no string `query`, `variables` not an object, …)
    // breaks graphql-transport-ws itself: the protocol closes with 4400. The legacy protocol
    // answers the operation with the error instead.
    try {
      readGraphqlEnvelope(payload, { encoding: 'object' })
    } catch (error) {
      if (!(error instanceof GraphqlRequestError)) throw error
      if (connection.protocol === TRANSPORT_WS) return this.protocolError(connection, error.message)
      return this.sendErrors(connection, id, [{ message: error.message }])
    }
    let checked
    try {
      checked = this.options.guard.check(payload, { encoding: 'object', transport: 'websocket' })
    } catch (error) {
      if (!(error instanceof GraphqlRequestError)) throw error
      return this.sendErrors(connection, id, [{ message: error.message }])
    }
    const { query, variables, operationName } = checked
    if (checked.syntaxError) return this.sendErrors(connection, id, formatExecutionErrors([checked.syntaxError], this.options.log))
    const unsafe = unsafeVariablesError(variables)
    if (unsafe) return this.sendErrors(connection, id, [{ message: unsafe.message }])
    const document: DocumentNode = parse(query, { maxTokens: this.options.maxTokens })
    const errors = validate(this.options.schema, document, [...specifiedRules, ...this.options.validationRules])
    if (errors.length > 0) return this.sendErrors(connection, id, formatExecutionErrors(errors, this.options.log))
    const isSubscription = checked.operation === 'subscription'

    const operation: Operation = { id, connection, userIds: [], ended: false }
    connection.operations.set(id, operation)
    const context = this.options.createContext(connection.authorization)
    const args = { schema: this.options.schema, document, variableValues: variables, operationName, contextValue: context }

    if (!isSubscription) {
      const result = await execute(args)
      if (!this.stop(operation)) return
      this.sendResult(connection, id, result)
      this.send(connection, { type: 'complete', id })
      return
    }

    const subscription = await subscribe(args)
    const caller = await context.caller()
    if (operation.ended) {
      if ('return' in subscription && typeof subscription.return === 'function') await subscription.return()
      return
    }
    if (!(Symbol.asyncIterator in subscription)) {
      // No stream started (e.g. UNAUTHORIZED/FORBIDDEN): the errors are the operation's result.
      this.stop(operation)
      this.sendResult(connection, id, subscription)
      this.send(connection, { type: 'complete', id })
      return
    }
    operation.iterator = subscription
    operation.userIds = caller ? [caller.user.id, ...(caller.actingAdminId !== undefined ? [caller.actingAdminId] : [])] : []
    for (const userId of operation.userIds) {
      let set = this.byUser.get(userId)
      if (!set) this.byUser.set(userId, (set = new Set()))
      set.add(operation)
    }
    try {
      for (;;) {
        const next = await subscription.next()
        if (next.done || operation.ended) break
        this.sendResult(connection, id, next.value)
      }
    } catch (error) {
      this.options.log.error({ err: error }, 'subscription failed')
      if (this.stop(operation)) this.sendErrors(connection, id, [{ message: 'Internal server error' }])
      return
    }
    if (this.stop(operation)) this.send(connection, { type: 'complete', id })
  }

  /** Removes the operation and ends its stream. True when this call ended it (so exactly one `complete` goes out). */
  private stop(operation: Operation): boolean {
    if (operation.ended) return false
    operation.ended = true
    operation.connection.operations.delete(operation.id)
    for (const userId of operation.userIds) {
      const set = this.byUser.get(userId)
      set?.delete(operation)
      if (set?.size === 0) this.byUser.delete(userId)
    }
    void operation.iterator?.return?.()
    return true
  }

  private onClose(connection: Connection): void {
    clearTimeout(connection.initTimeout)
    clearInterval(connection.keepAlive)
    for (const operation of [...connection.operations.values()]) this.stop(operation)
    this.connections.delete(connection)
  }

  private protocolError(connection: Connection, reason: string): void {
    // A close reason is at most 123 bytes of UTF-8.
    if (connection.protocol === TRANSPORT_WS) connection.socket.close(4400, Buffer.byteLength(reason) <= 123 ? reason : 'Invalid message received')
    else this.send(connection, { type: 'connection_error', payload: { message: reason } })
  }

  private sendResult(connection: Connection, id: string, result: ExecutionResult): void {
    const payload: Record<string, unknown> = {}
    if ('data' in result) payload.data = result.data ?? null
    if (result.errors && result.errors.length > 0) payload.errors = formatExecutionErrors(result.errors, this.options.log)
    this.send(connection, { type: connection.protocol === TRANSPORT_WS ? 'next' : 'data', id, payload })
  }

  private sendErrors(connection: Connection, id: string, errors: { message: string }[]): void {
    if (connection.protocol === TRANSPORT_WS) return this.send(connection, { type: 'error', id, payload: errors })
    // subscriptions-transport-ws answers a refused operation with its errors as data, then complete.
    this.send(connection, { type: 'data', id, payload: { data: null, errors } })
    this.send(connection, { type: 'complete', id })
  }

  private send(connection: Connection, message: Record<string, unknown>): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return
    connection.socket.send(stringifyWithBigInt(message))
  }
}
