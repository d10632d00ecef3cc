import type { RouteOptions } from 'fastify'

type ResponseSchemas = Record<string, { properties?: { errors?: { items?: { properties?: { path?: { items?: unknown } } } } } }>

/**
 * An `onRoute` hook for the scope mercurius registers its routes in. mercurius declares
 * `errors[].path` in its response schema as a list of strings, so Fastify's serializer writes a
 * list index as `"0"`; GraphQL says a path segment is a field name (string) or a list index
 * (integer). The hook widens the declared item type to both, on any route whose success response
 * declares `errors[].path` (mercurius' GET and POST routes):
 *
 * ```ts
 * scope.addHook('onRoute', graphqlErrorPathsHook) // before scope.register(mercurius, …)
 * ```
 */
export function graphqlErrorPathsHook(route: RouteOptions): void {
  const responses = (route.schema as { response?: ResponseSchemas } | undefined)?.response
  if (!responses) return
  for (const response of Object.values(responses)) {
    const path = response?.properties?.errors?.items?.properties?.path
    if (path) path.items = { type: ['string', 'integer'] }
  }
}
