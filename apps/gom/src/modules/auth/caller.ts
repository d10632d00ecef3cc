import type { JWTPayload } from 'jose'

/** The six permissions every phone-grant (customer) token carries (spec §2.3). */
export const CUSTOMER_PERMISSIONS = ['create:order', 'read:order', 'read:orders', 'role:customer', 'update:order', 'subscribe:order'] as const

/** What Auth0 RBAC grants a seller (spec §2.3, §11.2): the built-in provider gives every seller all 19. */
export const SELLER_PERMISSIONS = [
  'role:seller',
  'read:bp',
  'read:bps',
  'create:bp',
  'update:bp',
  'delete:bp',
  'read:order',
  'read:orders',
  'create:order',
  'update:order',
  'subscribe:order',
  'read:promotion',
  'read:promotions',
  'create:promotion',
  'update:promotion',
  'read:publication',
  'read:publications',
  'create:publication',
  'update:publication',
] as const

/**
 * Who is calling, from a verified access token (spec §3.4): `req.user = { id: sub, ability }` in the
 * original. `permissions` are the token's `"action:subject"` entries (the CASL rules); `can` asks
 * `ability.can(action, subject)`. The role is the pseudo-permission `role:customer` / `role:seller`,
 * the customer branch first as in every original guard.
 */
export interface Caller {
  readonly kind: 'seller' | 'customer'
  /** The token's `sub`: a seller's Auth0 id (`User.extUid`), a customer's `Bp.uid`. */
  readonly sub: string
  readonly permissions: readonly string[]
  /** Customers only: the share code (`Bp.extUid`), the seller's `extUid` and business name. */
  readonly eid?: string
  readonly seller?: string
  readonly business?: string
  /** `gty`: `password` (seller) or `phone` (customer). */
  readonly grant?: string
  /** Every verified claim, for anything not listed above. */
  readonly claims: Readonly<JWTPayload>
  can(action: string, subject: string): boolean
}

/** Callers already built, by their verified payload object (the token cache hands out the same object). */
const callers = new WeakMap<JWTPayload, Caller | string>()

/** The caller a verified payload describes, or a reason it cannot be one. */
export function callerFromClaims(claims: JWTPayload): Caller | string {
  let caller = callers.get(claims)
  if (caller === undefined) callers.set(claims, (caller = buildCaller(claims)))
  return caller
}

function buildCaller(claims: JWTPayload): Caller | string {
  const permissions = claims.permissions
  if (!Array.isArray(permissions) || !permissions.every((entry) => typeof entry === 'string')) return 'Token without permissions'
  if (typeof claims.sub !== 'string' || claims.sub === '') return 'Token without subject'
  const list = permissions as string[]
  const kind = list.includes('role:customer') ? 'customer' : list.includes('role:seller') ? 'seller' : undefined
  if (!kind) return 'Token without role'
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
  const granted = new Set(list)
  return Object.freeze({
    kind,
    sub: claims.sub,
    permissions: Object.freeze([...list]),
    eid: text(claims.eid),
    seller: text(claims.seller),
    business: text(claims.business),
    grant: text(claims.gty),
    claims: Object.freeze({ ...claims }),
    can: (action: string, subject: string) => granted.has(`${action}:${subject}`),
  })
}
