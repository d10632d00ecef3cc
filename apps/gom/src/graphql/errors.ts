import { GraphQLError, type ExecutionResult } from 'graphql'
import type { FastifyBaseLogger } from 'fastify'
import { GomError } from '../errors.ts'

export interface WireError {
  message: string
  locations?: readonly { line: number; column: number }[]
  path?: readonly (string | number)[]
  extensions: { code: string } & Record<string, unknown>
}

interface ErrorLike {
  message: string
  locations?: readonly { line: number; column: number }[]
  path?: readonly (string | number)[]
  extensions?: Record<string, unknown>
  originalError?: unknown
  statusCode?: number
  code?: string
  errors?: unknown[]
}

/**
 * One GraphQL error on the wire: `message`, `locations`, `path` and always `extensions.code`
 * (the Decisions: every GraphQL error carries one). Gom's own errors keep their code; graphql-js
 * validation errors are `GRAPHQL_VALIDATION_FAILED`, syntax errors `GRAPHQL_PARSE_FAILED`, variable
 * and argument coercion errors `BAD_USER_INPUT` (Apollo Server 2's codes, which the original sent);
 * anything unexpected is logged and written as `INTERNAL_SERVER_ERROR` without detail.
 */
export function toWireError(error: ErrorLike, log: FastifyBaseLogger | undefined): WireError {
  const located = { ...(error.locations ? { locations: error.locations } : {}), ...(error.path ? { path: error.path } : {}) }
  const original = error.originalError
  if (original instanceof GomError) return { message: original.message, ...located, extensions: { code: original.code } }
  if (error.path !== undefined && original !== undefined && !(original instanceof GraphQLError)) {
    log?.error({ err: original, path: error.path }, 'resolver failed')
    return { message: 'Internal server error', ...located, extensions: { code: 'INTERNAL_SERVER_ERROR' } }
  }
  const given = error.extensions?.code
  if (typeof given === 'string') return { message: error.message, ...located, extensions: { code: given } }
  let code = 'GRAPHQL_VALIDATION_FAILED'
  if (error.message.startsWith('Syntax Error')) code = 'GRAPHQL_PARSE_FAILED'
  else if (/^Variable "\$|got invalid value|Expected value of type|Expected type/.test(error.message)) code = 'BAD_USER_INPUT'
  else if (error.path !== undefined) code = 'INTERNAL_SERVER_ERROR'
  return { message: error.message, ...located, extensions: { code } }
}

export function formatExecutionErrors(errors: readonly ErrorLike[], log: FastifyBaseLogger | undefined): WireError[] {
  return errors.map((error) => toWireError(error, log))
}

/** An answer given before GraphQL runs (malformed envelope, a document over a limit). */
export function requestErrorBody(message: string, code = 'BAD_REQUEST'): { data: null; errors: WireError[] } {
  return { data: null, errors: [{ message, extensions: { code } }] }
}

/**
 * mercurius' error formatter. GraphQL-level errors answer 200 with `{data, errors}` (Apollo Server
 * 2's behaviour for execution errors); transport mistakes (unparseable JSON, wrong content type,
 * oversized body, malformed envelope, a mutation over GET) answer 4xx in the same body shape.
 */
export function graphqlErrorFormatter(execution: ExecutionResult & { statusCode?: number }, context: { reply?: { log: FastifyBaseLogger }; app?: { log: FastifyBaseLogger } }) {
  const log = context?.reply?.log ?? context?.app?.log
  let status = 200
  const flat: ErrorLike[] = []
  for (const error of execution.errors ?? []) {
    const original = (error as ErrorLike).originalError as ErrorLike | undefined
    const transportStatus = original?.statusCode
    if (original && Array.isArray(original.errors)) {
      for (const inner of original.errors) {
        if (inner instanceof GraphQLError) {
          flat.push(inner)
          status = Math.max(status, 400) // parse and validation errors: 400, as Apollo Server 2 answered
        } else {
          status = Math.max(status, original.code === 'MER_ERR_METHOD_NOT_ALLOWED' ? 405 : 400)
          flat.push({ message: `Malformed GraphQL request: ${(inner as Error).message}`, extensions: { code: 'BAD_REQUEST' } })
        }
      }
      continue
    }
    if (typeof transportStatus === 'number' && transportStatus >= 400 && transportStatus < 500) {
      status = Math.max(status, transportStatus)
      flat.push({ message: typeof original?.code === 'string' && original.code.startsWith('FST_') ? original.message : 'Malformed GraphQL request', extensions: { code: 'BAD_REQUEST' } })
      continue
    }
    flat.push(error as ErrorLike)
  }
  return {
    statusCode: status,
    response: { data: execution.data ?? null, errors: formatExecutionErrors(flat, log) } as unknown as ExecutionResult,
  }
}
