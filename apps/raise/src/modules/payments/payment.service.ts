import { errors, type Database } from '@hearth/kernel'
import { ulid, type AuditContext } from '@hearth/kernel/audit'
import { eq, isNull } from '@hearth/kernel'
import { donations, payments, type DonationRow, type PaymentRow } from '../../db/schema.ts'
import { auditWrite, nowSeconds, plus, transaction, unchanged, updateWhere } from '../../db/conditions.ts'
import type { Caller } from '../../auth/tokens.ts'
import { assertFundraiserAccess, assertHasGroup, NATIONAL } from '../../policies.ts'
import { calcMatchFunding, giftAidAdded } from '../../domain/money.ts'
import type { PaymentCreationT, PaymentPropertyEditsT } from '../../http/schemas.ts'
import type { FundraiserService } from '../fundraisers/fundraiser.service.ts'
import type { DonationService } from '../donations/donation.service.ts'
import { paymentRepository } from './payment.repository.ts'
import { creditFundraiser } from './pot.ts'

export function createPaymentService(database: Database, fundraiserService: FundraiserService, donationService: DonationService) {
  async function loadDonation(fundraiserId: string, donationId: string): Promise<DonationRow> {
    const donation = (await database.db.select().from(donations).where(eq(donations.id, donationId)))[0]
    if (!donation) throw errors.notFound('donation not found')
    if (donation.fundraiserId !== fundraiserId) throw errors.forbidden(`Donation ${donationId} does not match fundraiser ${fundraiserId}`)
    return donation
  }

  return {
    /** Payments of one donation, newest first; the donation must belong to the fundraiser (fixed IDOR). */
    async list(caller: Caller, fundraiserId: string, donationId: string): Promise<PaymentRow[]> {
      const fundraiser = await fundraiserService.get(fundraiserId)
      assertFundraiserAccess(caller, fundraiser)
      await donationService.get(fundraiserId, donationId)
      return paymentRepository.listByDonation(database.db, donationId)
    },

    /** A manual or offline payment, or a refund (negative amounts); always stored as paid (§4.2). */
    async create(context: AuditContext, caller: Caller, fundraiserId: string, donationId: string, body: PaymentCreationT): Promise<string> {
      const fundraiser = await fundraiserService.get(fundraiserId)
      const donation = await donationService.get(fundraiserId, donationId)
      assertFundraiserAccess(caller, fundraiser)
      if (body.method === 'card') assertHasGroup(caller, NATIONAL)
      const donationAmount = body.donationAmount ?? 0
      const contributionAmount = body.contributionAmount ?? 0
      const matchFundingAdded = body.matchFundingAmount ?? calcMatchFunding({ donationAmount, alreadyMatchFunded: donation.matchFundingAmount, ...fundraiser })
      if (donation.donationAmount + donationAmount < 0) throw errors.badRequest('This payment would cause the donation to have a negative donation amount')
      if (donation.contributionAmount + contributionAmount < 0) throw errors.badRequest('This payment would cause the donation to have a negative contribution amount')
      if (donation.matchFundingAmount + matchFundingAdded < 0) throw errors.badRequest('This payment would cause the donation to have a negative match funding amount')
      const giftAid = giftAidAdded(donation.donationAmount, donationAmount, donation.giftAid)
      const payment: PaymentRow = {
        id: ulid(),
        donationId,
        fundraiserId,
        at: body.at ?? nowSeconds(),
        donationAmount,
        contributionAmount,
        matchFundingAmount: matchFundingAdded,
        method: body.method ?? 'cash',
        reference: body.reference ?? null,
        status: 'paid',
      }
      await transaction(database, async (tx) => {
        await paymentRepository.insert(tx, [payment])
        await auditWrite(tx, context, 'create', payment.id, { tableName: 'payment', data: payment })
        await updateWhere(
          tx,
          donations,
          donationId,
          {
            donationAmount: plus(donations.donationAmount, donationAmount),
            contributionAmount: plus(donations.contributionAmount, contributionAmount),
            matchFundingAmount: plus(donations.matchFundingAmount, matchFundingAdded),
          },
          [
            unchanged(donations.matchFundingAmount, donation.matchFundingAmount),
            unchanged(donations.donationAmount, donation.donationAmount),
            unchanged(donations.contributionAmount, donation.contributionAmount),
          ],
          'donation',
        )
        await auditWrite(tx, context, 'plus', donationId, { tableName: 'donation', data: { donationAmount, contributionAmount, matchFundingAmount: matchFundingAdded } })
        await creditFundraiser(tx, context, fundraiser, { totalRaised: donationAmount + matchFundingAdded + giftAid, takeFromPot: matchFundingAdded })
      })
      // A donation refunded to nothing stops counting (never the other way round).
      if (donation.donationAmount + donation.contributionAmount + donationAmount + contributionAmount === 0 && donation.donationCounted) {
        await transaction(database, async (tx) => {
          await updateWhere(
            tx,
            donations,
            donationId,
            { donationCounted: false },
            [eq(donations.donationAmount, 0), eq(donations.contributionAmount, 0), eq(donations.donationCounted, true)],
            'donation',
          )
          await auditWrite(tx, context, 'edit', donationId, { tableName: 'donation', data: { donationCounted: false } })
          await creditFundraiser(tx, context, fundraiser, { donationsCount: -1 })
        })
      }
      return payment.id
    },

    /** Exactly one property per PATCH, in the original's order of checks (§4.6). */
    async edit(context: AuditContext, caller: Caller, fundraiserId: string, donationId: string, paymentId: string, body: PaymentPropertyEditsT): Promise<void> {
      const fundraiser = await fundraiserService.get(fundraiserId)
      const donation = await loadDonation(fundraiserId, donationId)
      const payment = (await database.db.select().from(payments).where(eq(payments.id, paymentId)))[0]
      if (!payment) throw errors.notFound('payment not found')
      if (payment.donationId !== donationId) throw errors.forbidden(`Payment ${paymentId} does not match donation ${donationId}`)
      assertFundraiserAccess(caller, fundraiser)
      const paymentUnchanged = [unchanged(payments.matchFundingAmount, payment.matchFundingAmount), unchanged(payments.status, payment.status)]

      if ('matchFundingAmount' in body) {
        const next = body.matchFundingAmount
        const delta = (next ?? 0) - (payment.matchFundingAmount ?? 0)
        await transaction(database, async (tx) => {
          await updateWhere(tx, payments, paymentId, { matchFundingAmount: next }, paymentUnchanged, 'payment')
          await auditWrite(tx, context, 'edit', paymentId, { tableName: 'payment', data: body })
          if (payment.status === 'paid') {
            await updateWhere(tx, donations, donationId, { matchFundingAmount: plus(donations.matchFundingAmount, delta) }, [], 'donation')
            await auditWrite(tx, context, 'plus', donationId, { tableName: 'donation', data: { matchFundingAmount: delta } })
            await creditFundraiser(tx, context, fundraiser, { totalRaised: delta, ...(fundraiser.matchFundingRemaining !== null ? { takeFromPot: delta } : {}) })
          } else if ((payment.status === 'pending' || payment.status === 'scheduled') && fundraiser.matchFundingRemaining !== null) {
            await creditFundraiser(tx, context, fundraiser, { takeFromPot: delta })
          }
        })
        return
      }

      if ('status' in body) {
        if (!((payment.status === 'pending' || payment.status === 'scheduled') && body.status === 'cancelled')) {
          throw errors.badRequest(`Invalid state transition: ${payment.status} to ${body.status} (you may only cancel pending or scheduled payments)`)
        }
        if (payment.method !== 'card') throw errors.badRequest(`You can only cancel card payments, but you tried to cancel a ${payment.method} payment`)
        await transaction(database, async (tx) => {
          // A scheduled payment with a reference has been charged by the collection (declines save
          // none): its money is on the way, so it cannot be cancelled (409, as a failed condition).
          const notCharged = payment.status === 'scheduled' ? isNull(payments.reference) : unchanged(payments.reference, payment.reference)
          await updateWhere(tx, payments, paymentId, { status: 'cancelled' }, [...paymentUnchanged, notCharged], 'payment')
          await auditWrite(tx, context, 'edit', paymentId, { tableName: 'payment', data: body })
          if (payment.matchFundingAmount && fundraiser.matchFundingRemaining !== null) {
            await creditFundraiser(tx, context, fundraiser, { takeFromPot: -payment.matchFundingAmount })
          }
        })
        return
      }

      if ('donationAmount' in body) {
        if (payment.method === 'card') throw errors.badRequest('You cannot change the donationAmount on a card payment')
        const delta = body.donationAmount - payment.donationAmount
        await transaction(database, async (tx) => {
          await updateWhere(tx, payments, paymentId, { donationAmount: body.donationAmount }, [unchanged(payments.donationAmount, payment.donationAmount)], 'payment')
          await auditWrite(tx, context, 'edit', paymentId, { tableName: 'payment', data: body })
          if (payment.status === 'paid') {
            await updateWhere(
              tx,
              donations,
              donationId,
              { donationAmount: plus(donations.donationAmount, delta) },
              [unchanged(donations.donationAmount, donation.donationAmount), unchanged(donations.giftAid, donation.giftAid)],
              'donation',
            )
            await auditWrite(tx, context, 'plus', donationId, { tableName: 'donation', data: { donationAmount: delta } })
            await creditFundraiser(tx, context, fundraiser, { totalRaised: delta + giftAidAdded(donation.donationAmount, delta, donation.giftAid) })
          }
        })
        return
      }

      if ('contributionAmount' in body && payment.method !== 'card') {
        const delta = body.contributionAmount - payment.contributionAmount
        await transaction(database, async (tx) => {
          await updateWhere(tx, payments, paymentId, { contributionAmount: body.contributionAmount }, [unchanged(payments.contributionAmount, payment.contributionAmount)], 'payment')
          await auditWrite(tx, context, 'edit', paymentId, { tableName: 'payment', data: body })
          if (payment.status === 'paid') {
            await updateWhere(tx, donations, donationId, { contributionAmount: plus(donations.contributionAmount, delta) }, [], 'donation')
            await auditWrite(tx, context, 'plus', donationId, { tableName: 'donation', data: { contributionAmount: delta } })
          }
        })
        return
      }

      if ('reference' in body) {
        if (payment.method === 'card') throw errors.badRequest('You cannot change the reference on a card payment')
        await transaction(database, async (tx) => {
          await updateWhere(tx, payments, paymentId, { reference: body.reference }, [], 'payment')
          await auditWrite(tx, context, 'edit', paymentId, { tableName: 'payment', data: body })
        })
        return
      }

      throw errors.badRequest('You can only edit matchFundingAmount, status, donationAmount, contributionAmount and reference on a payment')
    },
  }
}

export type PaymentService = ReturnType<typeof createPaymentService>
