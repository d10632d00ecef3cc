import type { FastifyBaseLogger } from 'fastify'
import type { Database } from '@hearth/kernel'
import { badInput, bpOwnerUndecidable, cannotAccessBp, GomError } from '../../errors.ts'
import { cuid, shareCode } from '../../ids.ts'
import { roleOf, type Caller } from '../../permissions.ts'
import { bpsFilterNamesCaller } from '../../policies.ts'
import { isInput, listOf, pick, type Input } from '../shared/mutation-input.ts'
import type { Connection, ListArgs, ReadService } from '../shared/read.service.ts'
import type { NodeRecord } from '../shared/records.repository.ts'
import type { UsersRepository } from '../users/users.repository.ts'
import type { GomEventBus } from '../../events.ts'
import { orderDeletedEvent } from '../orders/orders.service.ts'
import type { OrdersRepository } from '../orders/orders.repository.ts'
import type { BpPatch, BpsRepository } from './bps.repository.ts'

const BP_FIELDS = ['name1', 'name2', 'lastName1', 'lastName2', 'phone', 'email'] as const

/** Customers (spec §2.5 "Bp"): sellers read and manage their own customers. */
export class BpsService {
  constructor(
    private readonly database: Database,
    private readonly reads: ReadService,
    private readonly bps: BpsRepository,
    private readonly users: UsersRepository,
    private readonly log: FastifyBaseLogger,
    private readonly orders: OrdersRepository,
    private readonly events: GomEventBus,
  ) {}

  /** The owner guard of `bp`, `updateBp`, `deleteBp`: a seller, and the Bp is one of theirs. */
  private async guardOne(caller: Caller, where: unknown): Promise<NodeRecord> {
    if (roleOf(caller) !== 'seller') throw bpOwnerUndecidable()
    const found = await this.reads.unique(caller, 'Bp', where)
    if (!found) throw cannotAccessBp()
    return found
  }

  bp(caller: Caller, where: unknown): Promise<NodeRecord> {
    return this.guardOne(caller, where)
  }

  bpsConnection(caller: Caller, args: ListArgs): Promise<Connection> {
    const outcome = bpsFilterNamesCaller(caller, args.where)
    if (outcome === 'undecidable') throw bpOwnerUndecidable()
    if (outcome === 'deny') throw cannotAccessBp()
    return this.reads.connection(caller, 'Bp', args)
  }

  /**
   * `createBp`: `data.customerOf.connect` must name the calling seller (and only them: a seller
   * cannot attach a customer to another seller). The share code is always generated here.
   */
  async createBp(caller: Caller, data: Input): Promise<NodeRecord> {
    if (roleOf(caller) !== 'seller') throw bpOwnerUndecidable()
    const connect = listOf(isInput(data.customerOf) ? data.customerOf.connect : undefined)
    if (!connect.some((entry) => entry.extUid === caller.sub)) throw bpOwnerUndecidable()
    const uid = await this.database.transaction(async (tx) => {
      const seller = await this.users.byExtUid(tx, caller.sub)
      if (!seller) throw cannotAccessBp()
      const namesSomeoneElse = connect.some((entry) => (entry.extUid !== undefined && entry.extUid !== caller.sub) || (entry.uid !== undefined && entry.uid !== seller.uid))
      if (namesSomeoneElse) throw cannotAccessBp()
      const row = await this.bps.insert(
        tx,
        { uid: cuid(), ...(pick(data, BP_FIELDS) as object), name1: String(data.name1), extUid: shareCode(), createdBy: caller.sub, updatedBy: (data.updatedBy as string | null | undefined) ?? null },
        [seller.uid],
      )
      return row.uid
    })
    return (await this.reads.unique(caller, 'Bp', { uid }))!
  }

  async updateBp(caller: Caller, data: Input, where: unknown): Promise<NodeRecord> {
    const found = await this.guardOne(caller, where)
    const patch: BpPatch = { ...(pick(data, [...BP_FIELDS, 'extUid']) as BpPatch), updatedBy: caller.sub }
    if (patch.name1 === null) throw badInput('name1 must not be null')
    await this.database.transaction((tx) => this.bps.update(tx, found.uid, patch))
    return (await this.reads.unique(caller, 'Bp', { uid: found.uid }))!
  }

  /**
   * `deleteBp`: owner guard, then `where.uid` required, then no active orders (spec §2.5). The
   * cascade takes the customer's (won and closed) orders with it: each is announced to `order`
   * subscribers as `DELETED` with its previous values, after commit.
   */
  async deleteBp(caller: Caller, where: unknown): Promise<NodeRecord> {
    const found = await this.guardOne(caller, where)
    const uid = isInput(where) ? where.uid : undefined
    if (typeof uid !== 'string') throw badInput('Missing uid in arguments')
    const deletedOrders = await this.database.transaction(async (tx) => {
      if (await this.bps.hasActiveOrders(tx, uid)) throw new GomError('BP_WITH_ACTIVE_ORDERS', 'BP with active orders cannot be deleted')
      const orders = await this.orders.issuedTo(tx, uid)
      await this.bps.delete(tx, uid)
      return orders
    })
    this.log.info({ bp: uid, by: caller.sub }, 'BP deleted')
    for (const order of deletedOrders) await this.events.publish('orderChanged', orderDeletedEvent(order))
    return found
  }
}
