import type { FastifyInstance, FastifyRequest } from 'fastify'
import { hearthPermissions, type Principal } from '@hearth/kernel'
import { accessDenied, unauthorized } from '../errors.ts'
import { gatewayGrants, roles } from '../permissions.ts'
import type { Caller, IdentityTokens, ProviderCaller, StaffCaller, StateCaller } from './tokens.ts'

export type { Caller, ProviderCaller, StaffCaller, StateCaller } from './tokens.ts'
export { IdentityTokens } from './tokens.ts'
export { SigningKey } from './signing-key.ts'
export { loadAuthConfig, type AuthConfig, type Pool } from './auth.config.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The identity service's token minting and verification (QA routes, scripts and tests use it). */
    ccTokens: IdentityTokens
  }
  interface FastifyRequest {
    /** The verified caller of a route that declares a permission. */
    ccCaller: Caller | undefined
  }
}

/** The original's gateway and handler refusals (§2): no or bad credentials, then a scope mismatch. */
export const unauthorizedError = () => unauthorized('Unauthorized')
export const accessDeniedError = () => accessDenied('Access denied')

/**
 * What a caller holds at the gateway layer: its pool as a role (`staff`, `provider`, `state`, which
 * `permissions.ts` turns into `token.<pool>`) and `scope.<action>` for every action any of its
 * scopes carries (`gatewayGrants`). Routes declare these (any of); handlers then re-check the path's
 * compact and jurisdiction with the §3.1 helpers of `permissions.ts`, as the original's two layers did.
 */
export function principalOf(caller: Caller): Principal {
  return { roles: [caller.pool], permissions: caller.pool === 'provider' ? [] : gatewayGrants(caller.scopes) }
}

/** Whether a route requiring `required` (any of) takes tokens of `pool` at all; if not the answer is 401, as a different Cognito authorizer gave. */
export function poolAccepted(required: readonly string[], pool: string): boolean {
  return required.some((permission) => permission === `token.${pool}` || (permission === 'scope.profile' ? pool === 'staff' : permission.startsWith('scope.') && pool !== 'provider'))
}

/** The bearer token: Cognito's authorizers took the raw token or `Bearer <token>`; '' for a header that is neither. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization?.trim()
  if (header === undefined || header === '') return undefined
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (match) return match[1]
  return /^\S+$/.test(header) ? header : ''
}

/**
 * Authentication for every route that declares `config.permission`: the token is verified (any of
 * the three pools, told apart by issuer) before anything else is looked at, then the route's
 * gateway permission is checked. A token of the wrong pool is a 401, as separate Cognito
 * authorizers answered; the right pool without the scope is a 403 `Access denied`. Public routes
 * never look at `Authorization` (the logged-out web app sends `Authorization: null null`).
 */
export async function registerAuth(app: FastifyInstance, container: { tokens: IdentityTokens }): Promise<void> {
  app.decorate('ccTokens', container.tokens)
  app.decorateRequest('ccCaller', undefined)
  await app.register(hearthPermissions, {
    stage: 'onRequest',
    authenticateAt: 'onRequest',
    permissions: roles,
    async authenticate(request): Promise<Principal | undefined> {
      const token = bearerToken(request)
      if (token === undefined) return undefined
      if (token === '') throw unauthorizedError()
      const caller = await container.tokens.verify(token)
      request.ccCaller = caller
      return principalOf(caller)
    },
    unauthorized: () => unauthorizedError(),
    forbidden: (permission, principal) => (principal.roles.some((pool) => poolAccepted(permission.split(' or '), pool)) ? accessDeniedError() : unauthorizedError()),
  })
}

/** The verified caller of a route that declares a permission. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.ccCaller) throw unauthorizedError()
  return request.ccCaller
}

export function staffCallerOf(request: FastifyRequest): StaffCaller {
  const caller = callerOf(request)
  if (caller.pool !== 'staff') throw unauthorizedError()
  return caller
}

export function providerCallerOf(request: FastifyRequest): ProviderCaller {
  const caller = callerOf(request)
  if (caller.pool !== 'provider') throw unauthorizedError()
  return caller
}

export function stateCallerOf(request: FastifyRequest): StateCaller {
  const caller = callerOf(request)
  if (caller.pool !== 'state') throw unauthorizedError()
  return caller
}
