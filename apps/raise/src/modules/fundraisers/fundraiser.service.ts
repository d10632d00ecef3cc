import { errors, type Database } from '@hearth/kernel'
import { ulid, type AuditContext } from '@hearth/kernel/audit'
import { fundraisers, type FundraiserRow } from '../../db/schema.ts'
import { auditWrite, nowSeconds, transaction, unchanged, updateWhere } from '../../db/conditions.ts'
import type { Caller } from '../../auth/tokens.ts'
import { assertFundraiserAccess, assertHasGroupForProperties, FUNDRAISER_NATIONAL_ONLY, FUNDRAISER_NATIONAL_TECH_ONLY, NATIONAL, NATIONAL_TECH } from '../../policies.ts'
import type { FundraiserCreationT, FundraiserEditsT } from '../../http/schemas.ts'
import { fundraiserRepository } from './fundraiser.repository.ts'

export function createFundraiserService(database: Database) {
  return {
    list: () => fundraiserRepository.list(database.db),

    async get(id: string): Promise<FundraiserRow> {
      const fundraiser = await fundraiserRepository.get(database.db, id)
      if (!fundraiser) throw errors.notFound('fundraiser not found')
      return fundraiser
    },

    async create(context: AuditContext, caller: Caller, body: FundraiserCreationT): Promise<string> {
      const now = nowSeconds()
      const row: FundraiserRow = {
        id: ulid(),
        internalName: 'New Fundraiser',
        publicName: 'New Fundraiser',
        activeFrom: now,
        activeTo: now,
        recurringDonationsTo: now,
        paused: false,
        currency: 'gbp',
        goal: 100,
        totalRaised: 0,
        donationsCount: 0,
        matchFundingRate: 0,
        matchFundingPerDonationLimit: null,
        matchFundingRemaining: null,
        minimumDonationAmount: null,
        suggestedDonationAmountOneOff: 15000,
        suggestedDonationAmountWeekly: 900,
        suggestedContributionAmount: 1000,
        eventLink: null,
        moreInvolvedLink: null,
        archived: false,
        groupsWithAccess: caller.groups,
        ...body,
      }
      await transaction(database, async (tx) => {
        await fundraiserRepository.insert(tx, row)
        await auditWrite(tx, context, 'create', row.id, { tableName: 'fundraiser', data: row })
      })
      return row.id
    },

    async edit(context: AuditContext, caller: Caller, id: string, body: FundraiserEditsT): Promise<void> {
      const fundraiser = await this.get(id)
      assertFundraiserAccess(caller, fundraiser)
      assertHasGroupForProperties(caller, body, FUNDRAISER_NATIONAL_ONLY, NATIONAL)
      assertHasGroupForProperties(caller, body, FUNDRAISER_NATIONAL_TECH_ONLY, NATIONAL_TECH)
      if (body.currency && (await fundraiserRepository.donationCount(database.db, id)) > 0) {
        throw errors.badRequest('Cannot edit currency on fundraiser with donations')
      }
      const { previous = {}, ...edits } = body
      const conditions = (Object.keys(previous) as (keyof typeof previous)[]).filter((key) => key in edits).map((key) => unchanged(fundraisers[key], previous[key]))
      await transaction(database, async (tx) => {
        await updateWhere(tx, fundraisers, id, edits, conditions, 'fundraiser')
        await auditWrite(tx, context, 'edit', id, { tableName: 'fundraiser', data: edits })
      })
    },
  }
}

export type FundraiserService = ReturnType<typeof createFundraiserService>
