import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import formbody from '@fastify/formbody'
import { Type } from 'typebox'
import type { BaseConfig } from '@hearth/kernel'
import { badRequest } from '../errors.ts'
import { errorResponses } from '../modules/configuration/configuration.schemas.ts'
import type { IdentityService } from './identity.service.ts'
import type { SigningKey } from './signing-key.ts'
import type { AuthConfig } from './auth.config.ts'
import { hostedLoginRoutes } from './hosted-login.routes.ts'
import type { LoginFlowService } from './login-flow.service.ts'

const OAuthError = Type.Object({ error: Type.String() })
export const FormBody = Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 4096 }), { maxProperties: 20 })

/** HTTP Basic `client_id:client_secret`, as Cognito's token endpoint also takes it. */
export function basicCredentials(request: FastifyRequest): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) }
}

/**
 * The identity service's machine endpoints: the state pool's client-credentials token endpoint
 * (`POST /oauth2/token`, §9.11), the built-in key set (`GET /.well-known/jwks.json`) and, in QA mode,
 * `POST /qa/token` (§9.10). Form bodies are parsed only inside this scope; every other route stays JSON-only.
 */
export async function identityRoutes(
  app: FastifyInstance,
  options: { service: IdentityService; flow: LoginFlowService; signingKey: SigningKey | undefined; config: BaseConfig; auth: AuthConfig },
): Promise<void> {
  const { service, flow, signingKey, config, auth } = options
  const signing = signingKey
  if (signing) {
    await hostedLoginRoutes(app, { service, flow, auth, config })
    app.get('/.well-known/jwks.json', { config: { public: true }, schema: { hide: true } }, async () => signing.jwks())
  }

  await app.register(async (scope) => {
    await scope.register(formbody)
    const routes = scope.withTypeProvider<TypeBoxTypeProvider>()
    routes.post(
      '/oauth2/token',
      {
        config: { public: true },
        schema: {
          tags: ['identity'],
          operationId: 'stateClientToken',
          summary: 'Client-credentials token for a state app client (form-encoded; Cognito domain path)',
          security: [],
          body: FormBody,
          response: { 200: Type.Object({ access_token: Type.String(), expires_in: Type.Integer(), token_type: Type.Literal('Bearer') }), 400: OAuthError },
        },
      },
      async (request, reply) => {
        const body = request.body
        if (body.grant_type !== 'client_credentials') return reply.status(400).send({ error: 'unsupported_grant_type' })
        const basic = basicCredentials(request)
        const result = await service.clientCredentials({ clientId: basic?.clientId ?? body.client_id, clientSecret: basic?.clientSecret ?? body.client_secret, scope: body.scope })
        if (!result.ok) return reply.status(400).send({ error: result.error })
        return result.body
      },
    )
  })

  if (config.env !== 'qa' || !signing) return
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  routes.post(
    '/qa/token',
    {
      config: { public: true },
      schema: {
        hide: true,
        body: Type.Object(
          { pool: Type.String({ maxLength: 20 }), sub: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), username: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ token: Type.String(), tokenUse: Type.Union([Type.Literal('access'), Type.Literal('id')]) }), ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const { pool, sub, username } = request.body
      if (pool !== 'staff' && pool !== 'provider') throw badRequest(`Unknown pool: ${pool}`)
      if ((sub === undefined) === (username === undefined)) throw badRequest('Give exactly one of sub and username')
      return service.qaToken(pool, { sub, username })
    },
  )
}
