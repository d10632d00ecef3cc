import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'

/**
 * An app's declaration of who may do what: each role (or scope) lists the permissions it grants.
 * Permission names are dotted strings (`donation.create`); the app's `permissions.ts` is the only
 * place they are defined.
 */
export type PermissionMap<Role extends string, Permission extends string> = Readonly<Record<Role, readonly Permission[]>>

export function definePermissions<const Role extends string, const Permission extends string>(map: PermissionMap<Role, Permission>) {
  const grants = new Map<string, ReadonlySet<string>>(Object.entries(map).map(([role, list]) => [role, new Set(list as string[])]))
  return {
    map,
    roles: Object.keys(map) as Role[],
    /** True when any of `roles` grants `permission`. */
    allows(roles: readonly string[] | string | undefined, permission: Permission): boolean {
      const list = roles === undefined ? [] : typeof roles === 'string' ? [roles] : roles
      return list.some((role) => grants.get(role)?.has(permission) ?? false)
    },
    permissionsOf(roles: readonly string[] | string): Permission[] {
      const list = typeof roles === 'string' ? [roles] : roles
      return [...new Set(list.flatMap((role) => [...(grants.get(role) ?? [])]))] as Permission[]
    },
  }
}

export interface Principal {
  /** The caller's roles or scopes, as named in the permission map. */
  roles: readonly string[]
  /** Permissions granted directly (e.g. a token's own permission list), on top of the roles'. */
  permissions?: readonly string[]
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The permission a caller needs for this route, or a list meaning "any of these"; enforced by
     * the kernel's permission hook.
     */
    permission?: string | readonly string[]
    /** Route is public: no identity is required. */
    public?: boolean
  }
}

type HookStage = 'onRequest' | 'preValidation' | 'preHandler'

export interface PermissionHookOptions<Permission extends string, P extends Principal = Principal> {
  /**
   * What each role grants (`definePermissions`). Omit when every grant comes with the principal
   * itself (`principal.permissions`, e.g. read from the caller's role in the database).
   */
  permissions?: { allows(roles: readonly string[], permission: Permission): boolean }
  /**
   * Establishes who is calling (reads and verifies the credential). Returns undefined for an
   * anonymous caller; throws a HearthError for a presented-but-invalid credential.
   */
  authenticate(request: FastifyRequest): Promise<P | undefined>
  /** The app's wording for "no credentials" and "not allowed". */
  unauthorized?: (request: FastifyRequest) => Error
  forbidden?: (permission: string, principal: P, request: FastifyRequest) => Error
  /**
   * When the permission is checked: `preHandler` (default, after schema validation) or
   * `preValidation`, for originals that answer 403 before they look at malformed input.
   */
  stage?: HookStage
  /**
   * When the caller is authenticated, if earlier than the check: `onRequest` for originals that
   * answer 401 before anything else (content type, body) is looked at. Defaults to `stage`.
   */
  authenticateAt?: HookStage
  /**
   * Also authenticate on routes without a permission (public ones) when a credential is presented,
   * so a bad one is refused there too and a good one is known (audit subjects). The caller decides
   * whether one was presented.
   */
  authenticatePublic?: (request: FastifyRequest) => boolean
}

/**
 * True when the principal holds one of `required` ("any of"): granted directly
 * (`principal.permissions`) or through one of its roles. REST's hook and GraphQL's
 * `guardResolvers` decide with this one function.
 */
export function holdsPermission(principal: Principal, required: readonly string[], permissions?: { allows(roles: readonly string[], permission: never): boolean }): boolean {
  return required.some((permission) => (principal.permissions?.includes(permission) ?? false) || (permissions?.allows(principal.roles, permission as never) ?? false))
}

const ORDER: Record<HookStage, number> = { onRequest: 0, preValidation: 1, preHandler: 2 }

/** The permissions a route requires, as a list ("any of"); empty when the route requires none. */
export function requiredPermissions(request: FastifyRequest): readonly string[] {
  const permission = request.routeOptions.config?.permission
  return permission === undefined ? [] : typeof permission === 'string' ? [permission] : permission
}

/**
 * Enforces `config.permission` on every route registered after it in this scope: authenticate, then
 * check that the caller holds the permission (or, for a list, one of them) through a role or a
 * direct grant. The principal is kept on `request.principal`.
 */
export function registerPermissionHook<Permission extends string, P extends Principal = Principal>(app: FastifyInstance, options: PermissionHookOptions<Permission, P>): void {
  const checkAt = options.stage ?? 'preHandler'
  const authenticateAt = options.authenticateAt ?? checkAt
  if (ORDER[authenticateAt] > ORDER[checkAt]) throw new Error(`registerPermissionHook: authenticateAt (${authenticateAt}) must not come after stage (${checkAt})`)
  const unauthorized = options.unauthorized ?? (() => errors.unauthorized())
  const forbidden = options.forbidden ?? (() => errors.forbidden())
  // Several scopes may each register a hook (a plugin with its own credentials); one decorator serves them.
  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', undefined)

  app.addHook(authenticateAt, async (request) => {
    const required = requiredPermissions(request)
    if (required.length === 0 && !(options.authenticatePublic?.(request) ?? false)) return
    const principal = await options.authenticate(request)
    if (principal === undefined) {
      if (required.length > 0) throw unauthorized(request)
      return
    }
    request.principal = principal
  })

  app.addHook(checkAt, async (request) => {
    const required = requiredPermissions(request)
    if (required.length === 0) return
    const principal = request.principal as P | undefined
    if (principal === undefined) throw unauthorized(request)
    if (!holdsPermission(principal, required, options.permissions)) throw forbidden(required.join(' or '), principal, request)
  })
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined
  }
}
