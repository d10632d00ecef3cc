import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { errors, type HearthError } from './errors.ts'

export interface TransportLimits {
  /** How long a client may take to send its request headers (Node's `headersTimeout`). */
  headersTimeoutMs: number
  /** How long a client may take to send its whole request, body included (Node's `requestTimeout`). */
  requestTimeoutMs: number
}

/** Defaults short enough that stalled or trickling clients cannot hold connections for long. */
export function transportLimits(options: Partial<TransportLimits>): TransportLimits {
  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000
  // Node requires the headers' limit not to exceed the whole request's.
  const requestTimeoutMs = Math.max(options.requestTimeoutMs ?? 30_000, headersTimeoutMs)
  return { headersTimeoutMs, requestTimeoutMs }
}

/** The HearthError for a failure Node's HTTP parser reports before any request exists. */
export function clientErrorOf(error: NodeJS.ErrnoException): HearthError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return errors.headersTooLarge()
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_TIMEOUT':
      return errors.requestTimeout()
    case 'HPE_URI_TOO_LONG':
      return errors.uriTooLong()
    default:
      return errors.badRequest('The request could not be read')
  }
}

/**
 * Answers a client error on the raw socket in the app's error body, then closes the connection
 * (the request cannot be trusted to have ended). A socket that already has a response on its way,
 * or that is gone, is just destroyed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket, render: (error: HearthError) => { status: number; payload: string; headers?: Record<string, string> }): void {
  if (error.code === 'ECONNRESET' || !socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy()
    return
  }
  const response = render(clientErrorOf(error))
  const headers = {
    ...response.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(response.payload)),
    connection: 'close',
  }
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? 'Error'}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)]
  socket.end(`${head.join('\r\n')}\r\n\r\n${response.payload}`)
}
