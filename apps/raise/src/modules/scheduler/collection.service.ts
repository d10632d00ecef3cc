import { errors, type Database } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import type { Stripe } from '@hearth/kernel/payments'
import type { PaymentRow } from '../../db/schema.ts'
import { auditWrite, nowSeconds, transaction } from '../../db/transaction.ts'
import type { Lookup } from '../lookup.ts'
import type { PaymentRepository } from '../payments/payment.repository.ts'
import { CLAIM_EXPIRY_SECONDS, collectionClaim } from '../payments/collection-claim.ts'
import type { Slack } from '../../slack.ts'

export interface CollectionResult {
  attempted: number
  succeeded: number
  failed: number
}

export interface CollectionOptions {
  /** The pause between charges, to stay under Stripe's rate limits. */
  delayMs: number
  log: { info(object: unknown, message: string): void; error(object: unknown, message: string): void }
}

/**
 * The daily collection (§4.5): charge every due scheduled card payment off-session. The payment
 * only gets the PaymentIntent's id as its reference; it becomes paid when the webhook arrives. A
 * declined charge leaves it scheduled for the next run. Each payment is claimed before Stripe is
 * called and the outcome recorded after, with no transaction open during the call; the idempotency
 * key is the payment id, so two runs racing for one payment create one PaymentIntent.
 */
export class CollectionService {
  constructor(
    private readonly database: Database,
    private readonly stripe: Pick<Stripe, 'paymentIntents'>,
    private readonly lookup: Lookup,
    private readonly payments: PaymentRepository,
    private readonly slack: Slack,
    private readonly options: CollectionOptions,
  ) {}

  async collect(context: AuditContext): Promise<CollectionResult> {
    const due = await this.payments.dueForCollection(this.database.db, nowSeconds())
    const results = await Promise.allSettled(
      due.map(async (payment, index) => {
        // Spread the charges out to stay under Stripe's rate limits.
        if (index > 0 && this.options.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, index * this.options.delayMs))
        await this.collectOne(context, payment)
      }),
    )
    const failed = results.filter((result) => result.status === 'rejected') as PromiseRejectedResult[]
    const summary = `Tried to collect ${due.length} payments: ${due.length - failed.length} succeeded, ${failed.length} failed`
    this.options.log.info({ failures: failed.map((result) => String((result.reason as Error)?.message ?? result.reason)) }, summary)
    if (failed.length > 0) void this.slack.send(`💸 ${summary}`)
    return { attempted: due.length, succeeded: due.length - failed.length, failed: failed.length }
  }

  /**
   * Claim, charge, record: no transaction or row lock is held while Stripe answers
   * (collection-claim.ts). A payment with a reference was charged already (declines save none) and
   * its webhook is on the way: it is not claimed, so never charged twice.
   */
  private async collectOne(context: AuditContext, payment: PaymentRow): Promise<void> {
    const fundraiser = await this.lookup.fundraiser(payment.fundraiserId)
    const donation = await this.lookup.donation(payment.fundraiserId, payment.donationId)
    if (!donation.stripeCustomerId || !donation.stripePaymentMethodId) return
    if (payment.donationAmount === 0 && payment.contributionAmount === 0) throw errors.internal(`Scheduled payment ${payment.id} has no amount`)
    const claim = collectionClaim(nowSeconds())
    if (!(await this.payments.claimForCollection(this.database.db, payment.id, claim, nowSeconds() - CLAIM_EXPIRY_SECONDS))) return
    let intent: { id: string }
    try {
      intent = await this.stripe.paymentIntents.create(
        {
          amount: payment.donationAmount + payment.contributionAmount,
          currency: fundraiser.currency,
          automatic_payment_methods: { enabled: true },
          metadata: { fundraiserId: payment.fundraiserId, donationId: payment.donationId, paymentId: payment.id },
          confirm: true,
          off_session: true,
          customer: donation.stripeCustomerId,
          payment_method: donation.stripePaymentMethodId,
          error_on_requires_action: true,
        },
        { idempotencyKey: payment.id },
      )
    } catch (error) {
      await this.payments.releaseCollectionClaim(this.database.db, payment.id, claim)
      throw error
    }
    await this.recordCharge(context, payment.id, claim, intent.id)
  }

  /** The claim becomes the PaymentIntent's id, audited; a claim taken over meanwhile is logged, not overwritten. */
  private async recordCharge(context: AuditContext, paymentId: string, claim: string, paymentIntentId: string): Promise<void> {
    await transaction(this.database, async (tx) => {
      if (!(await this.payments.recordCollection(tx, paymentId, claim, paymentIntentId))) {
        this.options.log.error({ paymentId, paymentIntentId }, 'a collection claim was gone when its charge was recorded')
        return
      }
      await auditWrite(tx, context, 'edit', paymentId, { tableName: 'payment', data: { reference: paymentIntentId } })
    })
  }
}
