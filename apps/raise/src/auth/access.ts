import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors, registerPermissions, type Principal } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import { permissions, refusal, rolesOf, type Permission } from '../permissions.ts'
import type { Caller, TokenService } from './tokens.ts'

/** The kernel's principal, carrying the verified access token's caller. */
export interface RaisePrincipal extends Principal {
  caller: Caller
}

const BEARER = /^Bearer (\S+)$/
const NO_TOKEN = 'No valid bearer token was set in the authorization header'

/** Whether the request presents an authorization header at all (an empty one counts as none). */
const presentsCredential = (request: FastifyRequest) => request.headers.authorization !== undefined && request.headers.authorization !== ''

/**
 * Raise's access model, on the kernel's permission hook: the bearer token is read and verified
 * before anything else (401 before the content type or the body is looked at, as the original),
 * also on public routes when one is presented (a bad token is refused there too, and a good one
 * names the audit subject); the route's permission is checked after schema validation.
 */
export async function registerAccess(app: FastifyInstance, tokens: TokenService): Promise<void> {
  await registerPermissions<Permission, RaisePrincipal>(app, {
    permissions,
    authenticateAt: 'onRequest',
    stage: 'preHandler',
    authenticatePublic: presentsCredential,
    async authenticate(request) {
      if (!presentsCredential(request)) return undefined
      const match = BEARER.exec(request.headers.authorization!)
      if (!match) throw errors.unauthorized('Format should be "Authorization: Bearer [token]"')
      const caller = await tokens.verifyAccessToken(match[1]!)
      return { roles: rolesOf(caller), caller }
    },
    unauthorized: () => errors.unauthorized(NO_TOKEN),
    forbidden: (permission, principal) => refusal(permission, principal.caller),
  })
}

/** The verified caller, if the request presented a valid access token. */
export function maybeCallerOf(request: FastifyRequest): Caller | undefined {
  return (request.principal as RaisePrincipal | undefined)?.caller
}

/** The caller of a route that declares a permission (the hook has verified it). */
export function callerOf(request: FastifyRequest): Caller {
  const caller = maybeCallerOf(request)
  if (!caller) throw errors.unauthorized(NO_TOKEN)
  return caller
}

/** Subject (the caller, or `public`), source IP, user agent and raw route, for audit entries. */
export function auditContextOf(request: FastifyRequest): AuditContext {
  return {
    subject: maybeCallerOf(request)?.subject ?? 'public',
    sourceIp: request.ip,
    userAgent: request.headers['user-agent'] ?? '',
    route: `${request.method} ${request.url.split('?')[0]}`,
  }
}
