import { errors, eq, isNull, like, or, type Database } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import { verifyStripeWebhook, WebhookSignatureError, type Stripe } from '@hearth/kernel/payments'
import type { JobRunner } from '@hearth/kernel/jobs'
import { donations, payments, type FundraiserRow } from '../../db/schema.ts'
import { auditWrite, plus, transaction, unchanged, updateWhere } from '../../db/conditions.ts'
import { calcMatchFunding, giftAidAdded } from '../../domain/money.ts'
import type { StripeWebhookRequestT } from '../../http/schemas.ts'
import type { RaiseJobs } from '../../jobs.ts'
import { confirmationEmail } from '../../emails/confirmation.ts'
import { stripeCall } from './stripe-call.ts'
import type { FundraiserService } from '../fundraisers/fundraiser.service.ts'
import type { DonationService } from '../donations/donation.service.ts'
import { paymentRepository } from '../payments/payment.repository.ts'
import { COLLECTION_CLAIM_PATTERN, isCollectionClaim } from '../payments/collection-claim.ts'
import { creditFundraiser } from '../payments/pot.ts'

export interface WebhookDeps {
  database: Database
  stripe: Stripe
  webhookSecret: string
  jobs: Pick<JobRunner<RaiseJobs>, 'enqueue'>
  fundraiserService: FundraiserService
  donationService: DonationService
  email: { production: boolean; fromAddress: string }
}

/**
 * `payment_intent.succeeded` (§4.4): signature, checks, one crediting transaction, reservation of
 * match funding for the instalments, then the first payment's confirmation email. Every write is
 * conditional on what was read, so a duplicate delivery (retried or concurrent) credits at most once.
 */
