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
    /** The permission a caller needs for this route; enforced by the kernel's permission hook. */
    permission?: string
    /** Route is public: no identity is required. */
    public?: boolean
  }
}

export interface PermissionHookOptions<Permission extends string> {
  permissions: { allows(roles: readonly string[], permission: Permission): boolean }
  /**
   * Establishes who is calling (reads and verifies the token). Returns undefined for an anonymous
   * caller; throws a HearthError for a presented-but-invalid credential.
   */
  authenticate(request: FastifyRequest): Promise<Principal | undefined>
  /** The app's wording for "no credentials" and "not allowed". */
  unauthorized?: () => Error
  forbidden?: (permission: string) => Error
  /**
   * When the check runs: `preHandler` (default, after schema validation) or `preValidation`, for
   * originals that answer 401/403 before they look at malformed input.
   */
  stage?: 'preHandler' | 'preValidation'
}

/**
 * Enforces `config.permission` on every route registered after it in this scope: authenticate, then
 * check the declared permission. The principal is kept on `request.principal`.
 */
export function registerPermissionHook<Permission extends string>(app: FastifyInstance, options: PermissionHookOptions<Permission>): void {
  app.decorateRequest('principal', undefined)
  app.addHook(options.stage ?? 'preHandler', async (request) => {
    const permission = request.routeOptions.config?.permission as Permission | undefined
    if (permission === undefined) return
    const principal = await options.authenticate(request)
    if (principal === undefined) throw (options.unauthorized ?? (() => errors.unauthorized()))()
    request.principal = principal
    const direct = principal.permissions?.includes(permission) ?? false
    if (!direct && !options.permissions.allows(principal.roles, permission)) {
      throw (options.forbidden ?? (() => errors.forbidden()))(permission)
    }
  })
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined
  }
}
