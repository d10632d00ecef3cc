import { errors, type Database } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import type { Stripe } from '@hearth/kernel/payments'
import { auditWrite, nowSeconds, transaction } from '../../db/conditions.ts'
import type { FundraiserService } from '../fundraisers/fundraiser.service.ts'
import type { DonationService } from '../donations/donation.service.ts'
import { paymentRepository } from '../payments/payment.repository.ts'
import { CLAIM_EXPIRY_SECONDS, collectionClaim } from '../payments/collection-claim.ts'
import type { Slack } from '../../slack.ts'

export interface CollectionResult {
  attempted: number
  succeeded: number
  failed: number
}

/**
 * The daily collection (§4.5): charge every due scheduled card payment off-session. The payment
 * only gets the PaymentIntent's id as its reference; it becomes paid when the webhook arrives. A
 * declined charge leaves it scheduled for the next run. Each payment is claimed before Stripe is
 * called and the outcome recorded after, with no transaction open during the call; the idempotency
 * key is the payment id, so two runs racing for one payment create one PaymentIntent.
 */
export function createCollectionService(deps: {
  database: Database
  stripe: Stripe
  fundraiserService: FundraiserService
  donationService: DonationService
  slack: Slack
  delayMs: number
  log: { info(object: unknown, message: string): void; error(object: unknown, message: string): void }
}) {
  const { database } = deps
  return {
    async collect(context: AuditContext): Promise<CollectionResult> {
      const due = await paymentRepository.dueForCollection(database.db, nowSeconds())
      const results = await Promise.allSettled(
        due.map(async (payment, index) => {
          // Spread the charges out to stay under Stripe's rate limits.
          if (index > 0 && deps.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, index * deps.delayMs))
          const fundraiser = await deps.fundraiserService.get(payment.fundraiserId)
          const donation = await deps.donationService.get(payment.fundraiserId, payment.donationId)
          if (!donation.stripeCustomerId || !donation.stripePaymentMethodId) return
          if (payment.donationAmount === 0 && payment.contributionAmount === 0) throw errors.internal(`Scheduled payment ${payment.id} has no amount`)
          // Claim, charge, record: no transaction or row lock is held while Stripe answers
          // (collection-claim.ts). A payment with a reference was charged already (declines save
          // none) and its webhook is on the way: it is not claimed, so never charged twice.
          const claim = collectionClaim(nowSeconds())
          if (!(await paymentRepository.claimForCollection(database.db, payment.id, claim, nowSeconds() - CLAIM_EXPIRY_SECONDS))) return
          let intent: { id: string }
          try {
            intent = await deps.stripe.paymentIntents.create(
              {
                amount: payment.donationAmount + payment.contributionAmount,
                currency: fundraiser.currency,
                automatic_payment_methods: { enabled: true },
                metadata: { fundraiserId: payment.fundraiserId, donationId: payment.donationId, paymentId: payment.id },
                confirm: true,
                off_session: true,
                customer: donation.stripeCustomerId!,
                payment_method: donation.stripePaymentMethodId!,
                error_on_requires_action: true,
              },
              { idempotencyKey: payment.id },
            )
          } catch (error) {
            await paymentRepository.releaseCollectionClaim(database.db, payment.id, claim)
            throw error
          }
          await transaction(database, async (tx) => {
            if (!(await paymentRepository.recordCollection(tx, payment.id, claim, intent.id))) {
              deps.log.error({ paymentId: payment.id, paymentIntentId: intent.id }, 'a collection claim was gone when its charge was recorded')
              return
            }
            await auditWrite(tx, context, 'edit', payment.id, { tableName: 'payment', data: { reference: intent.id } })
          })
        }),
      )
      const failed = results.filter((result) => result.status === 'rejected') as PromiseRejectedResult[]
      const summary = `Tried to collect ${due.length} payments: ${due.length - failed.length} succeeded, ${failed.length} failed`
      deps.log.info({ failures: failed.map((result) => String((result.reason as Error)?.message ?? result.reason)) }, summary)
      if (failed.length > 0) void deps.slack.send(`💸 ${summary}`)
      return { attempted: due.length, succeeded: due.length - failed.length, failed: failed.length }
    },
  }
}

export type CollectionService = ReturnType<typeof createCollectionService>
