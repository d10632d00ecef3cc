/**
 * The GraphQL request envelope (`{query, variables?, operationName?, extensions?}`) as GraphQL over
 * HTTP defines it, checked strictly: no type coercion (Fastify's Ajv would turn `["{roles}"]` into
 * `"{roles}"` and `1` into `"1"`), no batching.
 */

export type GraphqlRequestReason =
  'MALFORMED_REQUEST' | 'DOCUMENT_TOO_LONG' | 'TOO_MANY_TOKENS' | 'NESTED_TOO_DEEPLY' | 'UNKNOWN_OPERATION' | 'OPERATION_NAME_REQUIRED' | 'NO_OPERATION' | 'SUBSCRIPTION_OVER_HTTP'

/**
 * A request refused before GraphQL runs: a transport or envelope mistake. `status` is what
 * GraphQL over HTTP answers for it (400); the app writes the body in its own error shape. The
 * message is meant for the client and never carries input or JavaScript error text.
 */
export class GraphqlRequestError extends Error {
  readonly status = 400
  constructor(
    readonly reason: GraphqlRequestReason,
    message: string,
  ) {
    super(message)
    this.name = 'GraphqlRequestError'
  }
}

export interface GraphqlEnvelope {
  query: string
  variables: Record<string, unknown> | undefined
  operationName: string | undefined
}

export interface ReadEnvelopeOptions {
  /**
   * Where `variables` (and `extensions`) come from: `'object'` for a JSON body or a WebSocket
   * payload, `'json-text'` for a GET query string, where each is JSON text.
   */
  encoding: 'object' | 'json-text'
  /** Parses JSON text (GET); an app with 64-bit integers passes its exact parser. Default `JSON.parse`. */
  parseJson?: (text: string) => unknown
}

const malformed = (message: string) => new GraphqlRequestError('MALFORMED_REQUEST', `Malformed GraphQL request: ${message}`)
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Reads and checks an envelope; throws `GraphqlRequestError` (MALFORMED_REQUEST) when it is not one. */
export function readGraphqlEnvelope(input: unknown, options: ReadEnvelopeOptions): GraphqlEnvelope {
  if (!isPlainObject(input)) {
    return Array.isArray(input) ? throwError(malformed('batched requests are not supported; send one object')) : throwError(malformed('the request must be a JSON object'))
  }
  const { query, operationName } = input
  // An empty string is what `?query` or `?query=` gives: as missing as no parameter at all.
  if (query === undefined || query === null || query === '') throw malformed('"query" is missing; it must be a string holding a GraphQL document')
  if (typeof query !== 'string') throw malformed('"query" must be a string holding a GraphQL document')
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') throw malformed('"operationName" must be a string or null')
  const variables = readObject(input.variables, 'variables', options)
  readObject(input.extensions, 'extensions', options)
  return { query, variables, operationName: operationName ?? undefined }
}

function readObject(value: unknown, name: string, options: ReadEnvelopeOptions): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined
  if (options.encoding === 'json-text') {
    if (typeof value !== 'string') throw malformed(`"${name}" must be given once, as JSON text`)
    if (value === '') return undefined
    let parsed: unknown
    try {
      parsed = (options.parseJson ?? JSON.parse)(value)
    } catch {
      throw malformed(`"${name}" is not valid JSON`)
    }
    if (parsed === null) return undefined
    if (!isPlainObject(parsed)) throw malformed(`"${name}" must be a JSON object or null`)
    return parsed
  }
  if (!isPlainObject(value)) throw malformed(`"${name}" must be an object or null`)
  return value
}

function throwError(error: Error): never {
  throw error
}
