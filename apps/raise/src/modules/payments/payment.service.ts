import { errors, type Database, type Db } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import type { DonationRow, FundraiserRow, PaymentRow } from '../../db/schema.ts'
import { newPaymentRow } from '../../db/defaults.ts'
import { auditWrite, nowSeconds, transaction } from '../../db/transaction.ts'
import type { Caller } from '../../auth/tokens.ts'
import { assertMayAccessFundraiser, assertMayRecordCardPayment } from '../../policies.ts'
import { calcMatchFunding, giftAidAdded } from '../../domain/money.ts'
import { toPaymentView } from '../../mappers.ts'
import type { PaymentCreationT, PaymentPropertyEditsT, PaymentT } from '../../http/schemas.ts'
import type { DonationRepository } from '../donations/donation.repository.ts'
import type { FundraiserTotals } from '../fundraisers/fundraiser-totals.ts'
import type { Lookup } from '../lookup.ts'
import type { PaymentRepository } from './payment.repository.ts'

/** What one payment edit works on, read before its transaction. */
interface EditTarget {
  context: AuditContext
  fundraiser: FundraiserRow
  donation: DonationRow
  payment: PaymentRow
  body: PaymentPropertyEditsT
}

const isOpen = (payment: PaymentRow) => payment.status === 'pending' || payment.status === 'scheduled'

/** Manual payments and refunds, and the one-property payment edits (§4.2, §4.6). */
export class PaymentService {
  constructor(
    private readonly database: Database,
    private readonly lookup: Lookup,
    private readonly donations: DonationRepository,
    private readonly payments: PaymentRepository,
    private readonly totals: FundraiserTotals,
  ) {}

  /** Payments of one donation, newest first; the donation must belong to the fundraiser (fixed IDOR). */
  async list(caller: Caller, fundraiserId: string, donationId: string): Promise<PaymentT[]> {
    const fundraiser = await this.lookup.fundraiser(fundraiserId)
    assertMayAccessFundraiser(caller, fundraiser)
    await this.lookup.donation(fundraiserId, donationId)
    return (await this.payments.listByDonation(this.database.db, donationId)).map(toPaymentView)
  }

  /** A manual or offline payment, or a refund (negative amounts); always stored as paid (§4.2). */
  async create(context: AuditContext, caller: Caller, fundraiserId: string, donationId: string, body: PaymentCreationT): Promise<string> {
    const fundraiser = await this.lookup.fundraiser(fundraiserId)
    const donation = await this.lookup.donation(fundraiserId, donationId)
    assertMayAccessFundraiser(caller, fundraiser)
    if (body.method === 'card') assertMayRecordCardPayment(caller)
    const donationAmount = body.donationAmount ?? 0
    const contributionAmount = body.contributionAmount ?? 0
    const matchFundingAdded = body.matchFundingAmount ?? calcMatchFunding({ donationAmount, alreadyMatchFunded: donation.matchFundingAmount, ...fundraiser })
    if (donation.donationAmount + donationAmount < 0) throw errors.badRequest('This payment would cause the donation to have a negative donation amount')
    if (donation.contributionAmount + contributionAmount < 0) throw errors.badRequest('This payment would cause the donation to have a negative contribution amount')
    if (donation.matchFundingAmount + matchFundingAdded < 0) throw errors.badRequest('This payment would cause the donation to have a negative match funding amount')
    const payment = newPaymentRow(donation, body.at ?? nowSeconds(), {
      donationAmount,
      contributionAmount,
      matchFundingAmount: matchFundingAdded,
      method: body.method ?? 'cash',
      reference: body.reference ?? null,
      status: 'paid',
    })
    await transaction(this.database, async (tx) => {
      await this.totals.lock(tx, fundraiser.id)
      await this.payments.insert(tx, [payment])
      await auditWrite(tx, context, 'create', payment.id, { tableName: 'payment', data: payment })
      await this.addToDonation(tx, context, donation, { donationAmount, contributionAmount, matchFundingAmount: matchFundingAdded })
      await this.totals.credit(tx, context, fundraiser, {
        totalRaised: donationAmount + matchFundingAdded + giftAidAdded(donation.donationAmount, donationAmount, donation.giftAid),
        takeFromPot: matchFundingAdded,
      })
    })
    // A donation refunded to nothing stops counting (never the other way round).
    if (donation.donationAmount + donation.contributionAmount + donationAmount + contributionAmount === 0 && donation.donationCounted) {
      await this.stopCounting(context, fundraiser, donationId)
    }
    return payment.id
  }

