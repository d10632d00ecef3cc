import type { FastifyInstance } from 'fastify'

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
      done(
        null,
        JSON.parse(text, (key, value) => (key === '__proto__' ? undefined : value)),
      )
    } catch {
      done(Object.assign(new SyntaxError('Request body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined)
    }
  })
}

/**
 * The original read a missing body as an empty one: a route whose body fields are all optional
 * accepts no body at all. (Validation itself is the kernel's, as strict as the original: no type
 * coercion in bodies, exact conversion of path and query text.)
 */
export function absentBodyIsEmpty(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema as { body?: { '~optional'?: boolean } } | undefined
    if (request.body === undefined && schema?.body !== undefined && schema.body['~optional'] !== true) request.body = {}
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
