import { errors, type Database, type Db } from '@hearth/kernel'
import type { AuditContext } from '@hearth/kernel/audit'
import { verifyStripeWebhook, WebhookSignatureError, type Stripe } from '@hearth/kernel/payments'
import { NO_ENQUEUE, type JobRunner } from '@hearth/kernel/jobs'
import type { DonationRow, FundraiserRow, PaymentRow } from '../../db/schema.ts'
import { AuditBatch, auditWrite, transaction } from '../../db/transaction.ts'
import { calcMatchFunding, giftAidAdded } from '../../domain/money.ts'
import type { StripeWebhookRequestT } from '../../http/schemas.ts'
import type { RaiseJobs } from '../../jobs.ts'
import { confirmationEmail } from '../../emails/confirmation.ts'
import { stripeCall } from './stripe-call.ts'
import type { DonationRepository } from '../donations/donation.repository.ts'
import { planCredit, type FundraiserTotals } from '../fundraisers/fundraiser-totals.ts'
import { totalsAdded } from '../fundraisers/fundraiser.repository.ts'
import type { SucceededPaymentRepository } from './succeeded-payment.repository.ts'
import type { Lookup } from '../lookup.ts'
import type { PaymentRepository } from '../payments/payment.repository.ts'
import { isCollectionClaim } from '../payments/collection-claim.ts'

type PaymentIntent = StripeWebhookRequestT['data']['object']

/** The rows a succeeded PaymentIntent is about, read before anything is written. */
interface IntentTarget {
  context: AuditContext
  intent: PaymentIntent
  fundraiser: FundraiserRow
  donation: DonationRow
  payment: PaymentRow
  /** All the donation's payments, oldest first (by `at`, then id). */
  payments: PaymentRow[]
}

/** The match funding this payment adds (0 when it already holds its reservation), what the payment ends up holding, and the Gift Aid it adds. */
interface Amounts {
  matchFundingAdded: number
  matchFundingOnPayment: number
  giftAid: number
}

export interface WebhookEmailSettings {
  production: boolean
  fromAddress: string
}

/**
 * `payment_intent.succeeded` (§4.4), as named steps: verify the signature, find the payment the
 * intent is for and check it, save the donor's card for a recurring donation, record the payment as
 * succeeded (payment, donation and fundraiser totals in one transaction), reserve match funding for
 * the instalments, and enqueue the confirmation email once. Every write is conditional on what was
 * read, so a duplicate delivery (retried or concurrent) credits at most once.
 *
 * Deliveries for one fundraiser take turns on its row lock, so the locked transaction is what bounds
 * their throughput: it makes as few round trips as it can. For a one-off donation that is three: the
 * lock taken with the donation and its payments read, one statement with the conditional updates of
 * payment, donation and fundraiser, their audit entries and the confirmation email's job, and the commit.
 */
export class WebhookService {
  constructor(
    private readonly database: Database,
    private readonly stripe: Stripe,
    private readonly webhookSecret: string,
    private readonly jobs: Pick<JobRunner<RaiseJobs>, 'enqueue' | 'enqueueParams'>,
    private readonly lookup: Lookup,
    private readonly donations: DonationRepository,
    private readonly payments: PaymentRepository,
    private readonly totals: FundraiserTotals,
    private readonly succeeded: SucceededPaymentRepository,
    private readonly email: WebhookEmailSettings,
  ) {}

  async handle(requestContext: AuditContext, rawBody: string | undefined, signature: string | undefined, event: StripeWebhookRequestT): Promise<void> {
    this.verifySignature(rawBody, signature)
    const context = { ...requestContext, subject: 'stripe' }
    const intent = event.data.object
    if (intent.setup_future_usage) {
      // A recurring donation's card is saved through Stripe first, so with no transaction open: the
      // rows are read and checked unlocked for it. A one-off donation is checked under the lock only.
      const checked = await this.findPaymentForIntent(this.database.db, context, intent)
      if (checked.payment.status !== 'paid') await this.saveCardForRecurring(checked)
    }
    // Every delivery for this fundraiser waits here for the ones before it, then works on the rows as
    // they are now: a concurrent or retried delivery finds its payment already paid and credits nothing.
    const { target, payments, alreadyPaid } = await transaction(this.database, async (tx) => {
      const target = await this.findPaymentForIntent(tx, context, intent, { lock: true })
      const audit = new AuditBatch(context)
      const amounts = this.matchFundingFor(target)
      const alreadyPaid = target.payment.status === 'paid'
      const payments = alreadyPaid ? target.payments : await this.recordSucceededPayment(tx, target, amounts, audit)
      // Always (so a retry completes what a failed delivery left): reserve match funding for the
      // instalments still without it, oldest first, from the pot as locked.
      await this.applyMatchFundingToInstalments(tx, target, payments, amounts.matchFundingAdded, audit)
      await audit.write(tx)
      return { target, payments, alreadyPaid }
    })
    // Recording the payment enqueued the confirmation in the same statement. A delivery that finds the payment
    // paid enqueues it again, keyed, so a delivery that failed after its commit still gets the email out once.
    if (alreadyPaid) {
      const confirmation = this.confirmationFor(target, payments)
      if (confirmation) await this.jobs.enqueue(this.database.db, 'mail.send', confirmation.message, { idempotencyKey: confirmation.key })
    }
  }

