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
  /** Where: `body`, `querystring`, `params` or `headers`, then a JSON pointer such as `/donationAmount`. */
  location: string
  path: string
  message: string
}

/** One schema failure as JSON Schema validators report it (Raise's original showed these in `details`). */
export interface SchemaError {
  instancePath: string
  schemaPath: string
  keyword: string
  params: Record<string, unknown>
  message: string
}

/** A request that failed its schema: the issues in `details`, the validator's own account beside them. */
export class ValidationError extends HearthError {
  constructor(
    message: string,
    issues: ValidationIssue[],
    readonly schemaErrors: SchemaError[] = [],
  ) {
    super('VALIDATION_FAILED', message, 400, issues)
  }
}

export const errors = {
  badRequest: (message = 'Bad request', details?: unknown) => new HearthError('BAD_REQUEST', message, 400, details),
  validation: (message: string, issues: ValidationIssue[], schemaErrors?: SchemaError[]) => new ValidationError(message, issues, schemaErrors),
  invalidJson: (message = 'Request body is not valid JSON') => new HearthError('INVALID_JSON', message, 400),
  requestTimeout: (message = 'The request took too long to arrive') => new HearthError('REQUEST_TIMEOUT', message, 408),
  uriTooLong: (message = 'The request URL is too long') => new HearthError('URI_TOO_LONG', message, 414),
  headersTooLarge: (message = 'The request headers are too large') => new HearthError('HEADERS_TOO_LARGE', message, 431),
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
  validation?: { instancePath?: string; schemaPath?: string; keyword?: string; message?: string; params?: Record<string, unknown> }[]
  validationContext?: string
}

/** Fixed wording for transport failures: never a library's own message, code or name. */
const transportErrors: Record<string, () => HearthError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => errors.invalidJson(),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => errors.invalidJson('Request body is empty but its content type says JSON'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => errors.payloadTooLarge(),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => errors.unsupportedMediaType(),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => errors.badRequest('Content-Length does not match the body'),
  FST_ERR_CTP_INVALID_TYPE: () => errors.unsupportedMediaType(),
  FST_ERR_BAD_URL: () => errors.badRequest('The request URL is not valid'),
  FST_ERR_ASYNC_CONSTRAINT: () => errors.badRequest('The request does not match any route constraint'),
}

const reasons: Record<number, [string, string]> = {
  400: ['BAD_REQUEST', 'Bad request'],
  401: ['UNAUTHORIZED', 'Unauthorized'],
  403: ['FORBIDDEN', 'Forbidden'],
  404: ['NOT_FOUND', 'Not found'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed'],
  406: ['NOT_ACCEPTABLE', 'Not acceptable'],
  408: ['REQUEST_TIMEOUT', 'Request timeout'],
  409: ['CONFLICT', 'Conflict'],
  413: ['PAYLOAD_TOO_LARGE', 'Request body is too large'],
  414: ['URI_TOO_LONG', 'The request URL is too long'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'],
  429: ['TOO_MANY_REQUESTS', 'Too many requests'],
  431: ['HEADERS_TOO_LARGE', 'The request headers are too large'],
}

/**
 * Turns whatever was thrown (a HearthError, a Fastify or Ajv error, a plain Error) into a
 * HearthError. A library's client-error status is kept with a fixed message in the kernel's words;
 * anything not known to be the client's fault becomes a 500 with a generic message.
 */
export function toHearthError(thrown: unknown): HearthError {
  if (thrown instanceof HearthError) return thrown
  const error = thrown as FastifyLikeError | undefined
  if (error && Array.isArray(error.validation)) {
    const location = error.validationContext ?? 'body'
    const schemaErrors: SchemaError[] = error.validation.map((issue) => ({
      instancePath: issue.instancePath ?? '',
      schemaPath: issue.schemaPath ?? '#',
      keyword: issue.keyword ?? 'validation',
      params: issue.params ?? {},
      message: issue.message ?? 'is invalid',
    }))
    const issues: ValidationIssue[] = schemaErrors.map((issue) => {
      const missing = issue.params.missingProperty as string | undefined
      return { location, path: missing ? `${issue.instancePath}/${missing}` : issue.instancePath, message: issue.message }
    })
    const first = issues[0]
    return errors.validation(first ? `${location}${first.path} ${first.message}` : `invalid ${location}`, issues, schemaErrors)
  }
  const known = error?.code ? transportErrors[error.code] : undefined
  if (known) return known()
  if (thrown instanceof SyntaxError) return errors.invalidJson()
  const status = error?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const [code, message] = reasons[status] ?? ['BAD_REQUEST', 'Bad request']
    return new HearthError(code, message, status)
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
