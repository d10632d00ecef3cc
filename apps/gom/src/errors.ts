import { HearthError, type ErrorFormatter } from '@hearth/kernel'
import { wireErrorResponse } from './modules/auth/errors.ts'

/**
 * Gom's error catalogue.
 *
 * GraphQL: every error the API raises is a `GomError` whose `code` becomes `extensions.code` on
 * the wire (the original's Apollo codes and its own: spec §2.5). Services throw these; the GraphQL
 * error formatter (`graphql/errors.ts`) writes them.
 *
 * REST (`/auth/*`, `/webpush/*`, unknown routes): the NestJS default body
 * `{statusCode, message, error?}` (spec §6 "Error envelope").
 */
export type GomErrorCode =
  'FORBIDDEN' | 'SERVER_ERROR' | 'BAD_USER_INPUT' | 'BP_WITH_ACTIVE_ORDERS' | 'NO_CUSTOMERS' | 'TOO_MANY_PUBLICATIONS' | 'NOT_FOUND' | 'CONFLICT' | 'QUERY_TOO_COMPLEX' | 'UNAUTHENTICATED'

export class GomError extends Error {
  constructor(
    readonly code: GomErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'GomError'
  }
}

export const noPermission = () => new GomError('FORBIDDEN', 'No permission to perform the operation')
export const cannotAccessOrder = () => new GomError('FORBIDDEN', 'Cannot access this order')
export const cannotAccessBp = () => new GomError('FORBIDDEN', 'Cannot access this BP')
export const cannotAccessPromotion = () => new GomError('FORBIDDEN', 'Cannot access this order') // [QUIRK] the original reuses the order wording
export const cannotAccessPublication = () => new GomError('FORBIDDEN', 'Cannot access this publication')
export const orderOwnerUndecidable = () => new GomError('SERVER_ERROR', 'Cannot validate order owner at this moment')
export const bpOwnerUndecidable = () => new GomError('SERVER_ERROR', 'Cannot validate BP owner at this moment')
export const promotionOwnerUndecidable = () => new GomError('SERVER_ERROR', 'Cannot validate order owner at this moment') // [QUIRK] as above
export const badInput = (message: string) => new GomError('BAD_USER_INPUT', message)
export const tooComplex = (message: string) => new GomError('QUERY_TOO_COMPLEX', message)

/** REST errors in the NestJS default shape (`error` is the HTTP reason phrase or the original's own code). */
export const formatError: ErrorFormatter = (error: HearthError) => {
  // Bodies the original fixed for /auth and /webpush (CSRF, jwt_error, limiter, …): written as they are.
  const wire = wireErrorResponse(error)
  if (wire) return wire
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    503: 'Service Unavailable',
  }
  const status = error.status
  if (status >= 500) return { status, body: { statusCode: status, message: 'Internal server error' } }
  const reason = reasons[status]
  return { status, body: { statusCode: status, message: error.message, ...(reason ? { error: reason } : {}) } }
}
