/**
 * The one error type services throw. `code` is stable (clients and tests match on it), `status` is
 * the HTTP status it maps to, `details` is optional structured data (validation issues, …). Each
 * app's error formatter turns it into that app's wire format; nothing else writes error bodies.
 */
export class HearthError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'HearthError'
  }
}

export interface ValidationIssue {
  /** Where: `body`, `query`, `params` or `headers`, then a JSON pointer such as `/donationAmount`. */
  location: string
  path: string
  message: string
}

export const errors = {
  badRequest: (message = 'Bad request', details?: unknown) => new HearthError('BAD_REQUEST', message, 400, details),
  validation: (message: string, issues: ValidationIssue[]) => new HearthError('VALIDATION_FAILED', message, 400, issues),
  invalidJson: (message = 'Request body is not valid JSON') => new HearthError('INVALID_JSON', message, 400),
  unauthorized: (message = 'Unauthorized') => new HearthError('UNAUTHORIZED', message, 401),
  forbidden: (message = 'Forbidden') => new HearthError('FORBIDDEN', message, 403),
  notFound: (message = 'Not found') => new HearthError('NOT_FOUND', message, 404),
  methodNotAllowed: (message = 'Method not allowed') => new HearthError('METHOD_NOT_ALLOWED', message, 405),
  conflict: (message = 'Conflict') => new HearthError('CONFLICT', message, 409),
  payloadTooLarge: (message = 'Request body is too large') => new HearthError('PAYLOAD_TOO_LARGE', message, 413),
  unsupportedMediaType: (message = 'Unsupported media type') => new HearthError('UNSUPPORTED_MEDIA_TYPE', message, 415),
  unprocessable: (message = 'Unprocessable entity', details?: unknown) => new HearthError('UNPROCESSABLE', message, 422, details),
  tooManyRequests: (message = 'Too many requests') => new HearthError('TOO_MANY_REQUESTS', message, 429),
  internal: (message = 'Internal server error') => new HearthError('INTERNAL', message, 500),
  unavailable: (message = 'Service unavailable') => new HearthError('UNAVAILABLE', message, 503),
}

interface FastifyLikeError {
  code?: string
  statusCode?: number
  message: string
  validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[]
  validationContext?: string
}

/**
 * Turns whatever was thrown (a HearthError, a Fastify or Ajv error, a plain Error) into a
 * HearthError. Anything not known to be the client's fault becomes a 500 with a generic message.
 */
export function toHearthError(thrown: unknown): HearthError {
  if (thrown instanceof HearthError) return thrown
  const error = thrown as FastifyLikeError
  if (error && Array.isArray(error.validation)) {
    const location = error.validationContext ?? 'body'
    const issues: ValidationIssue[] = error.validation.map((issue) => {
      const missing = issue.params?.missingProperty as string | undefined
      const path = missing ? `${issue.instancePath ?? ''}/${missing}` : (issue.instancePath ?? '')
      return { location, path, message: issue.message ?? 'is invalid' }
    })
    return errors.validation(error.message, issues)
  }
  switch (error?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.invalidJson(error.message)
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge()
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.unsupportedMediaType(error.message)
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return errors.badRequest(error.message)
  }
  if (thrown instanceof SyntaxError) return errors.invalidJson()
  const status = error?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HearthError(status === 404 ? 'NOT_FOUND' : status === 429 ? 'TOO_MANY_REQUESTS' : 'BAD_REQUEST', error.message, status)
  }
  return errors.internal()
}

/** What an app's wire format looks like for one error. */
export interface ErrorResponse {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export type ErrorFormatter = (error: HearthError) => ErrorResponse

/** The default wire format: `{ "error": { "code", "message", "details"? } }`. */
export const defaultErrorFormatter: ErrorFormatter = (error) => ({
  status: error.status,
  body: { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } },
})
