import type { ModelName } from './modules/shared/model.ts'
import type { Visibility, WhereInput } from './modules/shared/where.ts'
import { roleOf, type Caller } from './permissions.ts'

/**
 * Row-level rules: what a caller may see and change. Plain functions over the caller (and the
 * client's arguments), unit-tested in `test/policies.test.ts`; services call them.
 */

/**
 * The rows of each model a caller may read, as a `where` filter. Applied to every read at every
 * depth (root fields, relation fields, relation filters, subscription events), so a seller or
 * customer never sees another seller's data through any path (spec §10.3):
 * - a seller sees themself, their customers, the orders assigned to them (with their items and
 *   prices), their promotions and those promotions' publications;
 * - a customer sees itself, its seller(s), the orders issued to it (with items and prices), and no
 *   promotion or publication (it holds no `read:promotion`).
 */
export function visibleRows(caller: Caller | undefined, model: ModelName): Visibility {
  const role = caller ? roleOf(caller) : undefined
  if (!caller || !role) return false
  const sub = caller.sub
  if (role === 'customer') {
    const order: WhereInput = { issuedTo: { uid: sub } }
    const byModel: Record<ModelName, Visibility> = {
      Bp: { uid: sub },
      User: { customers_some: { uid: sub } },
      Order: order,
      Item: { order },
      Price: { item: { order } },
      Promotion: false,
      Publication: false,
    }
    return byModel[model]
  }
  const self: WhereInput = { extUid: sub }
  const order: WhereInput = { assignedTo: self }
  const promotion: WhereInput = { assignedTo: self }
  const byModel: Record<ModelName, Visibility> = {
    Bp: { customerOf_some: self },
    User: self,
    Order: order,
    Item: { order },
    Price: { item: { order } },
    Promotion: promotion,
    Publication: { promotion },
  }
  return byModel[model]
}

/** What an owner guard decides (spec §2.5): pass, refuse (`FORBIDDEN`), or cannot tell (`SERVER_ERROR`). */
export type GuardOutcome = 'pass' | 'deny' | 'undecidable'

const field = (value: unknown, ...path: string[]): unknown => {
  let current = value
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

const compare = (value: unknown, sub: string): GuardOutcome => (value === undefined || value === null ? 'undecidable' : value === sub ? 'pass' : 'deny')

/** `ordersConnection` and the `order` subscription: the filter must name the caller (customer first). */
export function ordersFilterNamesCaller(caller: Caller, where: unknown): GuardOutcome {
  const role = roleOf(caller)
  if (role === 'customer') return compare(field(where, 'issuedTo', 'uid'), caller.sub)
  if (role === 'seller') return compare(field(where, 'assignedTo', 'extUid'), caller.sub)
  return 'undecidable'
}

/** `bpsConnection`: a seller's filter must hold `customerOf_some.extUid` = the caller. */
export function bpsFilterNamesCaller(caller: Caller, where: unknown): GuardOutcome {
  if (roleOf(caller) !== 'seller') return 'undecidable'
  return compare(field(where, 'customerOf_some', 'extUid'), caller.sub)
}

/** `promotionsConnection`: customers are refused; a seller's filter must hold `assignedTo.extUid`. */
export function promotionsFilterNamesCaller(caller: Caller, where: unknown): GuardOutcome {
  const role = roleOf(caller)
  if (role === 'customer') return 'deny'
  if (role === 'seller') return compare(field(where, 'assignedTo', 'extUid'), caller.sub)
  return 'undecidable'
}

type Stage = 'OPEN' | 'WON' | 'CLOSED' | 'IN_PROCESS'

/**
 * Stage changes (spec §1.3, enforced here rather than only in the UI, §10.4): OPEN → WON, CLOSED or
 * IN_PROCESS; IN_PROCESS → CLOSED or WON; WON and CLOSED are final; a customer never chooses WON
 * or IN_PROCESS. Keeping the current stage is always allowed.
 */
export function mayChangeStage(caller: Caller, from: Stage | undefined, to: Stage): boolean {
  if (from === to) return true
  if (roleOf(caller) === 'customer' && (to === 'WON' || to === 'IN_PROCESS')) return false
  if (from === undefined) return to === 'OPEN' || roleOf(caller) === 'seller' || to === 'CLOSED'
  if (from === 'WON' || from === 'CLOSED') return false
  if (from === 'IN_PROCESS') return to === 'CLOSED' || to === 'WON'
  return true
}

/** Who an order belongs to: its customer (`issuedTo`) and its seller (`assignedTo`), by `uid`. */
export interface OrderOwners {
  issuedToUid: string
  assignedToUid: string
}

/**
 * Nested `connect`/`set` of existing items (and prices) into an order: besides being visible to the
 * caller, the row must come from an order of the same customer and the same seller. So a seller
 * moves rows only between their orders for one customer, and a customer of two sellers cannot carry
 * one seller's item into the other's order.
 */
export function mayMoveBetweenOrders(from: OrderOwners | undefined, to: OrderOwners): boolean {
  return from !== undefined && from.issuedToUid === to.issuedToUid && from.assignedToUid === to.assignedToUid
}
