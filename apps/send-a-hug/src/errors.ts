import { decodeDatabaseError, HearthError, type ErrorFormatter, type ValidationIssue } from '@hearth/kernel'

/**
 * Send A Hug's two error bodies (spec §0.4). Auth failures and input validation:
 * `{ success: false, code, message: { code, description } }`. Everything else (routing, explicit
 * aborts): `{ success: false, code, message: "<fixed text per status>" }`.
 */
export const validationError = (description: string) => new HearthError('VALIDATION_FAILED', description, 400, [])
export const authError = (status: 401 | 403, description: string) => new HearthError(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', description, status)
export const notFound = (what = 'resource not found') => new HearthError('NOT_FOUND', what, 404)
export const conflict = (what = 'conflict') => new HearthError('CONFLICT', what, 409)
export const unprocessable = (description: string) => new HearthError('UNPROCESSABLE', description, 422)
export const forbidden = (description: string) => authError(403, description)

const fixedMessages: Record<number, string> = {
  400: 'bad request, fix and retry',
  404: 'resource not found',
  405: 'method not allowed at this endpoint',
  409: 'conflict, resource already exists',
  413: 'request entity too large',
  415: 'unsupported media type',
}

/** Path parameters and what the original called them in "<Thing> ID must be of type 'Integer'". */
const idNames: Record<string, string> = {
  post_id: 'Post',
  user_id: 'User',
  item_id: 'Item',
  report_id: 'Report',
  filter_id: 'Filter',
  sub_id: 'Subscription',
}

function describeValidation(error: HearthError): string {
  const issues = Array.isArray(error.details) ? (error.details as ValidationIssue[]) : []
  const first = issues[0]
  if (!first) return error.message
  const field = first.path.replace(/^\//, '').replaceAll('/', '.')
  if (first.location === 'params' && idNames[field]) return `${idNames[field]} ID must be of type 'Integer'. Please check your request and try again.`
  return `Invalid ${first.location}${field ? ` field '${field}'` : ''}: ${first.message}.`
}

export const formatError: ErrorFormatter = (error) => {
  const status = error.status
  if (error.code === 'VALIDATION_FAILED' || status === 401 || status === 403) {
    const description = error.code === 'VALIDATION_FAILED' ? describeValidation(error) : error.message
    return { status, body: { success: false, code: status, message: { code: status, description } } }
  }
  let message: string
  if (status === 422) message = `Unprocessable request. ${error.message}`
  else if (status >= 500) message = `An internal server error occurred. ${status === 500 ? 'The server could not complete the request.' : error.message}`
  else message = fixedMessages[status] ?? error.message
  return { status, body: { success: false, code: status, message } }
}

/**
 * The original answered the database's integrity errors (a foreign key to nobody, a value too long
 * for its column) with 422; the few places that can still meet one wrap their transaction in this.
 */
export async function integrityAs422<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (error) {
    const failure = decodeDatabaseError(error)?.failure
    if (failure === 'foreign-key') throw unprocessable('A referenced record does not exist.')
    if (failure === 'too-long') throw unprocessable('A value is too long for its field.')
    throw error
  }
}
