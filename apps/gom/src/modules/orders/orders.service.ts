import type { Database, Db } from '@hearth/kernel'
import { badInput, cannotAccessOrder, GomError, orderOwnerUndecidable } from '../../errors.ts'
import type { GomEventBus, GomEvents } from '../../events.ts'
import { cuid } from '../../ids.ts'
import type { GomNotifier } from '../../notifications.ts'
import { roleOf, type Caller } from '../../permissions.ts'
import { mayChangeStage, mayMoveBetweenOrders, ordersFilterNamesCaller, type OrderOwners } from '../../policies.ts'
import { isInput, listOf, pick, WriteBudget, type Input } from '../shared/mutation-input.ts'
import type { Connection, ListArgs, ReadService } from '../shared/read.service.ts'
import type { Filter, NodeRecord } from '../shared/records.repository.ts'
import type { OrderPatch, OrderRow, OrdersRepository, ItemInsert, ItemPatch, PriceInsert, PricePatch } from './orders.repository.ts'

type Stage = 'OPEN' | 'WON' | 'CLOSED' | 'IN_PROCESS'

const ITEM_FIELDS = ['code', 'quantity', 'description', 'provider', 'createdBy', 'updatedBy'] as const
const PRICE_FIELDS = ['type', 'amount', 'currency', 'createdBy', 'updatedBy'] as const
const ORDER_SCALARS = ['uid', 'name', 'stage', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'] as const

const stageNotAllowed = () => new GomError('FORBIDDEN', 'Cannot set this order stage')
const noSuch = (model: string, uid: unknown) => badInput(`No ${model} with uid ${JSON.stringify(uid)} in this order`)
const noSuchPrice = (uid: unknown) => badInput(`No Price with uid ${JSON.stringify(uid)} in this item`)
/** Prisma 1's refusal of a nested write that would leave an item without its order (or a price without its item). */
const requiredRelation = (relation: string, parent: string, child: string) =>
  badInput(`The change you are trying to make would violate the required relation '${relation}' between ${parent} and ${child}`)

/** The order a nested write works on, with who it belongs to. */
interface TargetOrder extends OrderOwners {
  uid: string
}

/** `previousValues` of a subscription payload: the order's scalars, DateTimes as ISO strings. */
function previousValuesOf(order: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(ORDER_SCALARS.map((field) => [field, order[field] instanceof Date ? (order[field] as Date).toISOString() : order[field]]))
}

/** The `DELETED` event of an order a `deleteBp` cascade removed (published after commit). */
export function orderDeletedEvent(order: OrderRow): GomEvents['orderChanged'] {
  return {
    mutation: 'DELETED',
    orderUid: order.uid,
    updatedFields: null,
    previousValues: previousValuesOf(order),
    deletedKeys: { issuedToUid: order.issuedToUid, assignedToUid: order.assignedToUid },
  }
}

function pricePatch(data: Input): PricePatch {
  const patch = pick(data, PRICE_FIELDS) as PricePatch
  if (patch.amount === null || patch.currency === null) throw badInput('amount and currency must not be null')
  return patch
}

/**
 * Orders (spec §2.5 "Order"). Customers order from their seller; sellers manage the orders assigned
 * to them. Every write runs in one transaction with its nested items and prices and the push
 * notification job; the subscription event is published after commit.
 */
export class OrdersService {
  constructor(
    private readonly database: Database,
    private readonly reads: ReadService,
    private readonly orders: OrdersRepository,
    private readonly notifier: GomNotifier,
    private readonly events: GomEventBus,
    private readonly maxNestedWrites: number,
  ) {}

  /** The owner guard of `order` and `updateOrder`: an exists check within the caller's orders. */
  private async guardOne(caller: Caller, where: unknown, db?: Db): Promise<NodeRecord> {
    if (!roleOf(caller)) throw orderOwnerUndecidable()
    const found = await this.reads.unique(caller, 'Order', where, db)
    if (!found) throw cannotAccessOrder()
    return found
  }

  order(caller: Caller, where: unknown): Promise<NodeRecord> {
    return this.guardOne(caller, where)
  }

  ordersConnection(caller: Caller, args: ListArgs): Promise<Connection> {
    const outcome = ordersFilterNamesCaller(caller, args.where)
    if (outcome === 'undecidable') throw orderOwnerUndecidable()
    if (outcome === 'deny') throw cannotAccessOrder()
    return this.reads.connection(caller, 'Order', args)
  }

  /**
   * `createOrder`. The original's guard (a customer connects itself as `issuedTo`, a seller
   * itself as `assignedTo`), then what it missed (§10.4): the other side must be the caller's own
   * seller or customer, and a customer cannot open an order as WON or IN_PROCESS.
   */
  async createOrder(caller: Caller, data: Input): Promise<NodeRecord> {
    const role = roleOf(caller)
    const issuedTo = isInput(data.issuedTo) && isInput(data.issuedTo.connect) ? data.issuedTo.connect : undefined
    const assignedTo = isInput(data.assignedTo) && isInput(data.assignedTo.connect) ? data.assignedTo.connect : undefined
    const named = role === 'customer' ? issuedTo?.uid : role === 'seller' ? assignedTo?.extUid : undefined
    if (named === undefined || named === null || !issuedTo || !assignedTo) throw orderOwnerUndecidable()
    if (named !== caller.sub) throw cannotAccessOrder()
    const stage = (data.stage as Stage | undefined) ?? 'OPEN'
    if (!mayChangeStage(caller, undefined, stage)) throw stageNotAllowed()
    const budget = new WriteBudget(this.maxNestedWrites)
    const uid = await this.database.transaction(async (tx) => {
      const bp = await this.reads.unique(caller, 'Bp', issuedTo, tx)
      const seller = await this.reads.unique(caller, 'User', assignedTo, tx)
      if (!bp || !seller) throw cannotAccessOrder()
      const order = await this.orders.insert(tx, {
        uid: cuid(),
        name: String(data.name),
        stage,
        issuedToUid: bp.uid,
        assignedToUid: seller.uid,
        createdBy: caller.sub,
        updatedBy: (data.updatedBy as string | null | undefined) ?? null,
      })
      const nested = isInput(data.items) ? data.items : {}
      await this.createItems(tx, order.uid, listOf(nested.create), budget)
      await this.connectItems(tx, caller, { uid: order.uid, issuedToUid: bp.uid, assignedToUid: seller.uid }, nested, budget)
      await this.connectPromotions(tx, caller, order.uid, data.promotions, budget)
      await this.notifier.orderChanged(tx, {
        operation: 'create',
        emitter: caller.sub,
        order: { uid: order.uid, name: order.name, issuedTo: { uid: bp.uid }, assignedTo: { extUid: (seller.extUid as string | null) ?? null } },
      })
      return order.uid
    })
    await this.publish({ mutation: 'CREATED', orderUid: uid, updatedFields: null, previousValues: null })
    return (await this.reads.unique(caller, 'Order', { uid }))!
  }

  /**
   * `updateOrder`: the exists check, then owner checks on every field that changes who owns the
   * order or where it stands (`issuedTo`, `assignedTo`, `stage`), then nested item and price writes.
   */
  async updateOrder(caller: Caller, data: Input, where: unknown): Promise<NodeRecord> {
    const budget = new WriteBudget(this.maxNestedWrites)
    const { uid, previous, updatedFields } = await this.database.transaction(async (tx) => {
      const found = await this.guardOne(caller, where, tx)
      const patch: OrderPatch = { ...(pick(data, ['name', 'stage']) as OrderPatch), updatedBy: caller.sub }
      if (patch.name === null) throw badInput('name must not be null')
      if (patch.stage === null) throw badInput('stage must not be null')
      if (patch.stage !== undefined && !mayChangeStage(caller, found.stage as Stage, patch.stage as Stage)) throw stageNotAllowed()
      let issuedToUid = found.keys.issuedTo!
      let sellerExtUid: string | null | undefined
      if (data.issuedTo !== undefined && data.issuedTo !== null) {
        const connect = isInput(data.issuedTo) ? data.issuedTo.connect : undefined
        const bp = isInput(connect) ? await this.reads.unique(caller, 'Bp', connect, tx) : undefined
        if (!bp) throw cannotAccessOrder()
        patch.issuedToUid = issuedToUid = bp.uid
      }
      if (data.assignedTo !== undefined && data.assignedTo !== null) {
        const connect = isInput(data.assignedTo) ? data.assignedTo.connect : undefined
        const seller = isInput(connect) ? await this.reads.unique(caller, 'User', connect, tx) : undefined
        if (!seller) throw cannotAccessOrder()
        patch.assignedToUid = seller.uid
        sellerExtUid = seller.extUid as string | null
      }
      // The customer must belong to the seller the order is assigned to.
      const assignedToUid = patch.assignedToUid ?? found.keys.assignedTo!
      if (patch.issuedToUid !== undefined || patch.assignedToUid !== undefined) {
        if (!(await this.isCustomerOf(tx, issuedToUid, assignedToUid))) throw cannotAccessOrder()
      }
      const order = (await this.orders.update(tx, found.uid, patch))!
      const nested = isInput(data.items) ? data.items : {}
      await this.writeItems(tx, caller, { uid: order.uid, issuedToUid: order.issuedToUid, assignedToUid: order.assignedToUid }, nested, budget)
      await this.connectPromotions(tx, caller, order.uid, data.promotions, budget)
      if (sellerExtUid === undefined) sellerExtUid = (await this.reads.byUidsUnscoped('User', [assignedToUid], tx)).get(assignedToUid)?.extUid as string | null | undefined
      await this.notifier.orderChanged(tx, {
        operation: 'update',
        emitter: caller.sub,
        order: { uid: order.uid, name: order.name, issuedTo: { uid: order.issuedToUid }, assignedTo: { extUid: sellerExtUid ?? null } },
      })
      const previous = previousValuesOf(found)
      const updatedFields = [...Object.keys(pick(data, ['name', 'stage'])), 'updatedBy']
      return { uid: order.uid, previous, updatedFields }
    })
    await this.publish({ mutation: 'UPDATED', orderUid: uid, updatedFields, previousValues: previous })
    return (await this.reads.unique(caller, 'Order', { uid }))!
  }

  private async isCustomerOf(tx: Db, bpUid: string, userUid: string): Promise<boolean> {
    return this.reads.existsUnscoped('Bp', { uid: bpUid, customerOf_some: { uid: userUid } }, tx)
  }

  /** Items and prices a nested write names by its unique selector must be in this order (or item). */
  private async createItems(tx: Db, orderUid: string, creates: Input[], budget: WriteBudget): Promise<void> {
    budget.spend(creates.length)
    const itemRows: ItemInsert[] = []
    const priceRows: PriceInsert[] = []
    for (const create of creates) {
      const item = { uid: cuid(), orderUid, ...(pick(create, ITEM_FIELDS) as Partial<ItemInsert>) }
      itemRows.push(item)
      priceRows.push(...this.priceRows(item.uid, isInput(create.pricing) ? listOf(create.pricing.create) : [], budget))
    }
    await this.orders.insertItems(tx, itemRows)
    await this.orders.insertPrices(tx, priceRows)
  }

  private priceRows(itemUid: string, creates: Input[], budget: WriteBudget): PriceInsert[] {
    budget.spend(creates.length)
    return creates.map((create) => {
      const fields = pick(create, PRICE_FIELDS) as Partial<PriceInsert>
      return { uid: cuid(), itemUid, ...fields, type: fields.type ?? 'GENERAL', amount: Number(create.amount), currency: String(create.currency) }
    })
  }

  /**
   * Existing items a `connect` or `set` moves into `target`: each must be visible to the caller and
   * sit in an order of the same customer and seller (a customer of two sellers cannot carry one
   * seller's item into the other's order). Not visible and not there look the same.
   */
  private async movableItems(tx: Db, caller: Caller, target: TargetOrder, entries: Input[], budget: WriteBudget): Promise<string[]> {
    budget.spend(entries.length)
    const uids: string[] = []
    for (const entry of entries) {
      const item = await this.reads.unique(caller, 'Item', entry, tx)
      if (!item || !mayMoveBetweenOrders(await this.ownersOf(tx, item.keys.order), target)) throw cannotAccessOrder()
      uids.push(item.uid)
    }
    return uids
  }

  /** Existing prices a `set` moves into an item of `target`: visible, and in an order of the same customer and seller. */
  private async movablePrices(tx: Db, caller: Caller, target: TargetOrder, entries: Input[], budget: WriteBudget): Promise<string[]> {
    budget.spend(entries.length)
    const uids: string[] = []
    for (const entry of entries) {
      const price = await this.reads.unique(caller, 'Price', entry, tx)
      const item = price?.keys.item ? (await this.reads.byUidsUnscoped('Item', [price.keys.item], tx)).get(price.keys.item) : undefined
      if (!price || !mayMoveBetweenOrders(await this.ownersOf(tx, item?.keys.order), target)) throw cannotAccessOrder()
      uids.push(price.uid)
    }
    return uids
  }

  private async ownersOf(tx: Db, orderUid: string | null | undefined): Promise<OrderOwners | undefined> {
    const order = orderUid ? (await this.reads.byUidsUnscoped('Order', [orderUid], tx)).get(orderUid) : undefined
    return order?.keys.issuedTo && order.keys.assignedTo ? { issuedToUid: order.keys.issuedTo, assignedToUid: order.keys.assignedTo } : undefined
  }

  /** `items: {connect}` of a new order. */
  private async connectItems(tx: Db, caller: Caller, target: TargetOrder, nested: Input, budget: WriteBudget): Promise<void> {
    await this.orders.moveItems(tx, target.uid, await this.movableItems(tx, caller, target, listOf(nested.connect), budget))
  }

  /**
   * The nested `items` writes of an order update (Prisma 1's `ItemUpdateManyWithoutOrderInput`), in
   * Prisma 1's order: `create`, `update`, `upsert`, `delete`, `connect`, `set` (the complete list of
   * the order's items: every item it has by then must be named, since an item cannot exist without
   * its order), `updateMany`, `deleteMany`. Unique selectors (`update`, `upsert`, `delete`) name
   * items of this order; `updateMany`/`deleteMany` filters reach only this order's items visible to
   * the caller; `connect`/`set` move only the caller's items from orders of the same customer and
   * seller (`policies.mayMoveBetweenOrders`).
   */
  private async writeItems(tx: Db, caller: Caller, target: TargetOrder, nested: Input, budget: WriteBudget): Promise<void> {
    const orderUid = target.uid
    await this.createItems(tx, orderUid, listOf(nested.create), budget)
    for (const entry of listOf(nested.update)) {
      budget.spend(1)
      const itemUid = isInput(entry.where) ? entry.where.uid : undefined
      if (typeof itemUid !== 'string' || !(await this.orders.hasItem(tx, orderUid, itemUid))) throw noSuch('Item', itemUid)
      await this.updateItem(tx, caller, target, itemUid, isInput(entry.data) ? entry.data : {}, budget)
    }
    for (const entry of listOf(nested.upsert)) {
      budget.spend(1)
      const itemUid = isInput(entry.where) ? entry.where.uid : undefined
      if (typeof itemUid === 'string' && (await this.orders.hasItem(tx, orderUid, itemUid))) await this.updateItem(tx, caller, target, itemUid, isInput(entry.update) ? entry.update : {}, budget)
      else await this.createItems(tx, orderUid, isInput(entry.create) ? [entry.create] : [], budget)
    }
    for (const entry of listOf(nested.delete)) {
      budget.spend(1)
      if (!(await this.orders.deleteItem(tx, orderUid, String(entry.uid)))) throw noSuch('Item', entry.uid)
    }
    await this.connectItems(tx, caller, target, nested, budget)
    if (nested.set !== undefined && nested.set !== null) {
      const named = await this.movableItems(tx, caller, target, listOf(nested.set), budget)
      const current = await this.orders.itemUids(tx, orderUid)
      if (current.some((uid) => !named.includes(uid))) throw requiredRelation('OrderItem', 'Order', 'Item')
      await this.orders.moveItems(tx, orderUid, named)
    }
    for (const entry of listOf(nested.updateMany)) {
      budget.spend(1)
      const data = isInput(entry.data) ? entry.data : {}
      const uids = await this.orders.itemUids(tx, orderUid, this.scalarFilter(caller, 'Item', entry.where))
      await this.orders.updateItems(tx, orderUid, uids, pick(data, ITEM_FIELDS) as ItemPatch)
    }
    for (const where of listOf(nested.deleteMany)) {
      budget.spend(1)
      await this.orders.deleteItems(tx, orderUid, await this.orders.itemUids(tx, orderUid, this.scalarFilter(caller, 'Item', where)))
    }
  }

  private async updateItem(tx: Db, caller: Caller, target: TargetOrder, itemUid: string, data: Input, budget: WriteBudget): Promise<void> {
    await this.orders.updateItem(tx, target.uid, itemUid, pick(data, ITEM_FIELDS) as ItemPatch)
    if (isInput(data.pricing)) await this.writePrices(tx, caller, target, itemUid, data.pricing, budget)
  }

  /** The nested `pricing` writes of an item update, in the same order and with the same rules as `writeItems`. */
  private async writePrices(tx: Db, caller: Caller, target: TargetOrder, itemUid: string, nested: Input, budget: WriteBudget): Promise<void> {
    await this.orders.insertPrices(tx, this.priceRows(itemUid, listOf(nested.create), budget))
    for (const entry of listOf(nested.update)) {
      budget.spend(1)
      const priceUid = isInput(entry.where) ? entry.where.uid : undefined
      const patch = pricePatch(isInput(entry.data) ? entry.data : {})
      if (typeof priceUid !== 'string' || !(await this.orders.updatePrice(tx, itemUid, priceUid, patch))) throw noSuchPrice(priceUid)
    }
    for (const entry of listOf(nested.upsert)) {
      budget.spend(1)
      const priceUid = isInput(entry.where) ? entry.where.uid : undefined
      if (typeof priceUid === 'string' && (await this.orders.hasPrice(tx, itemUid, priceUid)))
        await this.orders.updatePrice(tx, itemUid, priceUid, pricePatch(isInput(entry.update) ? entry.update : {}))
      else await this.orders.insertPrices(tx, this.priceRows(itemUid, isInput(entry.create) ? [entry.create] : [], budget))
    }
    for (const entry of listOf(nested.delete)) {
      budget.spend(1)
      if (!(await this.orders.deletePrice(tx, itemUid, String(entry.uid)))) throw noSuchPrice(entry.uid)
    }
    if (nested.set !== undefined && nested.set !== null) {
      const named = await this.movablePrices(tx, caller, target, listOf(nested.set), budget)
      const current = await this.orders.priceUids(tx, itemUid)
      if (current.some((uid) => !named.includes(uid))) throw requiredRelation('ItemPrices', 'Item', 'Price')
      await this.orders.movePrices(tx, itemUid, named)
    }
    for (const entry of listOf(nested.updateMany)) {
      budget.spend(1)
      const patch = pricePatch(isInput(entry.data) ? entry.data : {})
      await this.orders.updatePrices(tx, itemUid, await this.orders.priceUids(tx, itemUid, this.scalarFilter(caller, 'Price', entry.where)), patch)
    }
    for (const where of listOf(nested.deleteMany)) {
      budget.spend(1)
      await this.orders.deletePrices(tx, itemUid, await this.orders.priceUids(tx, itemUid, this.scalarFilter(caller, 'Price', where)))
    }
  }

  /** A nested `updateMany`/`deleteMany` filter (`XScalarWhereInput`), within the caller's visible rows. */
  private scalarFilter(caller: Caller, model: 'Item' | 'Price', where: unknown): Filter {
    this.reads.checkWhere(caller, model, where)
    return this.reads.filter(caller, model, where)
  }

  /** `promotions: {connect, disconnect}`: only promotions the caller may read (a seller's own). */
  private async connectPromotions(tx: Db, caller: Caller, orderUid: string, nested: unknown, budget: WriteBudget): Promise<void> {
    if (!isInput(nested)) return
    const resolve = async (entries: Input[]) => {
      budget.spend(entries.length)
      const uids: string[] = []
      for (const entry of entries) {
        const promotion = await this.reads.unique(caller, 'Promotion', entry, tx)
        if (!promotion) throw cannotAccessOrder()
        uids.push(promotion.uid)
      }
      return uids
    }
    await this.orders.connectPromotions(tx, orderUid, await resolve(listOf(nested.connect)))
    await this.orders.disconnectPromotions(tx, orderUid, await resolve(listOf(nested.disconnect)))
  }

  /**
   * Whether a subscriber may receive a `DELETED` event, and whether its `node` filter matches: the
   * caller's visibility and the filter, evaluated on the deleted row as it was (its relations as
   * they are now; so a customer deleted with its orders no longer sees them).
   */
  async deletedOrderMatches(caller: Caller, event: GomEvents['orderChanged'], where?: unknown): Promise<boolean> {
    const previous = event.previousValues
    if (event.mutation !== 'DELETED' || !event.deletedKeys || !previous) return false
    const row: OrderRow = {
      uid: event.orderUid,
      name: String(previous.name),
      stage: String(previous.stage),
      issuedToUid: event.deletedKeys.issuedToUid,
      assignedToUid: event.deletedKeys.assignedToUid,
      createdAt: new Date(String(previous.createdAt)),
      updatedAt: new Date(String(previous.updatedAt)),
      createdBy: (previous.createdBy as string | null) ?? null,
      updatedBy: (previous.updatedBy as string | null) ?? null,
    }
    return this.orders.snapshotMatches(this.database.db, row, this.reads.filter(caller, 'Order', where))
  }

  private async publish(event: GomEvents['orderChanged']): Promise<void> {
    await this.events.publish('orderChanged', event)
  }
}
