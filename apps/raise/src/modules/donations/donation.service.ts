import { errors, type Database } from '@hearth/kernel'
import { ulid, type AuditContext } from '@hearth/kernel/audit'
import { donations, fundraisers, type DonationRow } from '../../db/schema.ts'
import { auditWrite, nowSeconds, plus, transaction, unchanged, updateWhere } from '../../db/conditions.ts'
import type { Caller } from '../../auth/tokens.ts'
import { assertFundraiserAccess, assertHasGroupForProperties, DONATION_CREATE_NATIONAL_TECH_ONLY, DONATION_EDIT_NATIONAL_TECH_ONLY, NATIONAL_TECH } from '../../policies.ts'
import type { DonationCreationT, DonationEditsT } from '../../http/schemas.ts'
import type { FundraiserService } from '../fundraisers/fundraiser.service.ts'
import { donationRepository } from './donation.repository.ts'

/** Gift Aid needs an address: line 1, postcode and country must each be non-empty. */
export function assertGiftAidAddress(donation: { giftAid?: boolean; addressLine1?: string | null; addressPostcode?: string | null; addressCountry?: string | null }): void {
  if (!donation.giftAid) return
  if (!donation.addressLine1) throw errors.badRequest('Gift-aided donation must provide address line 1')
  if (!donation.addressPostcode) throw errors.badRequest('Gift-aided donation must provide address postcode')
  if (!donation.addressCountry) throw errors.badRequest('Gift-aided donation must provide address country')
}

export function createDonationService(database: Database, fundraiserService: FundraiserService) {
  const service = {
    async get(fundraiserId: string, id: string): Promise<DonationRow> {
      const donation = await donationRepository.get(database.db, fundraiserId, id)
      if (!donation) throw errors.notFound('donation not found')
      return donation
    },

    async list(caller: Caller, fundraiserId: string): Promise<DonationRow[]> {
      assertFundraiserAccess(caller, await fundraiserService.get(fundraiserId))
      return donationRepository.listByFundraiser(database.db, fundraiserId)
    },

    async create(context: AuditContext, caller: Caller, fundraiserId: string, body: DonationCreationT): Promise<string> {
      const fundraiser = await fundraiserService.get(fundraiserId)
      assertFundraiserAccess(caller, fundraiser)
      assertHasGroupForProperties(caller, body, DONATION_CREATE_NATIONAL_TECH_ONLY, NATIONAL_TECH)
      assertGiftAidAddress(body)
      const row: DonationRow = {
        id: ulid(),
        fundraiserId,
        donorName: 'Unknown',
        donorEmail: 'Unknown',
        emailConsentInformational: false,
        emailConsentMarketing: false,
        createdAt: nowSeconds(),
        addressLine1: null,
        addressLine2: null,
        addressLine3: null,
        addressPostcode: null,
        addressCountry: null,
        giftAid: false,
        comment: null,
        recurringAmount: null,
        recurrenceFrequency: null,
        stripeCustomerId: null,
        stripePaymentMethodId: null,
        charity: 'Unknown',
        overallPublic: false,
        namePublic: false,
        donationAmountPublic: false,
        donationCounted: true,
        ...body,
        donationAmount: 0,
        matchFundingAmount: 0,
        contributionAmount: 0,
      }
      await transaction(database, async (tx) => {
        await donationRepository.insert(tx, row)
        await auditWrite(tx, context, 'create', row.id, { tableName: 'donation', data: row })
        if (row.donationCounted) {
          await updateWhere(tx, fundraisers, fundraiserId, { donationsCount: plus(fundraisers.donationsCount, 1) }, [], 'fundraiser')
          await auditWrite(tx, context, 'plus', fundraiserId, { tableName: 'fundraiser', data: { donationsCount: 1 } })
        }
      })
      return row.id
    },

    async edit(context: AuditContext, caller: Caller, fundraiserId: string, donationId: string, body: DonationEditsT): Promise<void> {
      const fundraiser = await fundraiserService.get(fundraiserId)
      const current = await service.get(fundraiserId, donationId)
      assertFundraiserAccess(caller, fundraiser)
      assertHasGroupForProperties(caller, body, DONATION_EDIT_NATIONAL_TECH_ONLY, NATIONAL_TECH)
      const { previous = {}, ...edits } = body
      const after = { ...current, ...edits }
      const addressCleared = (['addressLine1', 'addressPostcode', 'addressCountry'] as const).some((key) => key in edits && !edits[key])
      if ((edits.giftAid === true || addressCleared) && after.giftAid && (!after.addressLine1 || !after.addressPostcode || !after.addressCountry)) {
        throw errors.badRequest('Gift-aided donation must have an address line 1, postcode and country')
      }
      const giftAidDelta = after.giftAid !== current.giftAid ? (after.giftAid ? 1 : -1) * Math.floor(after.donationAmount * 0.25) : 0
      const countDelta = after.donationCounted !== current.donationCounted ? (after.donationCounted ? 1 : -1) : 0
      const conditions = [
        unchanged(donations.giftAid, current.giftAid),
        unchanged(donations.addressLine1, current.addressLine1),
        unchanged(donations.addressPostcode, current.addressPostcode),
        unchanged(donations.addressCountry, current.addressCountry),
        unchanged(donations.donationCounted, current.donationCounted),
        ...(Object.keys(previous) as (keyof typeof previous)[]).filter((key) => key in edits).map((key) => unchanged(donations[key], previous[key])),
      ]
      await transaction(database, async (tx) => {
        await updateWhere(tx, donations, donationId, edits, conditions, 'donation')
        await auditWrite(tx, context, 'edit', donationId, { tableName: 'donation', data: edits })
        if (giftAidDelta !== 0 || countDelta !== 0) {
          await updateWhere(tx, fundraisers, fundraiserId, { donationsCount: plus(fundraisers.donationsCount, countDelta), totalRaised: plus(fundraisers.totalRaised, giftAidDelta) }, [], 'fundraiser')
          await auditWrite(tx, context, 'plus', fundraiserId, { tableName: 'fundraiser', data: { donationsCount: countDelta, totalRaised: giftAidDelta } })
        }
      })
    },
  }
  return service
}

export type DonationService = ReturnType<typeof createDonationService>