  private verifySignature(rawBody: string | undefined, signature: string | undefined): void {
    if (!signature) throw errors.unauthorized('Missing Stripe-Signature header')
    try {
      verifyStripeWebhook(rawBody ?? '', signature, this.webhookSecret)
    } catch (error) {
      if (error instanceof WebhookSignatureError) throw errors.unauthorized('Failed to validate webhook signature')
      throw error
    }
  }

  /**
   * The fundraiser, donation and payment named in the intent's metadata, with the original's checks in order;
   * with `lock`, the fundraiser row is locked for the rest of the transaction `db` belongs to.
   */
  private async findPaymentForIntent(db: Db, context: AuditContext, intent: PaymentIntent, { lock = false } = {}): Promise<IntentTarget> {
    if (intent.amount !== intent.amount_received) throw errors.badRequest('amount does not match amount_received')
    const { fundraiserId, donationId, paymentId } = intent.metadata
    const { fundraiser, donation, payments } = lock ? await this.succeeded.lockWithDonation(db, fundraiserId, donationId) : await this.readUnlocked(db, fundraiserId, donationId)
    if (!fundraiser) throw errors.notFound('fundraiser not found')
    if (!donation) throw errors.notFound('donation not found')
    const payment = payments.find((row) => row.id === paymentId)
    if (!payment) throw errors.notFound('payment not found')
    if (intent.amount !== payment.donationAmount + payment.contributionAmount) {
      throw errors.badRequest('payment intent amount does not match sum of donationAmount and contributionAmount on payment')
    }
    if (payment.method !== 'card') throw errors.badRequest(`payment method is '${payment.method}', not card`)
    if (payment.reference && payment.reference !== intent.id && !isCollectionClaim(payment.reference)) throw errors.badRequest('payment intent id does not match reference on payment')
    if (!['pending', 'scheduled', 'paid'].includes(payment.status)) throw errors.badRequest(`payment in invalid state '${payment.status}' to be confirmed`)
    return { context, intent, fundraiser, donation, payment, payments }
  }

  private async readUnlocked(db: Db, fundraiserId: string, donationId: string): Promise<{ fundraiser?: FundraiserRow; donation?: DonationRow; payments: PaymentRow[] }> {
    const fundraiser = await this.lookup.fundraiser(fundraiserId)
    const found = await this.donations.getWithPayments(db, fundraiserId, donationId)
    return { fundraiser, donation: found?.donation, payments: found?.payments ?? [] }
  }

  /** A payment without a reservation is matched now, from the pot as read; one with a reservation keeps it. */
  private matchFundingFor({ fundraiser, donation, payment }: IntentTarget): Amounts {
    const matchFundingAdded = payment.matchFundingAmount === null ? calcMatchFunding({ donationAmount: payment.donationAmount, alreadyMatchFunded: donation.matchFundingAmount, ...fundraiser }) : 0
    return {
      matchFundingAdded,
      matchFundingOnPayment: payment.matchFundingAmount ?? matchFundingAdded,
      giftAid: giftAidAdded(donation.donationAmount, payment.donationAmount, donation.giftAid),
    }
  }

  /**
   * A recurring donation's first payment: a Stripe customer with the card, saved on the donation (Stripe first,
   * no transaction open). Stripe's idempotency key makes concurrent deliveries get the same customer, so a
   * donation that already holds a card is left as it is.
   */
  private async saveCardForRecurring({ context, intent, donation }: IntentTarget): Promise<void> {
    if (donation.stripeCustomerId && donation.stripePaymentMethodId) return
    const customer = await stripeCall(() =>
      this.stripe.customers.create(
        { name: donation.donorName, email: donation.donorEmail, metadata: { fundraiserId: donation.fundraiserId, donationId: donation.id }, payment_method: intent.payment_method },
        { idempotencyKey: donation.id },
      ),
    )
    await transaction(this.database, async (tx) => {
      const edits = { stripeCustomerId: customer.id, stripePaymentMethodId: intent.payment_method }
      const saved = await this.donations.saveStripeCustomerOnce(tx, donation.id, edits)
      if (!saved) return
      await auditWrite(tx, context, 'edit', donation.id, { tableName: 'donation', data: edits })
    })
  }

