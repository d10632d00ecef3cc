import type { FastifyInstance, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import formbody from '@fastify/formbody'
import { Type } from 'typebox'
import type { BaseConfig } from '@hearth/kernel'
import type { AuthConfig } from './auth.config.ts'
import type { IdentityPool } from './identity.repository.ts'
import type { IdentityService } from './identity.service.ts'
import type { LoginFlowService, LoginRequest, LoginStep } from './login-flow.service.ts'
import { PASSWORD_MIN_LENGTH } from './login-flow.service.ts'
import { FormBody } from './identity.routes.ts'

/**
 * The hosted-UI OAuth 2.0 flow the web app speaks (Decisions), one auth domain per pool:
 * `/auth/staff` and `/auth/provider`, each with
 *   GET  {domain}/login           authorization code + PKCE S256 (public client, `state`): the login page
 *   POST {domain}/login           the page's form: on success 302 to `redirect_uri?code=…&state=…`, or the next
 *                                 step's page (new password for an invited identity, TOTP enrolment or code)
 *   POST {domain}/login/challenge the answer to that step (`login-flow.service.ts`)
 *   GET/POST {domain}/forgotPassword, POST {domain}/confirmForgotPassword   the forgotten-password pages
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
type LoginRequestFields = { client_id: string; redirect_uri: string; state: string; scope: string; code_challenge: string }

const TokenSetView = Type.Object({ access_token: Type.String(), id_token: Type.String(), refresh_token: Type.Optional(Type.String()), token_type: Type.Literal('Bearer'), expires_in: Type.Integer() })
const OAuthError = Type.Object({ error: Type.String() })

export async function hostedLoginRoutes(app: FastifyInstance, options: { service: IdentityService; flow: LoginFlowService; auth: AuthConfig; config: BaseConfig }): Promise<void> {
  const { service, flow, auth, config } = options

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
  const check = (pool: IdentityPool, query: Record<string, string | undefined>): LoginRequestFields | string => {
    if (query.response_type !== 'code') return 'response_type must be code'
    if (query.client_id !== auth.pools[pool].clientId) return 'unknown client_id'
    if (!redirectAllowed(query.redirect_uri)) return 'redirect_uri is not allowed'
    if (query.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43,128}$/.test(query.code_challenge ?? '')) return 'PKCE with code_challenge_method=S256 is required'
    return { client_id: query.client_id!, redirect_uri: query.redirect_uri!, state: query.state ?? '', scope: query.scope ?? 'openid email profile', code_challenge: query.code_challenge! }
  }

  const hiddenFields = (fields: Record<string, string>) =>
    Object.entries(fields)
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escape(value)}">`)
      .join('\n      ')

  /** One plain HTML page of the hosted login: a title, an error or notice, one form. */
  const html = (
    reply: FastifyReply,
    pool: IdentityPool,
    status: number,
    body: { heading?: string; error?: string; info?: string; action: string; hidden: Record<string, string>; fields: string; button: string; buttonId?: string; after?: string },
  ) => {
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
  ${body.heading ? `<h2>${escape(body.heading)}</h2>` : ''}
  ${body.error ? `<p role="alert" id="error">${escape(body.error)}</p>` : ''}
  ${body.info ? `<p role="status" id="info">${escape(body.info)}</p>` : ''}
  <form method="post" action="${AUTH_DOMAINS[pool]}${body.action}">
      ${hiddenFields(body.hidden)}
      ${body.fields}
      <button id="${body.buttonId ?? 'submit'}" type="submit">${body.button}</button>
  </form>
  ${body.after ?? ''}
</body></html>`,
      )
  }

  const forgotLink = (pool: IdentityPool, request: LoginRequest) => {
    const query = new URLSearchParams({ ...fieldsOf(request), response_type: 'code', code_challenge_method: 'S256' })
    return `<p><a id="forgot-password" href="${AUTH_DOMAINS[pool]}/forgotPassword?${escape(query.toString())}">Forgot your password?</a></p>`
  }

  const page = (reply: FastifyReply, pool: IdentityPool, request: LoginRequest, status: number, error?: string, info?: string) =>
    html(reply, pool, status, {
      error,
      info,
      action: '/login',
      hidden: fieldsOf(request),
      fields: `<label>E-mail <input id="username" name="username" type="email" autocomplete="username" required></label>
      <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>`,
      button: 'Sign in',
      buttonId: 'sign-in',
      after: forgotLink(pool, request),
    })

  const newPasswordFields = `<label>New password <input id="new-password" name="new_password" type="password" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" required></label>
      <label>Confirm new password <input id="confirm-password" name="confirm_password" type="password" autocomplete="new-password" minlength="${PASSWORD_MIN_LENGTH}" required></label>`
  const codeField = `<label>Code from your authenticator app <input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required></label>`

  /** The page for where a sign-in stands: the next step's form, the login page again, or the redirect with the code. */
  const stepPage = (reply: FastifyReply, pool: IdentityPool, request: LoginRequest, step: LoginStep) => {
    if (step.kind === 'failed') return page(reply, pool, request, 400, step.message)
    if (step.kind === 'done') {
      const target = new URL(step.request.redirectUri)
      target.searchParams.set('code', step.code)
      if (step.request.state !== '') target.searchParams.set('state', step.request.state)
      return reply.status(302).header('location', target.toString()).send()
    }
    const hidden = { ...fieldsOf(request), session: step.session }
    const status = step.message ? 400 : 200
    if (step.challenge === 'NEW_PASSWORD_REQUIRED') {
      return html(reply, pool, status, {
        heading: 'Change your password',
        info: `Choose a new password of at least ${PASSWORD_MIN_LENGTH} characters.`,
        error: step.message,
        action: '/login/challenge',
        hidden,
        fields: newPasswordFields,
        button: 'Change password',
      })
    }
    if (step.challenge === 'MFA_SETUP') {
      const enrolment = step.enrolment!
      return html(reply, pool, status, {
        heading: 'Set up your authenticator app',
        info: 'Scan the QR code with an authenticator app (or type in the key), then enter the 6-digit code it shows.',
        error: step.message,
        action: '/login/challenge',
        hidden,
        fields: `<div id="totp-qr">${enrolment.qrSvg}</div>
      <p>Key: <code id="totp-secret">${escape(enrolment.secret)}</code></p>
      ${codeField}`,
        button: 'Verify',
      })
    }
    return html(reply, pool, status, { heading: 'Enter your code', error: step.message, action: '/login/challenge', hidden, fields: codeField, button: 'Verify' })
  }

  const resetPage = (reply: FastifyReply, pool: IdentityPool, request: LoginRequest, username: string, status: number, error?: string) =>
    html(reply, pool, status, {
      heading: 'Reset your password',
      info: 'If an account exists for that address, we have e-mailed it a 6-digit code. Enter it with your new password.',
      error,
      action: '/confirmForgotPassword',
      hidden: fieldsOf(request),
      fields: `<label>E-mail <input id="username" name="username" type="email" autocomplete="username" value="${escape(username)}" required></label>
      <label>Code <input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required></label>
      ${newPasswordFields}`,
      button: 'Reset password',
    })

  const requestOf = (checked: LoginRequestFields): LoginRequest => ({
    clientId: checked.client_id,
    redirectUri: checked.redirect_uri,
    codeChallenge: checked.code_challenge,
    scope: checked.scope,
    state: checked.state,
  })
  const fieldsOf = (request: LoginRequest): LoginRequestFields => ({
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    state: request.state,
    scope: request.scope,
    code_challenge: request.codeChallenge,
  })
  const badRequestText = (reply: FastifyReply, reason: string) => reply.status(400).header('content-type', 'text/plain; charset=utf-8').send(`Invalid request: ${reason}`)
  /** A form posted by one of the pages carries the login request as hidden fields: checked again as the GET was. */
  const formRequest = (pool: IdentityPool, form: Record<string, string>) => check(pool, { ...form, response_type: 'code', code_challenge_method: 'S256' })

  const oauthError = (reply: FastifyReply, error: string) => reply.status(400).header('cache-control', 'no-store').send({ error })

  await app.register(async (scope) => {
    await scope.register(formbody)
    const routes = scope.withTypeProvider<TypeBoxTypeProvider>()
    for (const pool of ['staff', 'provider'] as const) {
      const domain = AUTH_DOMAINS[pool]

      routes.get(`${domain}/login`, { config: { public: true }, schema: { hide: true, querystring: LoginQuery } }, async (request, reply) => {
        const checked = check(pool, request.query)
        if (typeof checked === 'string') return badRequestText(reply, checked)
        return page(reply, pool, requestOf(checked), 200)
      })

      routes.post(`${domain}/login`, { config: { public: true }, schema: { hide: true, body: FormBody } }, async (request, reply) => {
        const form = request.body
        const checked = formRequest(pool, form)
        if (typeof checked === 'string') return badRequestText(reply, checked)
        const login = requestOf(checked)
        return stepPage(reply, pool, login, await flow.signIn(pool, form.username ?? '', form.password ?? '', login))
      })

      routes.post(`${domain}/login/challenge`, { config: { public: true }, schema: { hide: true, body: FormBody } }, async (request, reply) => {
        const form = request.body
        const checked = formRequest(pool, form)
        if (typeof checked === 'string') return badRequestText(reply, checked)
        if (!form.session) return badRequestText(reply, 'session is required')
        const step = await flow.respond(pool, form.session, { newPassword: form.new_password, confirmPassword: form.confirm_password, code: form.code })
        // The code goes where the login that started the session asked, whatever the form says now.
        return stepPage(reply, pool, step.kind === 'done' ? step.request : requestOf(checked), step)
      })

      routes.get(`${domain}/forgotPassword`, { config: { public: true }, schema: { hide: true, querystring: LoginQuery } }, async (request, reply) => {
        const checked = check(pool, request.query)
        if (typeof checked === 'string') return badRequestText(reply, checked)
        return html(reply, pool, 200, {
          heading: 'Forgot your password?',
          info: 'Enter your e-mail address and we will send you a code to reset your password.',
          action: '/forgotPassword',
          hidden: fieldsOf(requestOf(checked)),
          fields: `<label>E-mail <input id="username" name="username" type="email" autocomplete="username" required></label>`,
          button: 'Send code',
        })
      })

      routes.post(`${domain}/forgotPassword`, { config: { public: true }, schema: { hide: true, body: FormBody } }, async (request, reply) => {
        const form = request.body
        const checked = formRequest(pool, form)
        if (typeof checked === 'string') return badRequestText(reply, checked)
        const username = (form.username ?? '').trim()
        if (username !== '') await flow.requestReset(pool, username)
        return resetPage(reply, pool, requestOf(checked), username, 200)
      })

      routes.post(`${domain}/confirmForgotPassword`, { config: { public: true }, schema: { hide: true, body: FormBody } }, async (request, reply) => {
        const form = request.body
        const checked = formRequest(pool, form)
        if (typeof checked === 'string') return badRequestText(reply, checked)
        const login = requestOf(checked)
        const username = (form.username ?? '').trim()
        const result = await flow.confirmReset(pool, { username, code: form.code ?? '', newPassword: form.new_password ?? '', confirmPassword: form.confirm_password ?? '' })
        if (!result.ok) return resetPage(reply, pool, login, username, 400, result.message)
        return page(reply, pool, login, 200, undefined, 'Your password has been reset. Sign in with your new password.')
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
