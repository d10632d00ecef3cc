import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FeatureFlags } from './feature-flags.service.ts'
import { FlagCheckBody, FlagCheckResponse, FlagPath } from './feature-flags.schemas.ts'

/** §2.1 / §4.16: the public flag check the web app calls for UI flags. */
export function featureFlagRoutes(app: FastifyInstance, flags: FeatureFlags): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/flags/:flagId/check',
    {
      config: { public: true },
      schema: {
        tags: ['flags'],
        operationId: 'checkFeatureFlag',
        summary: 'Whether a feature flag is enabled for the given context (unknown flags are off)',
        params: FlagPath,
        body: FlagCheckBody,
        response: { 200: FlagCheckResponse },
      },
    },
    async (request) => ({ enabled: await flags.isEnabled(request.params.flagId, request.body?.context?.customAttributes) }),
  )
}