  /**
   * In the locked transaction, in one statement: the payment paid, its amounts added to the donation (now
   * counted), the fundraiser credited and its pot drawn, with their audit entries. Returns the donation's
   * payments as they now are (the update sets only the status and match funding of the one paid).
   */
  private async recordSucceededPayment(
    tx: Db,
    { intent, fundraiser, donation, payment, payments }: IntentTarget,
    { matchFundingAdded, matchFundingOnPayment, giftAid }: Amounts,
    audit: AuditBatch,
  ): Promise<PaymentRow[]> {
    const added = { donationAmount: payment.donationAmount, contributionAmount: payment.contributionAmount, matchFundingAmount: matchFundingOnPayment }
    const { change, expected } = planCredit(fundraiser, {
      totalRaised: payment.donationAmount + matchFundingOnPayment + giftAid,
      donationsCount: donation.donationCounted ? 0 : 1,
      takeFromPot: matchFundingAdded,
      limitUnchanged: true,
    })
    audit.add('edit', payment.id, { tableName: 'payment', data: { status: 'paid', matchFundingAmount: matchFundingOnPayment } })
    audit.add('plus', donation.id, { tableName: 'donation', data: { ...added, donationCounted: true } })
    audit.add('plus', fundraiser.id, { tableName: 'fundraiser', data: totalsAdded(change) })
    const paid: PaymentRow = { ...payment, status: 'paid', matchFundingAmount: matchFundingOnPayment }
    const all = payments.map((row) => (row.id === payment.id ? paid : row))
    const confirmation = this.confirmationFor({ fundraiser, donation, payment }, all)
    await this.succeeded.record(
      tx,
      {
        payment: {
          id: payment.id,
          matchFundingAmount: matchFundingOnPayment,
          paymentIntentId: intent.id,
          expected: { donationAmount: payment.donationAmount, contributionAmount: payment.contributionAmount, matchFundingAmount: payment.matchFundingAmount, status: payment.status },
        },
        donation: {
          id: donation.id,
          added,
          expected: { matchFundingAmount: donation.matchFundingAmount, donationCounted: donation.donationCounted, donationAmount: donation.donationAmount, giftAid: donation.giftAid },
        },
        fundraiser: { id: fundraiser.id, change: { ...change, totalRaised: change.totalRaised! }, expected: { ...expected, matchFundingPerDonationLimit: fundraiser.matchFundingPerDonationLimit } },
      },
      audit,
      confirmation ? this.jobs.enqueueParams('mail.send', confirmation.message, { idempotencyKey: confirmation.key }) : NO_ENQUEUE,
    )
    return all
  }

  /** Match funding for every open instalment without any, oldest first, each from what the previous ones left in the pot. */
  private async applyMatchFundingToInstalments(tx: Db, { fundraiser }: IntentTarget, all: PaymentRow[], matchFundingAdded: number, audit: AuditBatch): Promise<void> {
    const alreadyOnDonation = all.reduce((sum, payment) => sum + (payment.matchFundingAmount ?? 0), 0)
    const reservations: { payment: PaymentRow; matchFunding: number }[] = []
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
      reservations.push({ payment, matchFunding })
      reserved += matchFunding
    }
    if (reservations.length === 0) return
    for (const { payment, matchFunding } of reservations) {
      await this.payments.reserveMatchFunding(tx, payment.id, matchFunding, { expected: { donationAmount: payment.donationAmount, status: payment.status } })
      audit.add('edit', payment.id, { tableName: 'payment', data: { status: 'scheduled', matchFundingAmount: matchFunding } })
    }
    await this.totals.credit(tx, audit, fundraiser, { takeFromPot: reserved, limitUnchanged: true })
  }

  /** After the donation's first payment: the confirmation email, keyed so it goes out once however often Stripe delivers the event. */
  private confirmationFor({ fundraiser, donation, payment }: Pick<IntentTarget, 'fundraiser' | 'donation' | 'payment'>, all: PaymentRow[]) {
    const first = all[0]
    if (!first || first.id !== payment.id) return undefined
    return { message: confirmationEmail({ fundraiser, donation, payments: all, ...this.email }), key: `confirmation:${payment.id}` }
  }
}
