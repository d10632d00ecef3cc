import type { FastifyInstance, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import formbody from '@fastify/formbody'
import { Type } from 'typebox'
import type { BaseConfig } from '@hearth/kernel'
import type { AuthConfig } from './auth.config.ts'
import type { IdentityPool } from './identity.repository.ts'
import type { IdentityService } from './identity.service.ts'
import { FormBody } from './identity.routes.ts'

/**
 * The hosted-UI OAuth 2.0 flow the web app speaks (Decisions), one auth domain per pool:
 * `/auth/staff` and `/auth/provider`, each with
 *   GET  {domain}/login           authorization code + PKCE S256 (public client, `state`): the login page
 *   POST {domain}/login           the page's form: on success 302 to `redirect_uri?code=…&state=…`
 *   POST {domain}/oauth2/token    `authorization_code` and `refresh_token` grants (form-encoded)
 *   POST {domain}/oauth2/revoke   revokes a refresh token
 *   GET  {domain}/logout          302 to `logout_uri`
 * Codes and refresh tokens live hashed in PostgreSQL (any process redeems them), single use, short-lived.
 */
export const AUTH_DOMAINS: Record<IdentityPool, string> = { staff: '/auth/staff', provider: '/auth/provider' }

const escape = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

const LoginQuery = Type.Object({
  response_type: Type.Optional(Type.String({ maxLength: 20 })),
  client_id: Type.Optional(Type.String({ maxLength: 200 })),
  redirect_uri: Type.Optional(Type.String({ maxLength: 2000 })),
  state: Type.Optional(Type.String({ maxLength: 1000 })),
  scope: Type.Optional(Type.String({ maxLength: 1000 })),
  code_challenge: Type.Optional(Type.String({ maxLength: 200 })),
  code_challenge_method: Type.Optional(Type.String({ maxLength: 20 })),
})
type LoginRequest = { client_id: string; redirect_uri: string; state: string; scope: string; code_challenge: string }

const TokenSetView = Type.Object({ access_token: Type.String(), id_token: Type.String(), refresh_token: Type.Optional(Type.String()), token_type: Type.Literal('Bearer'), expires_in: Type.Integer() })
const OAuthError = Type.Object({ error: Type.String() })

export async function hostedLoginRoutes(app: FastifyInstance, options: { service: IdentityService; auth: AuthConfig; config: BaseConfig }): Promise<void> {
  const { service, auth, config } = options

  const redirectAllowed = (uri: string | undefined): boolean => {
    if (!uri) return false
    let parsed: URL
    try {
      parsed = new URL(uri)
    } catch {
      return false
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false
    if (auth.redirectUris.length > 0) return auth.redirectUris.includes(uri)
    return config.env !== 'production'
  }

  /** A login request as the web app sends it, or the reason it is refused. */
  const check = (pool: IdentityPool, query: Record<string, string | undefined>): LoginRequest | string => {
    if (query.response_type !== 'code') return 'response_type must be code'
    if (query.client_id !== auth.pools[pool].clientId) return 'unknown client_id'
    if (!redirectAllowed(query.redirect_uri)) return 'redirect_uri is not allowed'
    if (query.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43,128}$/.test(query.code_challenge ?? '')) return 'PKCE with code_challenge_method=S256 is required'
    return { client_id: query.client_id!, redirect_uri: query.redirect_uri!, state: query.state ?? '', scope: query.scope ?? 'openid email profile', code_challenge: query.code_challenge! }
  }

  const page = (reply: FastifyReply, pool: IdentityPool, request: LoginRequest, status: number, error?: string) => {
    const hidden = Object.entries(request)
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escape(value)}">`)
      .join('\n      ')
    const title = pool === 'staff' ? 'CompactConnect staff sign-in' : 'CompactConnect practitioner sign-in'
    return reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body>
  <h1>${title}</h1>
  ${error ? `<p role="alert" id="error">${escape(error)}</p>` : ''}
  <form method="post" action="${AUTH_DOMAINS[pool]}/login">
      ${hidden}
      <label>E-mail <input id="username" name="username" type="email" autocomplete="username" required></label>
      <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
      <button id="sign-in" type="submit">Sign in</button>
  </form>
</body></html>`,
      )
  }

  const oauthError = (reply: FastifyReply, error: string) => reply.status(400).header('cache-control', 'no-store').send({ error })

  await app.register(async (scope) => {
    await scope.register(formbody)
    const routes = scope.withTypeProvider<TypeBoxTypeProvider>()
    for (const pool of ['staff', 'provider'] as const) {
      const domain = AUTH_DOMAINS[pool]

      routes.get(`${domain}/login`, { config: { public: true }, schema: { hide: true, querystring: LoginQuery } }, async (request, reply) => {
        const checked = check(pool, request.query)
        if (typeof checked === 'string') return reply.status(400).header('content-type', 'text/plain; charset=utf-8').send(`Invalid request: ${checked}`)
        return page(reply, pool, checked, 200)
      })

      routes.post(`${domain}/login`, { config: { public: true }, schema: { hide: true, body: FormBody } }, async (request, reply) => {
        const form = request.body
        const checked = check(pool, { ...form, response_type: 'code', code_challenge_method: 'S256' })
        if (typeof checked === 'string') return reply.status(400).header('content-type', 'text/plain; charset=utf-8').send(`Invalid request: ${checked}`)
        const identity = await service.signIn(pool, form.username ?? '', form.password ?? '')
        if (!identity) return page(reply, pool, checked, 400, 'Incorrect username or password.')
        const code = await service.issueCode(pool, identity, { clientId: checked.client_id, redirectUri: checked.redirect_uri, codeChallenge: checked.code_challenge, scope: checked.scope })
        const target = new URL(checked.redirect_uri)
        target.searchParams.set('code', code)
        if (checked.state !== '') target.searchParams.set('state', checked.state)
        return reply.status(302).header('location', target.toString()).send()
      })

      routes.post(
        `${domain}/oauth2/token`,
        {
          config: { public: true },
          schema: {
            tags: ['identity'],
            operationId: `${pool}HostedLoginToken`,
            summary: `Hosted login token endpoint of the ${pool} pool (authorization_code with PKCE, refresh_token)`,
            security: [],
            body: FormBody,
            response: { 200: TokenSetView, 400: OAuthError },
          },
        },
        async (request, reply) => {
          const form = request.body
          reply.header('cache-control', 'no-store')
          if (form.client_id !== auth.pools[pool].clientId) return oauthError(reply, 'invalid_client')
          if (form.grant_type === 'authorization_code') {
            if (!form.code || !form.redirect_uri || !form.code_verifier) return oauthError(reply, 'invalid_request')
            const result = await service.redeemCode(pool, { code: form.code, clientId: form.client_id, redirectUri: form.redirect_uri, codeVerifier: form.code_verifier })
            return typeof result === 'string' ? oauthError(reply, result) : result
          }
          if (form.grant_type === 'refresh_token') {
            if (!form.refresh_token) return oauthError(reply, 'invalid_request')
            const result = await service.refresh(pool, { refreshToken: form.refresh_token, clientId: form.client_id })
            return typeof result === 'string' ? oauthError(reply, result) : result
          }
          return oauthError(reply, 'unsupported_grant_type')
        },
      )

      routes.post(
        `${domain}/oauth2/revoke`,
        {
          config: { public: true },
          schema: {
            tags: ['identity'],
            operationId: `${pool}HostedLoginRevoke`,
            summary: `Revoke a refresh token of the ${pool} pool`,
            security: [],
            body: FormBody,
            response: { 200: Type.Object({}), 400: OAuthError },
          },
        },
        async (request, reply) => {
          if (request.body.client_id !== auth.pools[pool].clientId) return oauthError(reply, 'invalid_client')
          if (request.body.token) await service.revoke(request.body.token)
          return {}
        },
      )

      routes.get(
        `${domain}/logout`,
        {
          config: { public: true },
          schema: { hide: true, querystring: Type.Object({ client_id: Type.Optional(Type.String({ maxLength: 200 })), logout_uri: Type.Optional(Type.String({ maxLength: 2000 })) }) },
        },
        async (request, reply) => {
          const { client_id: clientId, logout_uri: logoutUri } = request.query
          if (clientId !== auth.pools[pool].clientId || !redirectAllowed(logoutUri))
            return reply.status(400).header('content-type', 'text/plain; charset=utf-8').send('Invalid request: logout_uri is not allowed')
          return reply.status(302).header('location', logoutUri!).send()
        },
      )
    }
  })
}
