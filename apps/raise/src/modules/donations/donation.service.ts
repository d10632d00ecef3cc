import { errors, type Database } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import { newDonationRow } from '../../db/defaults.ts'
import { auditWrite, nowSeconds, transaction } from '../../db/transaction.ts'
import type { Caller } from '../../auth/tokens.ts'
import { assertMayAccessFundraiser, assertMaySetFields, DONATION_CREATE_FIELDS, DONATION_EDIT_FIELDS } from '../../policies.ts'
import { toDonationView } from '../../mappers.ts'
import type { DonationCreationT, DonationEditsT, DonationT } from '../../http/schemas.ts'
import type { FundraiserRepository } from '../fundraisers/fundraiser.repository.ts'
import type { DonationRepository } from './donation.repository.ts'
import type { Lookup } from '../lookup.ts'

/** Gift Aid needs an address: line 1, postcode and country must each be non-empty. */
export function assertGiftAidAddress(donation: { giftAid?: boolean; addressLine1?: string | null; addressPostcode?: string | null; addressCountry?: string | null }): void {
  if (!donation.giftAid) return
  if (!donation.addressLine1) throw errors.badRequest('Gift-aided donation must provide address line 1')
  if (!donation.addressPostcode) throw errors.badRequest('Gift-aided donation must provide address postcode')
  if (!donation.addressCountry) throw errors.badRequest('Gift-aided donation must provide address country')
}

export class DonationService {
  constructor(
    private readonly database: Database,
    private readonly lookup: Lookup,
    private readonly fundraisers: FundraiserRepository,
    private readonly donations: DonationRepository,
  ) {}

  async list(caller: Caller, fundraiserId: string): Promise<DonationT[]> {
    assertMayAccessFundraiser(caller, await this.lookup.fundraiser(fundraiserId))
    return (await this.donations.listByFundraiser(this.database.db, fundraiserId)).map(toDonationView)
  }

  /** An offline donation: the body over the defaults, its totals zero; a counted one adds to the fundraiser's count. */
  async create(context: AuditContext, caller: Caller, fundraiserId: string, body: DonationCreationT): Promise<string> {
    const fundraiser = await this.lookup.fundraiser(fundraiserId)
    assertMayAccessFundraiser(caller, fundraiser)
    assertMaySetFields(caller, DONATION_CREATE_FIELDS, body)
    assertGiftAidAddress(body)
    const row = newDonationRow(fundraiserId, nowSeconds(), { ...body, donationAmount: 0, matchFundingAmount: 0, contributionAmount: 0 })
    await transaction(this.database, async (tx) => {
      await this.fundraisers.getForUpdate(tx, fundraiserId) // money flows take the fundraiser's lock first (FundraiserTotals.lock)
      await this.donations.insert(tx, row)
      await auditWrite(tx, context, 'create', row.id, { tableName: 'donation', data: row })
      if (row.donationCounted) {
        await this.fundraisers.addToTotals(tx, fundraiserId, { donationsCount: 1 })
        await auditWrite(tx, context, 'plus', fundraiserId, { tableName: 'fundraiser', data: { donationsCount: 1 } })
      }
    })
    return row.id
  }

  /**
   * An edit applies only while the Gift Aid flag, the address and the counted flag are as read (they
   * decide what changes in the fundraiser's totals) and the `previous` totals still hold.
   */
  async edit(context: AuditContext, caller: Caller, fundraiserId: string, donationId: string, body: DonationEditsT): Promise<void> {
    const fundraiser = await this.lookup.fundraiser(fundraiserId)
    const current = await this.lookup.donation(fundraiserId, donationId)
    assertMayAccessFundraiser(caller, fundraiser)
    assertMaySetFields(caller, DONATION_EDIT_FIELDS, body)
    const { previous = {}, ...edits } = body
    const after = { ...current, ...edits }
    const addressCleared = (['addressLine1', 'addressPostcode', 'addressCountry'] as const).some((key) => key in edits && !edits[key])
    if ((edits.giftAid === true || addressCleared) && after.giftAid && (!after.addressLine1 || !after.addressPostcode || !after.addressCountry)) {
      throw errors.badRequest('Gift-aided donation must have an address line 1, postcode and country')
    }
    const giftAidDelta = after.giftAid !== current.giftAid ? (after.giftAid ? 1 : -1) * Math.floor(after.donationAmount * 0.25) : 0
    const countDelta = after.donationCounted !== current.donationCounted ? (after.donationCounted ? 1 : -1) : 0
    const expected = {
      giftAid: current.giftAid,
      addressLine1: current.addressLine1,
      addressPostcode: current.addressPostcode,
      addressCountry: current.addressCountry,
      donationCounted: current.donationCounted,
      ...Object.fromEntries(Object.entries(previous).filter(([key]) => key in edits)),
    }
    await transaction(this.database, async (tx) => {
      await this.fundraisers.getForUpdate(tx, fundraiserId) // money flows take the fundraiser's lock first (FundraiserTotals.lock)
      await this.donations.applyEdits(tx, donationId, edits, { expected })
      await auditWrite(tx, context, 'edit', donationId, { tableName: 'donation', data: edits })
      if (giftAidDelta !== 0 || countDelta !== 0) {
        await this.fundraisers.addToTotals(tx, fundraiserId, { donationsCount: countDelta, totalRaised: giftAidDelta })
        await auditWrite(tx, context, 'plus', fundraiserId, { tableName: 'fundraiser', data: { donationsCount: countDelta, totalRaised: giftAidDelta } })
      }
    })
  }
}
