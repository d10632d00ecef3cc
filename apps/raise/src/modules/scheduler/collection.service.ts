import { and, eq, errors, isNull, type Database } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import type { Stripe } from '@hearth/kernel/payments'
import { payments } from '../../db/schema.ts'
import { auditWrite, nowSeconds, transaction, updateWhere } from '../../db/conditions.ts'
import type { FundraiserService } from '../fundraisers/fundraiser.service.ts'
import type { DonationService } from '../donations/donation.service.ts'
import { paymentRepository } from '../payments/payment.repository.ts'
import type { Slack } from '../../slack.ts'

export interface CollectionResult {
  attempted: number
  succeeded: number
  failed: number
}

/**
 * The daily collection (§4.5): charge every due scheduled card payment off-session. The payment
 * only gets the PaymentIntent's id as its reference; it becomes paid when the webhook arrives. A
 * declined charge leaves it scheduled for the next run. The idempotency key is the payment id, so
 * two runs racing for one payment create one PaymentIntent.
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
          // The charge happens while this payment's row is locked, and its reference is saved before
          // the lock is released: a concurrent cancellation waits, then finds the reference set and
          // is refused (409) instead of cancelling a payment whose money is on its way.
          await transaction(database, async (tx) => {
            // A reference means it was charged already (declines save none) and its webhook is on the
            // way: charging again after Stripe's 24-hour idempotency window would take the money twice.
            const [locked] = await tx
              .select({ id: payments.id })
              .from(payments)
              .where(and(eq(payments.id, payment.id), eq(payments.status, 'scheduled'), isNull(payments.reference)))
              .for('update')
            if (!locked) return
            const intent = await deps.stripe.paymentIntents.create(
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
            await updateWhere(tx, payments, payment.id, { reference: intent.id }, [], 'payment')
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
