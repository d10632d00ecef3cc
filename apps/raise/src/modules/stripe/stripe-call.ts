import { HearthError } from '@hearth/kernel'

/**
 * A failed Stripe call is our internal error (500, "An internal error occurred"), never the
 * Stripe error's status and message passed through to the caller.
 */
export async function stripeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw Object.assign(new HearthError('STRIPE_FAILED', `Stripe request failed: ${reason}`, 500), { cause: error })
  }
}
