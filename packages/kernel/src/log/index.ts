import pino, { type Logger, type LoggerOptions } from 'pino'

export type { Logger } from 'pino'
export { DeferredChildLogger, deferredChildLoggerFactory } from './request-logger.ts'

/** Paths pino blanks out on every line (kept as a second net under `redactPersonalData`). */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.idToken',
  '*.secret',
  '*.card',
  '*.cardNumber',
  '*.ssn',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*["set-cookie"]',
]

const CENSOR = '[redacted]'

/**
 * Property names whose values are personal data or credentials, wherever they sit in a log line:
 * compared lower-case with `_` and `-` removed.
 */
const personalKeys = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'clientsecret',
  'apikey',
  'authorization',
  'cookie',
  'setcookie',
  'ssn',
  'socialsecuritynumber',
  'card',
  'cardnumber',
  'cvc',
  'cvv',
  'iban',
  'accountnumber',
  'email',
  'emailaddress',
  'phone',
  'phonenumber',
  'mobile',
  'dateofbirth',
  'dob',
  'birthdate',
  'firstname',
  'lastname',
  'givenname',
  'familyname',
  'fullname',
  'middlename',
  'legalname',
  'preferredname',
  'donorname',
  'displayname',
  'username',
  'nickname',
  'address',
  'streetaddress',
  'postcode',
  'zipcode',
  'signature',
  'params',
  'parameters',
  'detail',
])
const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '')
const isPersonalKey = (key: string) => {
  const name = normalise(key)
  return personalKeys.has(name) || name.includes('token') || name.includes('email') || name.includes('password') || name.startsWith('address') || name.endsWith('ssn')
}

const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g
const SSN = /\b\d{3}-\d{2}-\d{4}\b/g

/** E-mail addresses, bearer tokens and SSN-shaped numbers inside free text. */
export function scrubText(text: string): string {
  return text.replace(EMAIL, '[email]').replace(JWT, '[token]').replace(SSN, '[ssn]')
}

/**
 * A copy of a log line's object with personal data and credentials blanked at any depth: values of
 * personal property names, and e-mail addresses, tokens and SSNs inside any string (SQL text and
 * error messages included). Errors are written as `{type, message, stack, code}` with the same
 * treatment; a failed query's parameters are never written.
 */
export function redactPersonalData(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value)
  if (value === null || typeof value !== 'object') return value
  if (depth > 8 || seen.has(value)) return '[…]'
  seen.add(value)
  if (value instanceof Error) return redactPersonalData(serializeError(value), depth + 1, seen)
  if (Array.isArray(value)) return value.map((item) => redactPersonalData(item, depth + 1, seen))
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`
  const copy: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = isPersonalKey(key) && inner !== undefined && inner !== null && inner !== '' ? CENSOR : redactPersonalData(inner, depth + 1, seen)
  }
  return copy
}

/** An error as a plain object, causes included; no query parameters and no row detail. */
function serializeError(error: Error): Record<string, unknown> {
  const fields = error as Error & { code?: unknown; statusCode?: unknown; query?: unknown; params?: unknown; cause?: unknown; constraint?: unknown; table?: unknown; column?: unknown }
  // drizzle's DrizzleQueryError puts the parameters into its message: keep the SQL, drop the values.
  const message = Array.isArray(fields.params) && typeof fields.query === 'string' ? `Failed query: ${fields.query}` : error.message
  const plain: Record<string, unknown> = { type: error.name, message, stack: error.stack?.replace(error.message, message) }
  if (fields.code !== undefined) plain.code = fields.code
  if (fields.statusCode !== undefined) plain.statusCode = fields.statusCode
  if (fields.constraint !== undefined) plain.constraint = fields.constraint
  if (fields.table !== undefined) plain.table = fields.table
  if (fields.column !== undefined) plain.column = fields.column
  if (fields.cause instanceof Error) plain.cause = serializeError(fields.cause)
  return plain
}

export function loggerOptions(app: string, level: string): LoggerOptions {
  return {
    level,
    base: { app },
    redact: { paths: redactedPaths, censor: CENSOR },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Errors are serialised (and cleaned) by the formatter, at any depth; pino's own error
    // serializer would otherwise re-wrap the result and fold causes into the message.
    formatters: { log: (object) => redactPersonalData(object) as Record<string, unknown> },
    serializers: { err: (value: unknown) => value },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<typeof method>)
      },
    },
  }
}

export function createLogger(app: string, level: string): Logger {
  return pino(loggerOptions(app, level))
}
