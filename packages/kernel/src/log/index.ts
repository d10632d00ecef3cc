import pino, { type Logger, type LoggerOptions } from 'pino'

export type { Logger } from 'pino'

/** Paths pino blanks out on every line: credentials, tokens, card and identity numbers. */
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

export function loggerOptions(app: string, level: string): LoggerOptions {
  return {
    level,
    base: { app },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }
}

export function createLogger(app: string, level: string): Logger {
  return pino(loggerOptions(app, level))
}
