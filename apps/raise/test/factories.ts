// Test data inserted through Raise's repositories (seeds/factories.ts), from the same defaults the
// endpoints use: a test names only the fields it is about.
import type { Db } from '@hearth/kernel'
import { Factories } from '../seeds/factories.ts'

export { Factories }

/** Donations default to a public, counted £10 donation matched £10, by `donor@example.com` to AMF. */
export function factories(db: Db): Factories {
  return new Factories(db, {
    donorName: 'Donor',
    donorEmail: 'donor@example.com',
    charity: 'AMF',
    donationAmount: 1000,
    matchFundingAmount: 1000,
    overallPublic: true,
    namePublic: true,
    donationAmountPublic: true,
    donationCounted: true,
  })
}