  /** Exactly one property per PATCH, in the original's order of checks (§4.6). */
  async edit(context: AuditContext, caller: Caller, fundraiserId: string, donationId: string, paymentId: string, body: PaymentPropertyEditsT): Promise<void> {
    const fundraiser = await this.lookup.fundraiser(fundraiserId)
    const donation = await this.findDonationOf(fundraiserId, donationId)
    const payment = await this.payments.getById(this.database.db, paymentId)
    if (!payment) throw errors.notFound('payment not found')
    if (payment.donationId !== donationId) throw errors.forbidden(`Payment ${paymentId} does not match donation ${donationId}`)
    assertMayAccessFundraiser(caller, fundraiser)
    const target: EditTarget = { context, fundraiser, donation, payment, body }
    if ('matchFundingAmount' in body) return this.changeMatchFunding(target, body.matchFundingAmount)
    if ('status' in body) return this.cancel(target, body.status)
    if ('donationAmount' in body) return this.changeDonationAmount(target, body.donationAmount)
    if ('contributionAmount' in body && payment.method !== 'card') return this.changeContributionAmount(target, body.contributionAmount)
    if ('reference' in body) return this.changeReference(target, body.reference)
    throw errors.badRequest('You can only edit matchFundingAmount, status, donationAmount, contributionAmount and reference on a payment')
  }

  /** The donation by id, which must belong to the fundraiser (403 otherwise, as the original). */
  private async findDonationOf(fundraiserId: string, donationId: string): Promise<DonationRow> {
    const donation = await this.donations.getById(this.database.db, donationId)
    if (!donation) throw errors.notFound('donation not found')
    if (donation.fundraiserId !== fundraiserId) throw errors.forbidden(`Donation ${donationId} does not match fundraiser ${fundraiserId}`)
    return donation
  }

  /** A paid payment's amounts added to its donation, while the donation's totals are as read. */
  private async addToDonation(tx: Db, context: AuditContext, donation: DonationRow, added: { donationAmount: number; contributionAmount: number; matchFundingAmount: number }) {
    await this.donations.addToTotals(tx, donation.id, added, {
      expected: { matchFundingAmount: donation.matchFundingAmount, donationAmount: donation.donationAmount, contributionAmount: donation.contributionAmount },
    })
    await auditWrite(tx, context, 'plus', donation.id, { tableName: 'donation', data: added })
  }

  private async stopCounting(context: AuditContext, fundraiser: FundraiserRow, donationId: string) {
    await transaction(this.database, async (tx) => {
      await this.totals.lock(tx, fundraiser.id)
      await this.donations.stopCounting(tx, donationId)
      await auditWrite(tx, context, 'edit', donationId, { tableName: 'donation', data: { donationCounted: false } })
      await this.totals.credit(tx, context, fundraiser, { donationsCount: -1 })
    })
  }

  /** A paid payment moves the donation's and fundraiser's totals (and a limited pot); an open one only the pot it reserved from. */
  private async changeMatchFunding({ context, fundraiser, donation, payment, body }: EditTarget, next: number | null) {
    const delta = (next ?? 0) - (payment.matchFundingAmount ?? 0)
    const limitedPot = fundraiser.matchFundingRemaining !== null
    await transaction(this.database, async (tx) => {
      await this.totals.lock(tx, fundraiser.id)
      await this.payments.setMatchFundingAmount(tx, payment.id, next, { expected: { matchFundingAmount: payment.matchFundingAmount, status: payment.status } })
      await auditWrite(tx, context, 'edit', payment.id, { tableName: 'payment', data: body })
      if (payment.status === 'paid') {
        await this.donations.addToTotals(tx, donation.id, { matchFundingAmount: delta })
        await auditWrite(tx, context, 'plus', donation.id, { tableName: 'donation', data: { matchFundingAmount: delta } })
        await this.totals.credit(tx, context, fundraiser, { totalRaised: delta, ...(limitedPot ? { takeFromPot: delta } : {}) })
      } else if (isOpen(payment) && limitedPot) {
        await this.totals.credit(tx, context, fundraiser, { takeFromPot: delta })
      }
    })
  }

