import { definePermissions } from '@hearth/kernel'

/**
 * Who may do what. The schema's `@Auth(role: "user" | "admin")` directives name a role; a field
 * guarded by `@Auth(role: R)` needs the permission `fields.R`, so "your role equals R, or you are an
 * admin" (the original's rule) reads as: ADMIN holds every permission, USER only `fields.user`,
 * NONE nothing (forbidden everywhere). `applications.any` lets `@AuthOwnApplication` pass for
 * applications the caller does not own.
 */
export const permissions = definePermissions({
  ADMIN: ['fields.user', 'fields.admin', 'applications.any'],
  USER: ['fields.user'],
  NONE: [],
})

export type Role = (typeof permissions.roles)[number]
export type Permission = 'fields.user' | 'fields.admin' | 'applications.any'

/** The permission an `@Auth(role: …)` directive asks for (the role string is upper-cased, as the original does). */
export function permissionForAuthRole(role: string): Permission {
  switch (role.toUpperCase()) {
    case 'USER':
      return 'fields.user'
    case 'ADMIN':
      return 'fields.admin'
    default:
      throw new Error(`@Auth(role: "${role}") names no known role`)
  }
}

export const ROLES_IN_ORDER: readonly Role[] = ['ADMIN', 'USER', 'NONE']
