import type { FastifyInstance } from 'fastify'
import type {} from '@fastify/swagger'
import type { BaseConfig } from '../config/index.ts'

export interface QaRoutesOptions {
  /** Wipes the app's data and loads the QA seed. */
  seedDatabase: () => Promise<void>
  /** Status answered once the seed is in place (204 by the platform contract; Devmarkt's original says 200). */
  seedStatus?: number
  /** For apps whose identity provider is external: mint a token the app accepts as its provider's. */
  mintToken?: (claims: Record<string, unknown> & { sub: string }) => Promise<string>
}

/**
 * `POST /qa/seedDatabase` and, where the app needs it, `POST /qa/token`. Registered only when
 * `HEARTH_ENV=qa`; outside QA mode these routes do not exist (404).
 */
export function registerQaRoutes(app: FastifyInstance, config: BaseConfig, options: QaRoutesOptions): void {
  if (config.env !== 'qa') return
  app.post('/qa/seedDatabase', { schema: { hide: true }, config: { public: true } }, async (_request, reply) => {
    await options.seedDatabase()
    return reply.status(options.seedStatus ?? 204).send()
  })
  const mintToken = options.mintToken
  if (mintToken) {
    app.post(
      '/qa/token',
      {
        schema: {
          hide: true,
          body: {
            type: 'object',
            required: ['sub'],
            properties: { sub: { type: 'string', minLength: 1, maxLength: 256 } },
            additionalProperties: true,
          },
        },
        // Minting a token changes no data: caches cleared on change (kernel cache) stay.
        config: { public: true, readOnly: true },
      },
      async (request) => ({ token: await mintToken(request.body as { sub: string }) }),
    )
  }
}
