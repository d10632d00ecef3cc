import type { Database } from '@hearth/kernel'
import { badInput, cannotAccessPromotion, promotionOwnerUndecidable } from '../../errors.ts'
import { cuid } from '../../ids.ts'
import { roleOf, type Caller } from '../../permissions.ts'
import { promotionsFilterNamesCaller } from '../../policies.ts'
import { isInput, pick, toDate, type Input } from '../shared/mutation-input.ts'
import type { Connection, ListArgs, ReadService } from '../shared/read.service.ts'
import type { NodeRecord } from '../shared/records.repository.ts'
import type { PromotionPatch, PromotionsRepository } from './promotions.repository.ts'

const TEXT_FIELDS = ['code', 'name', 'category', 'content'] as const

/** Promotions (spec §2.5 "Promotion"): a seller's own; customers are refused outright. */
export class PromotionsService {
  constructor(
    private readonly database: Database,
    private readonly reads: ReadService,
    private readonly promotions: PromotionsRepository,
  ) {}

  private async guardOne(caller: Caller, where: unknown): Promise<NodeRecord> {
    const role = roleOf(caller)
    if (role === 'customer') throw cannotAccessPromotion()
    if (role !== 'seller') throw promotionOwnerUndecidable()
    const found = await this.reads.unique(caller, 'Promotion', where)
    if (!found) throw cannotAccessPromotion()
    return found
  }

  promotion(caller: Caller, where: unknown): Promise<NodeRecord> {
    return this.guardOne(caller, where)
  }

  promotionsConnection(caller: Caller, args: ListArgs): Promise<Connection> {
    const outcome = promotionsFilterNamesCaller(caller, args.where)
    if (outcome === 'undecidable') throw promotionOwnerUndecidable()
    if (outcome === 'deny') throw cannotAccessPromotion()
    return this.reads.connection(caller, 'Promotion', args)
  }

  private patch(data: Input): PromotionPatch {
    const patch = pick(data, TEXT_FIELDS) as PromotionPatch
    if (data.start !== undefined) patch.start = toDate(data.start, 'start')
    if (data.end !== undefined) patch.end = toDate(data.end, 'end')
    if (patch.code === null || patch.name === null) throw badInput('code and name must not be null')
    return patch
  }

  async createPromotion(caller: Caller, data: Input): Promise<NodeRecord> {
    const role = roleOf(caller)
    if (role === 'customer') throw cannotAccessPromotion()
    const connect = isInput(data.assignedTo) && isInput(data.assignedTo.connect) ? data.assignedTo.connect : undefined
    if (role !== 'seller' || connect?.extUid === undefined || connect.extUid === null) throw promotionOwnerUndecidable()
    if (connect.extUid !== caller.sub) throw cannotAccessPromotion()
    const uid = await this.database.transaction(async (tx) => {
      const seller = await this.reads.unique(caller, 'User', connect, tx)
      if (!seller) throw cannotAccessPromotion()
      return this.promotions.insert(tx, {
        uid: cuid(),
        ...this.patch(data),
        code: String(data.code),
        name: String(data.name),
        assignedToUid: seller.uid,
        createdBy: caller.sub,
        updatedBy: (data.updatedBy as string | null | undefined) ?? null,
      })
    })
    return (await this.reads.unique(caller, 'Promotion', { uid }))!
  }

  async updatePromotion(caller: Caller, data: Input, where: unknown): Promise<NodeRecord> {
    const found = await this.guardOne(caller, where)
    await this.database.transaction((tx) => this.promotions.update(tx, found.uid, { ...this.patch(data), updatedBy: caller.sub }))
    return (await this.reads.unique(caller, 'Promotion', { uid: found.uid }))!
  }
}
