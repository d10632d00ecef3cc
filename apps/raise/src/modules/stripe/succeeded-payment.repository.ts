import { defineStatement, runStatement, selectColumns, type Db } from '@hearth/kernel'
import { auditInsert, auditParams } from '@hearth/kernel/audit'
import { enqueueInsert } from '@hearth/kernel/jobs'
import { donations, fundraisers, payments, type DonationRow, type FundraiserRow, type PaymentRow } from '../../db/schema.ts'
import { expectUpdated } from '../../db/conditional.ts'
import type { AuditBatch } from '../../db/transaction.ts'
import type { DonationTotalsChange } from '../donations/donation.repository.ts'
import type { FundraiserTotalsChange, FundraiserTotalsExpectation } from '../fundraisers/fundraiser.repository.ts'
import { COLLECTION_CLAIM_PATTERN } from '../payments/collection-claim.ts'

/** A card payment Stripe says succeeded, as the webhook records it: each row's change and what it must still look like. */
export interface SucceededPayment {
  payment: {
    id: string
    matchFundingAmount: number
    paymentIntentId: string
    expected: Pick<PaymentRow, 'donationAmount' | 'contributionAmount' | 'matchFundingAmount' | 'status'>
  }
  donation: {
    id: string
    added: Required<DonationTotalsChange>
    expected: Pick<DonationRow, 'matchFundingAmount' | 'donationCounted' | 'donationAmount' | 'giftAid'>
  }
  fundraiser: {
    id: string
    change: FundraiserTotalsChange & { totalRaised: number }
    expected: FundraiserTotalsExpectation & Required<Pick<FundraiserTotalsExpectation, 'matchFundingPerDonationLimit'>>
  }
}

// The same conditional updates as PaymentRepository.markPaid, DonationRepository.addToTotals (counted)
// and FundraiserRepository.addToTotals, with the audit entries and the confirmation email's job (when
// this payment is the donation's first), as one statement: the webhook runs it under the fundraiser's
// row lock, where every other delivery for the fundraiser waits for each round trip. Each update
// returns its row, so a failed condition is named (and the transaction rolls back, job included).
const recordSucceeded = defineStatement(
  'raise.payments.recordSucceeded',
  `
  WITH payment AS (
         UPDATE payments SET status = 'paid', match_funding_amount = $2
          WHERE id = $1 AND (reference IS NULL OR reference LIKE $3 OR reference = $4)
            AND donation_amount = $5 AND contribution_amount = $6 AND match_funding_amount IS NOT DISTINCT FROM $7::bigint AND status = $8
         RETURNING id),
       donation AS (
         UPDATE donations
            SET donation_amount = donation_amount + $10, contribution_amount = contribution_amount + $11,
                match_funding_amount = match_funding_amount + $12, donation_counted = true
          WHERE id = $9 AND match_funding_amount = $13 AND donation_counted = $14 AND donation_amount = $15 AND gift_aid = $16
         RETURNING id),
       fundraiser AS (
         UPDATE fundraisers
            SET total_raised = total_raised + $18, donations_count = donations_count + $19,
                match_funding_remaining = match_funding_remaining - coalesce($20::bigint, 0)
          WHERE id = $17
            AND ($20::bigint IS NULL OR match_funding_remaining >= $20::bigint)
            AND (NOT $21::boolean OR match_funding_remaining IS NULL)
            AND match_funding_per_donation_limit IS NOT DISTINCT FROM $22::bigint
         RETURNING id),
       audit AS (${auditInsert(23)}),
       job AS (${enqueueInsert(32)})
  SELECT (SELECT count(*) FROM payment)::int AS payment,
         (SELECT count(*) FROM donation)::int AS donation,
         (SELECT count(*) FROM fundraiser)::int AS fundraiser`,
)

// The fundraiser's row lock, and the donation and its payments, in one round trip. Each row is read
// FOR UPDATE, so each comes back as the latest committed version even when this statement waited for
// the fundraiser behind another delivery that changed them (a plain read would see them as they were
// when the statement began). The donation and payments are read per fundraiser row (correlated), so
// after its lock: rows are always locked fundraiser first, as every money flow does.
const lockedForIntent = defineStatement(
  'raise.payments.lockedForIntent',
  `
  SELECT to_jsonb(f) AS fundraiser,
         (SELECT to_jsonb(d) FROM (SELECT ${selectColumns(donations)} FROM donations WHERE fundraiser_id = f.id AND id = $2 FOR UPDATE) d) AS donation,
         (SELECT coalesce(jsonb_agg(to_jsonb(p) ORDER BY p.at, p.id), '[]'::jsonb)
            FROM (SELECT ${selectColumns(payments)} FROM payments WHERE donation_id = $2 AND fundraiser_id = f.id FOR UPDATE) p) AS payments
    FROM (SELECT ${selectColumns(fundraisers)} FROM fundraisers WHERE id = $1 FOR UPDATE) f`,
)

/** The webhook's reads and writes under the fundraiser's row lock: SQL only, no state. */
export class SucceededPaymentRepository {
  /**
   * Locks the fundraiser for the rest of `tx` (as `FundraiserRepository.getForUpdate`) and reads the
   * donation with its payments oldest first (by `at`, then id); undefined fundraiser or donation when
   * there is none.
   */
  async lockWithDonation(tx: Db, fundraiserId: string, donationId: string): Promise<{ fundraiser?: FundraiserRow; donation?: DonationRow; payments: PaymentRow[] }> {
    const [row] = await runStatement<{ fundraiser: FundraiserRow; donation: DonationRow | null; payments: PaymentRow[] }>(tx, lockedForIntent, [fundraiserId, donationId])
    if (!row) return { payments: [] }
    return { fundraiser: row.fundraiser, donation: row.donation ?? undefined, payments: row.payments }
  }

  /**
   * Records the payment as paid, adds it to the donation (now counted) and the fundraiser, writes the batch's entries
   * and enqueues the job `job` gives (`enqueueInsert`'s parameters, or `NO_ENQUEUE`); 409 naming the first row that changed.
   */
  async record(tx: Db, { payment, donation, fundraiser }: SucceededPayment, audit: AuditBatch, job: readonly unknown[]): Promise<void> {
    const [updated] = await runStatement<{ payment: number; donation: number; fundraiser: number }>(tx, recordSucceeded, [
      payment.id,
      payment.matchFundingAmount,
      COLLECTION_CLAIM_PATTERN,
      payment.paymentIntentId,
      payment.expected.donationAmount,
      payment.expected.contributionAmount,
      payment.expected.matchFundingAmount,
      payment.expected.status,
      donation.id,
      donation.added.donationAmount,
      donation.added.contributionAmount,
      donation.added.matchFundingAmount,
      donation.expected.matchFundingAmount,
      donation.expected.donationCounted,
      donation.expected.donationAmount,
      donation.expected.giftAid,
      fundraiser.id,
      fundraiser.change.totalRaised,
      fundraiser.change.donationsCount ?? 0,
      fundraiser.change.takeFromPot ?? null,
      fundraiser.expected.potUnlimited ?? false,
      fundraiser.expected.matchFundingPerDonationLimit,
      ...auditParams(audit.context, audit.take()).params,
      ...job,
    ])
    for (const entity of ['payment', 'donation', 'fundraiser'] as const) expectUpdated(updated![entity] > 0 ? [entity] : [], entity)
  }
}
