import { HearthError } from '@hearth/kernel'

/** The original's REST error body (NestJS): `{ statusCode, message, error? }` (spec §6). */
export interface NestErrorBody {
  statusCode: number
  message: string | string[]
  error?: string
}

/**
 * An error whose wire body is fixed by the original (spec §3–§5): the CSRF refusal, `jwt_error`,
 * `invalid_grant`, the limiter's 429, … It is a HearthError (so it reaches the one error handler);
 * Gom's `formatError` writes `body` as it is (`wireErrorBody`).
 */
export class WireError extends HearthError {
  constructor(
    status: number,
    readonly body: NestErrorBody,
    readonly headers?: Record<string, string>,
  ) {
    super(body.error ?? `HTTP_${status}`, Array.isArray(body.message) ? body.message.join('; ') : body.message, status)
    this.name = 'WireError'
  }
}

/** For `formatError`: the exact response of a WireError, or undefined for any other error. */
export function wireErrorResponse(error: unknown): { status: number; body: NestErrorBody; headers?: Record<string, string> } | undefined {
  if (!(error instanceof WireError)) return undefined
  return { status: error.status, body: error.body, ...(error.headers ? { headers: error.headers } : {}) }
}

export const authErrors = {
  /** csurf's refusal, reshaped by the original's filter (spec §3.5). */
  badCsrf: () => new WireError(403, { statusCode: 403, error: 'EBADCSRFTOKEN', message: 'invalid csrf token' }),
  /** Any split-JWT failure (spec §3.4); the UI logs out on `error === "jwt_error"`. */
  jwt: (message: string) => new WireError(403, { statusCode: 403, message, error: 'jwt_error' }),
  tooManyRequests: (retryAfterSeconds: number) => new WireError(429, { statusCode: 429, message: 'Too many requests' }, { 'retry-after': String(retryAfterSeconds) }),
  grant: (status: number, error: string, message: string) => new WireError(status, { statusCode: status, message, error }),
  oauthUnavailable: () => new WireError(500, { statusCode: 500, message: 'Oauth service not available', error: 'oauth_service_error' }),
  badRequest: (message: string | string[]) => new WireError(400, { statusCode: 400, message, error: 'Bad Request' }),
  /** A store Gom depends on (Redis) is down: not the caller's fault, and never a 500 (spec §10.8). */
  unavailable: (message: string) => new WireError(503, { statusCode: 503, message, error: 'Service Unavailable' }),
  webpush: (operation: 'subscribe' | 'unsubscribe') =>
    new WireError(500, { statusCode: 500, message: operation === 'subscribe' ? 'Subscription could not be stored' : 'Subscription could not be removed', error: `webpush_${operation}` }),
}
