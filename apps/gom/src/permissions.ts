/**
 * Who may do what (spec §2.3). Gom's permissions are `action:subject` strings carried in the access
 * token's `permissions` claim; the role is the pseudo-permission `role:seller` / `role:customer`.
 * The grants per role live with the token issuers (`modules/auth/caller.ts`); this file says what
 * each GraphQL root field requires.
 */
import { CUSTOMER_PERMISSIONS, SELLER_PERMISSIONS, type Caller } from './modules/auth/index.ts'

export { CUSTOMER_PERMISSIONS, SELLER_PERMISSIONS, type Caller }

export type Permission = (typeof SELLER_PERMISSIONS)[number] | (typeof CUSTOMER_PERMISSIONS)[number]

/**
 * What each served root field requires: one permission each (the original's PermissionGuard),
 * enforced by the kernel's resolver guard.
 */
export const FIELD_PERMISSIONS = {
  Query: {
    bp: 'read:bp',
    bpsConnection: 'read:bps',
    order: 'read:order',
    ordersConnection: 'read:orders',
    promotion: 'read:promotion',
    promotionsConnection: 'read:promotions',
    publication: 'read:publication',
    publicationsConnection: 'read:publications',
  },
  Mutation: {
    createBp: 'create:bp',
    updateBp: 'update:bp',
    deleteBp: 'delete:bp',
    createOrder: 'create:order',
    updateOrder: 'update:order',
    createPromotion: 'create:promotion',
    updatePromotion: 'update:promotion',
    createPublication: 'create:publication',
    updatePublication: 'update:publication',
  },
  Subscription: {
    order: 'subscribe:order',
  },
} as const satisfies Record<string, Record<string, Permission>>

export type Role = 'seller' | 'customer'

/** The caller's role; the customer branch is evaluated first, as the original's guards do. */
export function roleOf(caller: Caller): Role | undefined {
  if (caller.permissions.includes('role:customer')) return 'customer'
  if (caller.permissions.includes('role:seller')) return 'seller'
  return undefined
}
