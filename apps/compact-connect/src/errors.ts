import { HearthError, type ErrorFormatter, type ValidationIssue } from '@hearth/kernel'

/**
 * CompactConnect's error envelope (spec §2): `{"message": "..."}`, and for some 400s a per-record `errors` map
 * (`{"<index>": {field: [messages]}}` for license uploads). Services throw these; `formatError` writes them.
 */
export type RecordErrors = Record<string, unknown>

export class CompactConnectError extends HearthError {
  constructor(
    status: number,
    message: string,
    readonly recordErrors?: RecordErrors,
  ) {
    super(
      status === 400 ? 'BAD_REQUEST' : status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 429 ? 'TOO_MANY_REQUESTS' : 'CC_ERROR',
      message,
      status,
    )
    this.name = 'CompactConnectError'
  }
}

export const badRequest = (message: string, recordErrors?: RecordErrors) => new CompactConnectError(400, message, recordErrors)
export const unauthorized = (message = 'Unauthorized') => new CompactConnectError(401, message)
export const accessDenied = (message = 'Access denied') => new CompactConnectError(403, message)
export const notFound = (message = 'Resource not found') => new CompactConnectError(404, message)
export const tooManyRequests = (message = 'Rate limit exceeded') => new CompactConnectError(429, message)
export const internalError = (message = 'Internal Server Error') => new CompactConnectError(500, message)

function describeValidation(issues: ValidationIssue[]): string {
  const first = issues[0]
  if (!first) return 'Invalid request'
  const field = first.path.replace(/^\//, '').replaceAll('/', '.')
  return `Invalid request: ${field ? `${field}: ` : ''}${first.message}`
}

/** Fixed wording for the kernel's transport and framework errors, in the original's words. */
const kernelMessages: Record<string, string> = {
  INVALID_JSON: 'Invalid request: Malformed JSON',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  UNAUTHORIZED: 'Unauthorized',
  FORBIDDEN: 'Access denied',
  NOT_FOUND: 'Resource not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  PAYLOAD_TOO_LARGE: 'Request body is too large',
  TOO_MANY_REQUESTS: 'Rate limit exceeded',
  INTERNAL: 'Internal Server Error',
  UNAVAILABLE: 'Service unavailable',
}

export const formatError: ErrorFormatter = (error) => {
  if (error instanceof CompactConnectError) {
    return { status: error.status, body: error.recordErrors === undefined ? { message: error.message } : { message: error.message, errors: error.recordErrors } }
  }
  if (error.code === 'VALIDATION_FAILED') {
    return { status: 400, body: { message: describeValidation(Array.isArray(error.details) ? (error.details as ValidationIssue[]) : []) } }
  }
  const message = kernelMessages[error.code] ?? (error.status >= 500 ? 'Internal Server Error' : error.message)
  return { status: error.status, body: { message } }
}

/** The error body every route documents (`createApp({ errorSchema })`). */
export const errorSchema = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string' }, errors: { type: 'object', additionalProperties: true } },
  additionalProperties: false,
} as const
