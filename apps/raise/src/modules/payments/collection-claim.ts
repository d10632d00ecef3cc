/**
 * While the daily collection charges a scheduled card payment, the payment's `reference` holds a
 * claim, `collecting:<unix seconds>`, taken in one short statement before Stripe is called and
 * replaced by the PaymentIntent's id after. No transaction or row lock is held during the call, yet:
 *
 * - a second run cannot claim it (the claim needs `reference IS NULL`), so one run charges it;
 * - a cancellation is refused (409) as it is for a charged payment: money may be on its way;
 * - the webhook, which may arrive before the id is saved, treats a claim as "no reference yet";
 * - a decline gives the claim back, so the next run tries again;
 * - a claim left by a run that died mid-call expires after `CLAIM_EXPIRY_SECONDS`; the run that takes
 *   it over uses the same idempotency key (the payment id), so within Stripe's 24-hour window it gets
 *   the same PaymentIntent instead of a second charge.
 */
const PREFIX = 'collecting:'

export const CLAIM_EXPIRY_SECONDS = 3600

export const collectionClaim = (nowSeconds: number): string => `${PREFIX}${nowSeconds}`

export const isCollectionClaim = (reference: string | null | undefined): boolean => reference?.startsWith(PREFIX) ?? false

/** `LIKE` pattern matching any claim. */
export const COLLECTION_CLAIM_PATTERN = `${PREFIX}%`
