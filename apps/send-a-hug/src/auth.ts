import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors, hearthPermissions } from '@hearth/kernel'
import { KeyFetchError, TokenInvalidError, type FirebaseToken, type FirebaseVerifier } from '@hearth/kernel/identity'
import { authError } from './errors.ts'

/** Who is calling, as the original's `requires_auth` handed it to handlers (spec §3.1 step 6). */
export interface Caller {
  id: number
  displayName: string
  roleId: number | null
  permissions: string[]
  releaseDate: Date | null
  firebaseId: string
  /** From the token, not the database. */
  emailVerified: boolean
}

export interface CallerLookup {
  findCaller(firebaseId: string): Promise<Omit<Caller, 'emailVerified'> | undefined>
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | undefined
    token: FirebaseToken | undefined
  }
  interface FastifyContextConfig {
    /** A valid token is enough; no user row needed (`POST /users`, spec §3.3). */
    tokenOnly?: boolean
  }
}

/** Steps 1–3 of spec §3.1: the bearer header, then the Firebase ID token. */
export async function verifyBearer(request: FastifyRequest, verify: FirebaseVerifier): Promise<FirebaseToken> {
  const header = request.headers.authorization
  if (header === undefined) throw authError(401, 'Unauthorised. No Authorization header.')
  const parts = header.split(' ')
  if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'bearer' || parts[1] === '') throw authError(401, 'Unauthorised. Malformed Authorization header.')
  try {
    return await verify(parts[1]!)
  } catch (error) {
    // Google's keys could not be fetched: not the caller's fault, and not a reason to sign them out.
    if (error instanceof KeyFetchError) throw errors.unavailable('Token verification is unavailable right now; try again shortly.')
    if (!(error instanceof TokenInvalidError)) throw error
    throw authError(401, error.reason === 'expired' ? 'Unauthorised. Your token has expired.' : `Unauthorised. Your token is invalid. Error: ${error.reason}`)
  }
}

/**
 * Authentication and permissions for every route. Runs before validation, as the original checked
 * the token before looking at the request. The caller's role and permissions are read with the user
 * row (reference data in the database) and are the principal's direct grants; an "a or b" route
 * requirement is a list, which the kernel's hook reads as "any of".
 */
export async function registerAuth(app: FastifyInstance, options: { verify: FirebaseVerifier; users: CallerLookup }): Promise<void> {
  app.decorateRequest('caller', undefined)
  app.decorateRequest('token', undefined)
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config?.tokenOnly) request.token = await verifyBearer(request, options.verify)
  })
  await app.register(hearthPermissions, {
    stage: 'preValidation',
    async authenticate(request) {
      const token = await verifyBearer(request, options.verify)
      const user = await options.users.findCaller(token.uid)
      if (!user) throw authError(401, 'Unauthorised. User not found.')
      request.token = token
      request.caller = { ...user, emailVerified: token.email_verified === true }
      return { roles: [], permissions: user.permissions }
    },
    forbidden: () => authError(403, 'Forbidden. You do not have permission to perform this action.'),
  })
}

/** The authenticated caller of a route that declares a permission. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw authError(401, 'Unauthorised.')
  return request.caller
}

export function tokenOf(request: FastifyRequest): FirebaseToken {
  if (!request.token) throw authError(401, 'Unauthorised.')
  return request.token
}
