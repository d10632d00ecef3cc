import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { declareRoutesPublic } from '../http/routes.ts'

export interface OpenApiOptions {
  title: string
  version: string
  description?: string
  /** Security schemes by name, e.g. `{ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }`. */
  securitySchemes?: Record<string, Record<string, unknown>>
  tags?: { name: string; description?: string }[]
}

/**
 * OpenAPI 3.1 generated from the route schemas, served at `/openapi.json`, with a reference page
 * at `/docs`. Register before the app's routes. Each route's `config.permission` is copied into its
 * operation as `x-permission` (and into the description), so the contract says who may call it.
 */
export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.title, version: options.version, description: options.description },
      components: { securitySchemes: options.securitySchemes as never },
      tags: options.tags,
    },
    transform: ({ schema, url, route }) => {
      const declared = route.config?.permission as string | readonly string[] | undefined
      if (!declared || !schema) return { schema, url }
      const permission = typeof declared === 'string' ? declared : declared.join(' or ')
      const described = schema as Record<string, unknown>
      return {
        schema: {
          ...described,
          'x-permission': permission,
          description: [described.description, `Requires permission \`${permission}\`.`].filter(Boolean).join('\n\n'),
        } as never,
        url,
      }
    },
  })
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger())
  // The reference page's own routes (HTML, scripts) are public documentation.
  await app.register(async (docs) => {
    declareRoutesPublic(docs, 'the OpenAPI reference page')
    await docs.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } })
  })
}

/** The document as committed: stable key order and a trailing newline, so CI can diff it. */
export function renderOpenApi(app: FastifyInstance): string {
  return `${JSON.stringify(app.swagger(), null, 2)}\n`
}
