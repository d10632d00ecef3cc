import { GraphQLError, type ExecutionResult } from 'graphql'
import type { FastifyBaseLogger } from 'fastify'

/** `@Auth` refusals. On the wire they carry only `message` and `extensions.classification`. */
export class AuthError extends Error {
  constructor(
    readonly classification: 'UNAUTHORIZED' | 'FORBIDDEN',
    message: string,
  ) {
    super(message)
    this.name = 'AuthError'
  }
}

export const unauthorized = () => new AuthError('UNAUTHORIZED', 'No or invalid authentication found.')
export const forbidden = (parentType: string, field: string) => new AuthError('FORBIDDEN', `You're forbidden to use '${parentType}' @ '${field}'.`)

export interface Violation {
  message: string
  constraint: string
  /** The argument path that failed, e.g. ["answers", 0, "answer"]. */
  validatedPath: (string | number)[]
}

/** Every constraint violation of one field's arguments; expanded to one error each on the wire. */
export class ValidationFailure extends Error {
  constructor(readonly violations: Violation[]) {
    super(violations[0]?.message ?? 'validation failed')
    this.name = 'ValidationFailure'
  }
}

/** A client mistake the schema cannot express (e.g. a `UserIdInput` without `number`). */
export class UserInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UserInputError'
  }
}

export interface WireError {
  message: string
  locations?: readonly { line: number; column: number }[]
  path?: readonly (string | number)[]
  extensions?: Record<string, unknown>
}

interface ErrorLike {
  message: string
  locations?: readonly { line: number; column: number }[]
  path?: readonly (string | number)[]
  extensions?: Record<string, unknown>
  originalError?: unknown
  statusCode?: number
  code?: string
}

/**
 * One GraphQL error as Devmarkt writes it. Resolver failures that are not ours (a database error, a
 * bug) are logged and written as a bare "Internal server error" with no detail.
 */
export function toWireErrors(error: ErrorLike, log: FastifyBaseLogger | undefined): WireError[] {
  const original = error.originalError
  if (original instanceof AuthError) return [{ message: original.message, extensions: { classification: original.classification } }]
  if (original instanceof ValidationFailure) {
    return original.violations.map((violation) => ({
      message: violation.message,
      ...(error.locations ? { locations: error.locations } : {}),
      ...(error.path ? { path: error.path } : {}),
      extensions: { classification: { type: 'ExtendedValidationError', validatedPath: violation.validatedPath, constraint: violation.constraint } },
    }))
  }
  const located = { ...(error.locations ? { locations: error.locations } : {}), ...(error.path ? { path: error.path } : {}) }
  if (original instanceof UserInputError) return [{ message: original.message, ...located }]
  if (error.path !== undefined && original !== undefined && !(original instanceof GraphQLError)) {
    log?.error({ err: original, path: error.path }, 'resolver failed')
    return [{ message: 'Internal server error', ...located }]
  }
  return [{ message: error.message, ...located, ...(error.extensions && Object.keys(error.extensions).length > 0 ? { extensions: error.extensions } : {}) }]
}

export function formatExecutionErrors(errors: readonly ErrorLike[], log: FastifyBaseLogger | undefined): WireError[] {
  return errors.flatMap((error) => toWireErrors(error, log))
}

/**
 * The body of an answer given before GraphQL runs (a malformed envelope, a document over a limit,
 * an operation that cannot be selected, an unsafe variable): the same `{data: null, errors}` shape
 * as every other GraphQL answer, one error with only a message.
 */
export function requestErrorBody(message: string): { data: null; errors: WireError[] } {
  return { data: null, errors: [{ message }] }
}

/**
 * mercurius' error formatter. GraphQL-level errors (syntax, validation, variables, resolvers) answer
 * HTTP 200 like the original; only transport mistakes (unparseable JSON, a wrong content type, an
 * oversized body, a malformed request envelope, a mutation over GET) get a 4xx.
 */
export function graphqlErrorFormatter(execution: ExecutionResult & { statusCode?: number }, context: { reply?: { log: FastifyBaseLogger }; app?: { log: FastifyBaseLogger } }) {
  const log = context?.reply?.log ?? context?.app?.log
  let status = 200
  const flat: ErrorLike[] = []
  for (const error of execution.errors ?? []) {
    const original = (error as ErrorLike).originalError as (ErrorLike & { errors?: ErrorLike[] }) | undefined
    const transportStatus = original?.statusCode
    if (original && Array.isArray(original.errors)) {
      // mercurius wraps parse/validation errors (and request-envelope errors) in one error.
      for (const inner of original.errors) {
        if (inner instanceof GraphQLError) flat.push(inner)
        else {
          status = Math.max(status, original.code === 'MER_ERR_METHOD_NOT_ALLOWED' ? 405 : 400)
          flat.push({ message: original.code === 'MER_ERR_METHOD_NOT_ALLOWED' ? inner.message : `Malformed GraphQL request: ${inner.message}` })
        }
      }
      continue
    }
    if (typeof transportStatus === 'number' && transportStatus >= 400 && transportStatus < 500 && typeof original?.code === 'string' && original.code.startsWith('FST_')) {
      status = Math.max(status, transportStatus)
      flat.push({ message: original.message })
      continue
    }
    if (typeof transportStatus === 'number' && transportStatus >= 400 && transportStatus < 500 && original?.code === 'MER_ERR_GQL_VALIDATION') {
      // Variables (GET) that are not JSON.
      status = Math.max(status, 400)
      flat.push({ message: 'Malformed GraphQL request: variables are not valid JSON' })
      continue
    }
    flat.push(error as ErrorLike)
  }
  return {
    statusCode: status,
    response: { data: execution.data ?? null, errors: formatExecutionErrors(flat, log) } as unknown as ExecutionResult,
  }
}
