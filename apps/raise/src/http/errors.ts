import { ValidationError, type ErrorFormatter } from '@hearth/kernel'

/**
 * The original's wire format: `{ message, details? }`. Validation failures are
 * 400 "Event object failed validation" with the issues in `details`; unparseable JSON is 422; a
 * wrong content type is 415; anything 5xx is "An internal error occurred".
 */
export const formatError: ErrorFormatter = (error) => {
  switch (error.code) {
    case 'VALIDATION_FAILED':
      // The original's `details` were Ajv's own error objects.
      return { status: 400, body: { message: 'Event object failed validation', details: error instanceof ValidationError && error.schemaErrors.length > 0 ? error.schemaErrors : error.details } }
    case 'INVALID_JSON':
      return { status: 422, body: { message: 'Content could not be parsed as JSON (invalid JSON)' } }
    case 'UNSUPPORTED_MEDIA_TYPE':
      return { status: 415, body: { message: 'Unsupported Media Type' } }
  }
  if (error.status >= 500) return { status: error.status > 500 ? error.status : 500, body: { message: 'An internal error occurred' } }
  if (error.status === 404 && error.message.startsWith('Route ')) return { status: 404, body: { message: 'Endpoint not found' } }
  let details: unknown
  try {
    details = error.details === undefined ? undefined : JSON.parse(JSON.stringify(error.details))
  } catch {
    details = undefined
  }
  return { status: error.status, body: details === undefined ? { message: error.message } : { message: error.message, details } }
}

/** A failed condition (the row changed since it was read, or does not exist): the original's 409. */
export function conflictMessage(entity?: string): string {
  return `Failed to make edits due to failed conditional expression${entity ? ` on ${entity}` : ''}. This is likely the result of an editing conflict, e.g. someone else edited this item at the same time. Try refreshing the page and making the edits again.`
}
