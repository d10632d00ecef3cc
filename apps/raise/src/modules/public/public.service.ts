import { errors, type Database } from '@hearth/kernel'
import { ulid, type AuditContext } from '@hearth/kernel/audit'
import { formatAmountShort, type Stripe } from '@hearth/kernel/payments'
import type { DonationRow, PaymentRow } from '../../db/schema.ts'
import { auditWrite, nowSeconds, transaction } from '../../db/conditions.ts'
import { calcPaymentSchedule, MINIMUM_CARD_CHARGE, type RecurrenceFrequency } from '../../domain/money.ts'
import type { PublicDonationRequestT, PublicFundraiserT } from '../../http/schemas.ts'
import type { FundraiserService } from '../fundraisers/fundraiser.service.ts'
import { donationRepository } from '../donations/donation.repository.ts'
import { paymentRepository } from '../payments/payment.repository.ts'
import { assertGiftAidAddress } from '../donations/donation.service.ts'
import { stripeCall } from '../stripe/stripe-call.ts'

export function createPublicService(database: Database, fundraiserService: FundraiserService, stripe: Stripe) {
  return {
    /** The fundraiser without internal fields, with its public, counted donations redacted per flags (§2.4). */
    async getFundraiser(id: string): Promise<PublicFundraiserT> {
      const { internalName: _internal, groupsWithAccess: _groups, ...fundraiser } = await fundraiserService.get(id)
      const rows = await donationRepository.listPublicByFundraiser(database, id)
      const donations: PublicFundraiserT['donations'] = new Array(rows.length)
      for (let index = 0; index < rows.length; index++) {
        const row = rows[index]!
        // Hidden keys are left out, never sent as null.
        const donation: PublicFundraiserT['donations'][number] = { id: row.id, createdAt: row.createdAt, comment: row.comment }
        if (row.namePublic) donation.donorName = row.donorName
        if (row.donationAmountPublic) {
          donation.giftAid = row.giftAid
          donation.donationAmount = row.donationAmount
          donation.matchFundingAmount = row.matchFundingAmount
          donation.recurringAmount = row.recurringAmount
          donation.recurrenceFrequency = row.recurrenceFrequency as RecurrenceFrequency | null
        }
        donations[index] = donation
      }
      return { ...fundraiser, currency: fundraiser.currency as 'gbp' | 'usd', donations }
    },

    /** §4.3: checks in order, a PaymentIntent for the first payment, then the donation and its schedule. */
    async createDonation(context: AuditContext, fundraiserId: string, body: PublicDonationRequestT) {
      const fundraiser = await fundraiserService.get(fundraiserId)
      const now = nowSeconds()
      if (fundraiser.activeFrom > now) throw errors.badRequest('Fundraiser has not started yet')
      if (fundraiser.paused) throw errors.badRequest('Fundraiser is temporarily paused taking donations')
      if (fundraiser.archived) throw errors.badRequest('Fundraiser has been archived')
      assertGiftAidAddress(body)
      const schedule = calcPaymentSchedule(body.donationAmount, body.contributionAmount, body.recurrenceFrequency, fundraiser.recurringDonationsTo)
      const currency = fundraiser.currency as 'gbp' | 'usd'
      const one = currency === 'usd' ? '$1' : '£1'
      if (schedule.now.donationAmount + schedule.now.contributionAmount < MINIMUM_CARD_CHARGE) {
        throw errors.badRequest(`Payment amount must be greater than ${one} to avoid excessive card transaction fees`)
      }
      if (schedule.future.some((payment) => payment.donationAmount + payment.contributionAmount < MINIMUM_CARD_CHARGE)) {
        throw errors.badRequest(`Future payments must be greater than ${one} to avoid excessive card transaction fees`)
      }
      const totalDonationAmount = schedule.now.donationAmount + schedule.future.reduce((sum, payment) => sum + payment.donationAmount, 0)
      if (fundraiser.minimumDonationAmount !== null && totalDonationAmount < fundraiser.minimumDonationAmount) {
        throw errors.badRequest(`Donation amount must be greater than ${formatAmountShort(currency, fundraiser.minimumDonationAmount)}`)
      }

      const donationId = ulid()
      const paymentId = ulid()
      const amount = schedule.now.donationAmount + schedule.now.contributionAmount
      // Network call before the transaction (never inside one).
      const intent = await stripeCall(() =>
        stripe.paymentIntents.create({
          amount,
          currency,
          automatic_payment_methods: { enabled: true },
          metadata: { fundraiserId, donationId, paymentId },
          ...(body.recurrenceFrequency ? { setup_future_usage: 'off_session' as const } : {}),
        }),
      )
      if (!intent.client_secret) throw errors.internal('Stripe PaymentIntent has no client secret')

      const orNull = (value: string | null) => (value ? value : null)
      const donation: DonationRow = {
        id: donationId,
        fundraiserId,
        donorName: body.donorName,
        donorEmail: body.donorEmail,
        emailConsentInformational: body.emailConsentInformational,
        emailConsentMarketing: body.emailConsentMarketing,
        createdAt: now,
        addressLine1: orNull(body.addressLine1),
        addressLine2: orNull(body.addressLine2),
        addressLine3: orNull(body.addressLine3),
        addressPostcode: orNull(body.addressPostcode),
        addressCountry: orNull(body.addressCountry),
        giftAid: body.giftAid,
        comment: orNull(body.comment),
        donationAmount: 0,
        matchFundingAmount: 0,
        contributionAmount: 0,
        recurringAmount: body.recurrenceFrequency ? body.donationAmount : null,
        recurrenceFrequency: body.recurrenceFrequency,
        stripeCustomerId: null,
        stripePaymentMethodId: null,
        charity: body.charity ?? 'AMF',
        overallPublic: body.overallPublic,
        namePublic: body.namePublic,
        donationAmountPublic: body.donationAmountPublic,
        donationCounted: false,
      }
      const rows: PaymentRow[] = [
        { id: paymentId, donationId, fundraiserId, at: now, ...schedule.now, matchFundingAmount: null, method: 'card', reference: intent.id, status: 'pending' },
        ...schedule.future.map((payment) => ({ id: ulid(), donationId, fundraiserId, ...payment, matchFundingAmount: null, method: 'card', reference: null, status: 'pending' })),
      ]
      // One transaction (the original wrote these separately and could leave a partial record).
      await transaction(database, async (tx) => {
        await donationRepository.insert(tx, donation)
        await auditWrite(tx, context, 'create', donationId, { tableName: 'donation', data: donation })
        await paymentRepository.insert(tx, rows)
        for (const row of rows) await auditWrite(tx, context, 'create', row.id, { tableName: 'payment', data: row })
      })
      return {
        stripeClientSecret: intent.client_secret,
        currency,
        amount,
        totalDonationAmount,
        futurePayments: schedule.future.map((payment) => ({ at: payment.at, amount: payment.donationAmount + payment.contributionAmount })),
      }
    },
  }
}

export type PublicService = ReturnType<typeof createPublicService>
