import { errors, type Database } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import { newFundraiserRow } from '../../db/defaults.ts'
import { auditWrite, nowSeconds, transaction } from '../../db/transaction.ts'
import type { Caller } from '../../auth/tokens.ts'
import { assertMayAccessFundraiser, assertMaySetFields, FUNDRAISER_EDIT_FIELDS } from '../../policies.ts'
import { toFundraiserView } from '../../mappers.ts'
import type { FundraiserCreationT, FundraiserEditsT, FundraiserT } from '../../http/schemas.ts'
import type { FundraiserRepository } from './fundraiser.repository.ts'
import type { Lookup } from '../lookup.ts'

export class FundraiserService {
  constructor(
    private readonly database: Database,
    private readonly lookup: Lookup,
    private readonly fundraisers: FundraiserRepository,
  ) {}

  async list(): Promise<FundraiserT[]> {
    return (await this.fundraisers.list(this.database.db)).map(toFundraiserView)
  }

  /** The body as sent over the defaults; the creator's groups get access unless the body says otherwise. */
  async create(context: AuditContext, caller: Caller, body: FundraiserCreationT): Promise<string> {
    const row = newFundraiserRow(nowSeconds(), { groupsWithAccess: caller.groups, ...body })
    await transaction(this.database, async (tx) => {
      await this.fundraisers.insert(tx, row)
      await auditWrite(tx, context, 'create', row.id, { tableName: 'fundraiser', data: row })
    })
    return row.id
  }

  /** `previous` totals are the optimistic-concurrency check (§4.7): each applies when its field is edited. */
  async edit(context: AuditContext, caller: Caller, id: string, body: FundraiserEditsT): Promise<void> {
    const fundraiser = await this.lookup.fundraiser(id)
    assertMayAccessFundraiser(caller, fundraiser)
    assertMaySetFields(caller, FUNDRAISER_EDIT_FIELDS, body)
    if (body.currency && (await this.fundraisers.donationCount(this.database.db, id)) > 0) {
      throw errors.badRequest('Cannot edit currency on fundraiser with donations')
    }
    const { previous = {}, ...edits } = body
    const expected = Object.fromEntries(Object.entries(previous).filter(([key]) => key in edits))
    await transaction(this.database, async (tx) => {
      await this.fundraisers.applyEdits(tx, id, edits, { expected })
      await auditWrite(tx, context, 'edit', id, { tableName: 'fundraiser', data: edits })
    })
  }
}