  /** Only open card payments may be cancelled; their reserved match funding goes back to a limited pot. */
  private async cancel({ context, fundraiser, payment, body }: EditTarget, status: PaymentRow['status']) {
    if (!(isOpen(payment) && status === 'cancelled')) {
      throw errors.badRequest(`Invalid state transition: ${payment.status} to ${status} (you may only cancel pending or scheduled payments)`)
    }
    if (payment.method !== 'card') throw errors.badRequest(`You can only cancel card payments, but you tried to cancel a ${payment.method} payment`)
    await transaction(this.database, async (tx) => {
      await this.totals.lock(tx, fundraiser.id)
      // A scheduled payment with a reference has been charged (or claimed) by the collection
      // (declines save none): its money may be on the way, so it cannot be cancelled (409, as a failed condition).
      const reference = payment.status === 'scheduled' ? null : payment.reference
      await this.payments.cancel(tx, payment.id, { expected: { matchFundingAmount: payment.matchFundingAmount, status: payment.status, reference } })
      await auditWrite(tx, context, 'edit', payment.id, { tableName: 'payment', data: body })
      if (payment.matchFundingAmount && fundraiser.matchFundingRemaining !== null) {
        await this.totals.credit(tx, context, fundraiser, { takeFromPot: -payment.matchFundingAmount })
      }
    })
  }

  private async changeDonationAmount({ context, fundraiser, donation, payment, body }: EditTarget, donationAmount: number) {
    if (payment.method === 'card') throw errors.badRequest('You cannot change the donationAmount on a card payment')
    const delta = donationAmount - payment.donationAmount
    await transaction(this.database, async (tx) => {
      await this.totals.lock(tx, fundraiser.id)
      await this.payments.setDonationAmount(tx, payment.id, donationAmount, { expected: { donationAmount: payment.donationAmount } })
      await auditWrite(tx, context, 'edit', payment.id, { tableName: 'payment', data: body })
      if (payment.status === 'paid') {
        await this.donations.addToTotals(tx, donation.id, { donationAmount: delta }, { expected: { donationAmount: donation.donationAmount, giftAid: donation.giftAid } })
        await auditWrite(tx, context, 'plus', donation.id, { tableName: 'donation', data: { donationAmount: delta } })
        await this.totals.credit(tx, context, fundraiser, { totalRaised: delta + giftAidAdded(donation.donationAmount, delta, donation.giftAid) })
      }
    })
  }

  private async changeContributionAmount({ context, donation, payment, body }: EditTarget, contributionAmount: number) {
    const delta = contributionAmount - payment.contributionAmount
    await transaction(this.database, async (tx) => {
      await this.totals.lock(tx, payment.fundraiserId)
      await this.payments.setContributionAmount(tx, payment.id, contributionAmount, { expected: { contributionAmount: payment.contributionAmount } })
      await auditWrite(tx, context, 'edit', payment.id, { tableName: 'payment', data: body })
      if (payment.status === 'paid') {
        await this.donations.addToTotals(tx, donation.id, { contributionAmount: delta })
        await auditWrite(tx, context, 'plus', donation.id, { tableName: 'donation', data: { contributionAmount: delta } })
      }
    })
  }

  private async changeReference({ context, payment, body }: EditTarget, reference: string | null) {
    if (payment.method === 'card') throw errors.badRequest('You cannot change the reference on a card payment')
    await transaction(this.database, async (tx) => {
      await this.totals.lock(tx, payment.fundraiserId)
      await this.payments.setReference(tx, payment.id, reference)
      await auditWrite(tx, context, 'edit', payment.id, { tableName: 'payment', data: body })
    })
  }
}
