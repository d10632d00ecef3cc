import { cannotAccessOrder, orderOwnerUndecidable } from '../errors.ts'
import type { GomEventBus, GomEvents } from '../events.ts'
import type { Caller } from '../permissions.ts'
import { ordersFilterNamesCaller } from '../policies.ts'
import type { NodeRecord } from '../modules/shared/records.repository.ts'
import type { GomContext } from './context.ts'

const MAX_QUEUED = 1000

type OrderEvent = GomEvents['orderChanged']

export interface OrderPayload {
  mutation: OrderEvent['mutation']
  node: NodeRecord | null
  updatedFields: string[] | null
  previousValues: Record<string, unknown> | null
}

type SubscriptionWhere = {
  AND?: SubscriptionWhere[] | null
  OR?: SubscriptionWhere[] | null
  NOT?: SubscriptionWhere[] | null
  mutation_in?: string[] | null
  updatedFields_contains?: string | null
  updatedFields_contains_every?: string[] | null
  updatedFields_contains_some?: string[] | null
  node?: Record<string, unknown> | null
}

/**
 * Whether an event passes an `OrderSubscriptionWhereInput` (Prisma 1 semantics). `nodeMatches`
 * answers the `node` filter (SQL against the current row, within the subscriber's visibility).
 */
export async function eventMatches(where: SubscriptionWhere | null | undefined, event: OrderEvent, nodeMatches: (filter: Record<string, unknown>) => Promise<boolean>): Promise<boolean> {
  if (!where) return true
  const fields = event.updatedFields ?? []
  if (where.mutation_in && !where.mutation_in.includes(event.mutation)) return false
  if (where.updatedFields_contains !== undefined && where.updatedFields_contains !== null && !fields.includes(where.updatedFields_contains)) return false
  if (where.updatedFields_contains_every && !where.updatedFields_contains_every.every((field) => fields.includes(field))) return false
  if (where.updatedFields_contains_some && !where.updatedFields_contains_some.some((field) => fields.includes(field))) return false
  if (where.node && !(await nodeMatches(where.node))) return false
  for (const part of where.AND ?? []) if (!(await eventMatches(part, event, nodeMatches))) return false
  if (where.OR && where.OR.length > 0) {
    let any = false
    for (const part of where.OR) if ((any = await eventMatches(part, event, nodeMatches))) break
    if (!any) return false
  }
  for (const part of where.NOT ?? []) if (await eventMatches(part, event, nodeMatches)) return false
  return true
}

/**
 * `subscription { order(where) }`: the original's guard (the filter's `node` names the caller),
 * then every event is delivered only if the order is visible to the subscriber (its own seller's
 * or customer's orders, whatever the filter says) and passes the filter. The node is read fresh,
 * so nested selections are authorized like any query. A `DELETED` event (an order removed by a
 * `deleteBp` cascade) has `node: null` and the order's `previousValues`; the visibility and the
 * `node` filter are checked on those values (Prisma 1 semantics).
 */
export async function orderSubscription(bus: GomEventBus, caller: Caller, whereArg: unknown, context: GomContext): Promise<AsyncIterableIterator<OrderPayload>> {
  const where = (whereArg ?? null) as SubscriptionWhere | null
  const outcome = ordersFilterNamesCaller(caller, where?.node)
  if (outcome === 'undecidable') throw orderOwnerUndecidable()
  if (outcome === 'deny') throw cannotAccessOrder()
  const reads = context.services.reads
  reads.checkWhere(caller, 'Order', where?.node)

  const deliver = async (event: OrderEvent): Promise<OrderPayload | undefined> => {
    if (event.mutation === 'DELETED') {
      // The row is gone: visibility and `node` are evaluated on the deleted order's previous values.
      const orders = context.services.orders
      if (!(await orders.deletedOrderMatches(caller, event))) return undefined // not the subscriber's order
      if (!(await eventMatches(where, event, (filter) => orders.deletedOrderMatches(caller, event, filter)))) return undefined
      return { mutation: 'DELETED', node: null, updatedFields: null, previousValues: event.previousValues }
    }
    const node = await reads.unique(caller, 'Order', { uid: event.orderUid })
    if (!node) return undefined // not the subscriber's order (or gone)
    const matches = await eventMatches(where, event, (filter) => reads.exists(caller, 'Order', { AND: [{ uid: event.orderUid }, filter] }))
    if (!matches) return undefined
    return { mutation: event.mutation, node, updatedFields: event.updatedFields, previousValues: event.previousValues }
  }

  const queue: OrderEvent[] = []
  let waiting: ((event: OrderEvent | undefined) => void) | undefined
  let done = false
  const unsubscribe = await bus.subscribe('orderChanged', (event) => {
    if (done) return
    if (waiting) {
      const wake = waiting
      waiting = undefined
      wake(event)
    } else {
      if (queue.length >= MAX_QUEUED) queue.shift()
      queue.push(event)
    }
  })
  const finish = async (): Promise<IteratorResult<OrderPayload>> => {
    if (!done) {
      done = true
      waiting?.(undefined)
      waiting = undefined
      queue.length = 0
      await unsubscribe()
    }
    return { value: undefined, done: true }
  }
  const iterator: AsyncIterableIterator<OrderPayload> = {
    async next() {
      while (!done) {
        const event = queue.length > 0 ? queue.shift() : await new Promise<OrderEvent | undefined>((resolve) => (waiting = resolve))
        if (done || event === undefined) break
        const value = await deliver(event).catch(() => undefined)
        if (value !== undefined && !done) return { value, done: false }
      }
      return { value: undefined, done: true }
    },
    return: finish,
    throw: async (error) => {
      await finish()
      throw error
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }
  return iterator
}
