import type { Database } from '@hearth/kernel'
import { cannotAccessPublication, GomError } from '../../errors.ts'
import { cuid } from '../../ids.ts'
import type { GomNotifier } from '../../notifications.ts'
import type { Caller } from '../../permissions.ts'
import type { PromotionsRepository } from '../promotions/promotions.repository.ts'
import { isInput, pick, toDate, type Input } from '../shared/mutation-input.ts'
import type { Connection, ListArgs, ReadService } from '../shared/read.service.ts'
import type { NodeRecord } from '../shared/records.repository.ts'
import type { PublicationPatch, PublicationsRepository } from './publications.repository.ts'

/** The calendar day (server-local time) around an instant: 00:00:00.000 to 23:59:59.999. */
export function localDay(instant: Date): { from: Date; to: Date } {
  const from = new Date(instant)
  from.setHours(0, 0, 0, 0)
  const to = new Date(instant)
  to.setHours(23, 59, 59, 999)
  return { from, to }
}

/**
 * Publications (spec §2.5 "Publication"): scheduled push broadcasts of a promotion. The original
 * had no owner guard (§10.5); here a publication belongs to its promotion's seller, for reads and
 * writes alike.
 */
export class PublicationsService {
  constructor(
    private readonly database: Database,
    private readonly reads: ReadService,
    private readonly publications: PublicationsRepository,
    private readonly promotions: PromotionsRepository,
    private readonly notifier: GomNotifier,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async guardOne(caller: Caller, where: unknown): Promise<NodeRecord> {
    const found = await this.reads.unique(caller, 'Publication', where)
    if (!found) throw cannotAccessPublication()
    return found
  }

  publication(caller: Caller, where: unknown): Promise<NodeRecord> {
    return this.guardOne(caller, where)
  }

  publicationsConnection(caller: Caller, args: ListArgs): Promise<Connection> {
    return this.reads.connection(caller, 'Publication', args)
  }

  /**
   * `createPublication`: the promotion must be the caller's; its owner must have a customer
   * (`NO_CUSTOMERS`); at most one DELIVERED or WAITING publication per promotion per local day
   * (`TOO_MANY_PUBLICATIONS`); `publishAt` is now + delay; the broadcast job is enqueued in the
   * same transaction.
   */
  async createPublication(caller: Caller, data: Input): Promise<NodeRecord> {
    const connect = isInput(data.promotion) && isInput(data.promotion.connect) ? data.promotion.connect : undefined
    const delay = typeof data.delay === 'number' ? data.delay : 0
    const uid = await this.database.transaction(async (tx) => {
      const promotion = connect ? await this.reads.unique(caller, 'Promotion', connect, tx) : undefined
      if (!promotion) throw cannotAccessPublication()
      await this.promotions.lock(tx, promotion.uid)
      if (!(await this.publications.promotionHasCustomers(tx, promotion.uid))) throw new GomError('NO_CUSTOMERS', 'No customers associated')
      const publishAt = new Date(this.now().getTime() + delay)
      const { from, to } = localDay(publishAt)
      if ((await this.publications.countInWindow(tx, promotion.uid, from, to)) > 0) throw new GomError('TOO_MANY_PUBLICATIONS', 'Too many publications')
      const created = await this.publications.insert(tx, {
        uid: cuid(),
        type: String(data.type),
        status: (data.status as string | null | undefined) ?? null,
        delay: (data.delay as number | null | undefined) ?? null,
        publishAt,
        promotionUid: promotion.uid,
        createdBy: caller.sub,
        updatedBy: (data.updatedBy as string | null | undefined) ?? null,
      })
      await this.notifier.publicationCreated(tx, { publicationUid: created.uid, promotionUid: promotion.uid, delay: created.delay ?? 0 })
      return created.uid
    })
    return (await this.reads.unique(caller, 'Publication', { uid }))!
  }

  async updatePublication(caller: Caller, data: Input, where: unknown): Promise<NodeRecord> {
    const found = await this.guardOne(caller, where)
    const patch = pick(data, ['type', 'status', 'delay']) as PublicationPatch
    if (data.publishAt !== undefined) patch.publishAt = toDate(data.publishAt, 'publishAt')
    if (patch.type === null) throw new GomError('BAD_USER_INPUT', 'type must not be null')
    await this.database.transaction((tx) => this.publications.update(tx, found.uid, { ...patch, updatedBy: caller.sub }))
    return (await this.reads.unique(caller, 'Publication', { uid: found.uid }))!
  }
}