export function createWebhookService(deps: WebhookDeps) {
  const { database } = deps
  return {
    async handle(requestContext: AuditContext, rawBody: string | undefined, signature: string | undefined, event: StripeWebhookRequestT): Promise<void> {
      if (!signature) throw errors.unauthorized('Missing Stripe-Signature header')
      try {
        verifyStripeWebhook(rawBody ?? '', signature, deps.webhookSecret)
      } catch (error) {
        if (error instanceof WebhookSignatureError) throw errors.unauthorized('Failed to validate webhook signature')
        throw error
      }
      const context: AuditContext = { ...requestContext, subject: 'stripe' }
      const intent = event.data.object
      if (intent.amount !== intent.amount_received) throw errors.badRequest('amount does not match amount_received')
      const { fundraiserId, donationId, paymentId } = intent.metadata
      const fundraiser = await deps.fundraiserService.get(fundraiserId)
      const donation = await deps.donationService.get(fundraiserId, donationId)
      const payment = await paymentRepository.get(database.db, donationId, paymentId)
      if (!payment) throw errors.notFound('payment not found')
      if (intent.amount !== payment.donationAmount + payment.contributionAmount) {
        throw errors.badRequest('payment intent amount does not match sum of donationAmount and contributionAmount on payment')
      }
      if (payment.method !== 'card') throw errors.badRequest(`payment method is '${payment.method}', not card`)
      if (payment.reference && payment.reference !== intent.id && !isCollectionClaim(payment.reference)) throw errors.badRequest('payment intent id does not match reference on payment')
      if (!['pending', 'scheduled', 'paid'].includes(payment.status)) throw errors.badRequest(`payment in invalid state '${payment.status}' to be confirmed`)

      const matchFundingAdded = payment.matchFundingAmount === null ? calcMatchFunding({ donationAmount: payment.donationAmount, alreadyMatchFunded: donation.matchFundingAmount, ...fundraiser }) : 0
      const matchFundingOnPayment = payment.matchFundingAmount ?? matchFundingAdded
      const giftAid = giftAidAdded(donation.donationAmount, payment.donationAmount, donation.giftAid)

      if (payment.status !== 'paid') {
        if (intent.setup_future_usage && (!donation.stripeCustomerId || !donation.stripePaymentMethodId)) {
          const customer = await stripeCall(() =>
            deps.stripe.customers.create(
              { name: donation.donorName, email: donation.donorEmail, metadata: { fundraiserId, donationId }, payment_method: intent.payment_method },
              { idempotencyKey: donationId },
            ),
          )
          await transaction(database, async (tx) => {
            const edits = { stripeCustomerId: customer.id, stripePaymentMethodId: intent.payment_method }
            await updateWhere(
              tx,
              donations,
              donationId,
              edits,
              [unchanged(donations.stripeCustomerId, donation.stripeCustomerId), unchanged(donations.stripePaymentMethodId, donation.stripePaymentMethodId)],
              'donation',
            )
            await auditWrite(tx, context, 'edit', donationId, { tableName: 'donation', data: edits })
          })
        }
        await transaction(database, async (tx) => {
          await updateWhere(
            tx,
            payments,
            paymentId,
            { status: 'paid', matchFundingAmount: matchFundingOnPayment },
            [
              // Unset, claimed by the collection that is charging it, or this PaymentIntent: the
              // collection may have saved the reference since we read it.
              or(isNull(payments.reference), like(payments.reference, COLLECTION_CLAIM_PATTERN), eq(payments.reference, intent.id))!,
              unchanged(payments.donationAmount, payment.donationAmount),
              unchanged(payments.contributionAmount, payment.contributionAmount),
              unchanged(payments.matchFundingAmount, payment.matchFundingAmount),
              unchanged(payments.status, payment.status),
            ],
            'payment',
          )
          await auditWrite(tx, context, 'edit', paymentId, { tableName: 'payment', data: { status: 'paid', matchFundingAmount: matchFundingOnPayment } })
          await updateWhere(
            tx,
            donations,
            donationId,
            {
              donationAmount: plus(donations.donationAmount, payment.donationAmount),
              contributionAmount: plus(donations.contributionAmount, payment.contributionAmount),
              matchFundingAmount: plus(donations.matchFundingAmount, matchFundingOnPayment),
              donationCounted: true,
            },
            [
              unchanged(donations.matchFundingAmount, donation.matchFundingAmount),
              unchanged(donations.donationCounted, donation.donationCounted),
              unchanged(donations.donationAmount, donation.donationAmount),
              unchanged(donations.giftAid, donation.giftAid),
            ],
            'donation',
          )
          await auditWrite(tx, context, 'plus', donationId, {
            tableName: 'donation',
            data: { donationAmount: payment.donationAmount, contributionAmount: payment.contributionAmount, matchFundingAmount: matchFundingOnPayment, donationCounted: true },
          })
          await creditFundraiser(tx, context, fundraiser, {
            totalRaised: payment.donationAmount + matchFundingOnPayment + giftAid,
            donationsCount: donation.donationCounted ? 0 : 1,
            takeFromPot: matchFundingAdded,
            limitUnchanged: true,
          })
        })
      }

      // Always (so a retry completes what a failed delivery left): reserve match funding for the
      // instalments still without it, oldest first, from the pot as read at the start.
      const all = await paymentRepository.listByDonationChronological(database.db, donationId)
      await reserveForInstalments(fundraiser, all, matchFundingAdded, context)

      const first = all[0]
      if (first && first.id === paymentId) {
        const message = confirmationEmail({ fundraiser, donation, payments: all, ...deps.email })
        // The key makes the email go out once, however often Stripe delivers the event.
        await deps.jobs.enqueue(database.db, 'mail.send', message, { idempotencyKey: `confirmation:${paymentId}` })
      }
    },
  }

  async function reserveForInstalments(fundraiser: FundraiserRow, all: Awaited<ReturnType<typeof paymentRepository.listByDonationChronological>>, matchFundingAdded: number, context: AuditContext) {
    const alreadyOnDonation = all.reduce((sum, payment) => sum + (payment.matchFundingAmount ?? 0), 0)
    const reservations: { id: string; donationAmount: number; status: string; matchFunding: number }[] = []
    let reserved = 0
    for (const payment of all) {
      if (!(payment.status === 'pending' || payment.status === 'scheduled') || payment.matchFundingAmount !== null) continue
      const matchFunding = calcMatchFunding({
        donationAmount: payment.donationAmount,
        alreadyMatchFunded: alreadyOnDonation + reserved,
        matchFundingRate: fundraiser.matchFundingRate,
        matchFundingRemaining: fundraiser.matchFundingRemaining === null ? null : fundraiser.matchFundingRemaining - matchFundingAdded - reserved,
        matchFundingPerDonationLimit: fundraiser.matchFundingPerDonationLimit,
      })
      reservations.push({ id: payment.id, donationAmount: payment.donationAmount, status: payment.status, matchFunding })
      reserved += matchFunding
    }
    if (reservations.length === 0) return
    await transaction(database, async (tx) => {
      for (const reservation of reservations) {
        await updateWhere(
          tx,
          payments,
          reservation.id,
          { status: 'scheduled', matchFundingAmount: reservation.matchFunding },
          [eq(payments.donationAmount, reservation.donationAmount), isNull(payments.matchFundingAmount), eq(payments.status, reservation.status)],
          'payment',
        )
        await auditWrite(tx, context, 'edit', reservation.id, { tableName: 'payment', data: { status: 'scheduled', matchFundingAmount: reservation.matchFunding } })
      }
      await creditFundraiser(tx, context, fundraiser, { takeFromPot: reserved, limitUnchanged: true })
    })
  }
}

export type WebhookService = ReturnType<typeof createWebhookService>
