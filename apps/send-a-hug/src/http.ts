import type { FastifyInstance } from 'fastify'
import { Compile } from 'typebox/compile'
import type { TSchema } from 'typebox'

/**
 * Request bodies are JSON whatever the Content-Type says (the original parsed several bodies itself,
 * and its frontend posts push subscriptions as a text body); an empty body is "no body" rather than
 * an error, so `POST /push_subscriptions` can answer its 204.
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim()
    if (text === '') return done(null, undefined)
    try {
      done(null, JSON.parse(text, (key, value) => (key === '__proto__' ? undefined : value)))
    } catch {
      done(Object.assign(new SyntaxError('Request body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined)
    }
  })
}

type SchemaNode = { type?: string; anyOf?: SchemaNode[]; properties?: Record<string, SchemaNode> }

const accepts = (schema: SchemaNode | undefined, type: string): boolean =>
  schema !== undefined && (schema.type === type || (schema.anyOf ?? []).some((option) => accepts(option, type)))

/**
 * Params and query strings arrive as text: a value whose schema wants an integer (or a boolean) is
 * converted when it is exactly one ("12", "true"); anything else ("1.5", "abc") is left for the
 * schema to refuse.
 */
function fromText(schema: SchemaNode, data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !schema.properties) return data
  const converted: Record<string, unknown> = { ...(data as Record<string, unknown>) }
  for (const [key, value] of Object.entries(converted)) {
    const property = schema.properties[key]
    if (typeof value !== 'string') continue
    if (accepts(property, 'integer') && /^[+-]?\d{1,15}$/.test(value)) converted[key] = Number(value)
    else if (accepts(property, 'boolean') && (value === 'true' || value === 'false')) converted[key] = value === 'true'
  }
  return converted
}

function validationFailure(check: ReturnType<typeof Compile>, data: unknown, context: string) {
  const issues = [...check.Errors(data)].slice(0, 1).map((issue) => {
    const missing = (issue.params as { requiredProperties?: string[] }).requiredProperties?.[0]
    return { instancePath: missing ? `${issue.instancePath}/${missing}` : issue.instancePath, message: missing ? 'is required' : issue.message, params: {} }
  })
  return { error: Object.assign(new Error(issues[0]?.message ?? `invalid ${context}`), { validation: issues, validationContext: context }) }
}

/**
 * Every schema is checked by TypeBox. Bodies get no type coercion (a number is not a string here, as
 * in the original); params and query strings get the exact conversion above.
 */
export function strictValidation(app: FastifyInstance): void {
  app.setValidatorCompiler((route) => {
    const schema = route.schema as TSchema & SchemaNode
    const check = Compile(schema)
    if (route.httpPart !== 'body') {
      const context = route.httpPart ?? 'querystring'
      return (input: unknown) => {
        const data = fromText(schema, input)
        return check.Check(data) ? { value: data } : validationFailure(check, data, context)
      }
    }
    // `Type.Optional(...)` as the whole body: no body at all is fine (the handler answers 204).
    const optional = (route.schema as { '~optional'?: boolean })['~optional'] === true
    return (body: unknown) => {
      // Fastify gives `null` (no content type) or `undefined` (empty body) when nothing was sent.
      const absent = body === undefined || body === null
      if (absent && optional) return { value: undefined }
      // No body at all is checked as `{}`: routes whose body fields are all optional accept it.
      const data = absent ? {} : body
      return check.Check(data) ? { value: absent ? undefined : body } : validationFailure(check, data, 'body')
    }
  })
}

/** Security and CORS headers the original added to every response (spec §0.6). */
export function securityHeaders(app: FastifyInstance, frontendOrigin: string): void {
  const common: Record<string, string> = {
    'access-control-allow-methods': 'GET, POST, PATCH, DELETE, OPTIONS',
    'access-control-allow-headers': 'Authorization, Content-Type',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-frame-options': 'deny',
    'x-content-type-options': 'nosniff',
    'x-permitted-cross-domain-policies': 'none',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-store, max-age=0',
    pragma: 'no-cache',
  }
  const strict = {
    'content-security-policy': "default-src 'self'; object-src 'none'; frame-ancestors 'none'; upgrade-insecure-requests; block-all-mixed-content",
    'cross-origin-embedder-policy': 'require-corp',
  }
  app.addHook('onSend', async (request, reply) => {
    reply.headers(common)
    // The API reference page loads its own scripts and styles; everything else gets the strict policy.
    if (!request.url.startsWith('/docs')) reply.headers(strict)
    if (!reply.hasHeader('access-control-allow-origin') && request.headers.origin === undefined) {
      reply.header('access-control-allow-origin', frontendOrigin)
    }
  })
}

/**
 * The original's routes never end in a slash, so `/posts/` or `/users/all/` is an unknown route (404),
 * not a parameter that happens to be empty.
 */
export function refuseTrailingSlash(app: FastifyInstance, notFound: () => Error): void {
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!
    if (path.length > 1 && path.endsWith('/') && !path.startsWith('/docs')) throw notFound()
  })
}
