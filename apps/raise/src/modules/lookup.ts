import { errors, type Database, type Db } from '@hearth/kernel'
import type { DonationRow, FundraiserRow } from '../db/schema.ts'
import type { FundraiserRepository } from './fundraisers/fundraiser.repository.ts'
import type { DonationRepository } from './donations/donation.repository.ts'

/** Finds a fundraiser and one of its donations, or 404 in the original's words. */
export class Lookup {
  constructor(
    private readonly database: Database,
    private readonly fundraisers: FundraiserRepository,
    private readonly donations: DonationRepository,
  ) {}

  async fundraiser(id: string): Promise<FundraiserRow> {
    const fundraiser = await this.fundraisers.get(this.database.db, id)
    if (!fundraiser) throw errors.notFound('fundraiser not found')
    return fundraiser
  }

  async donation(fundraiserId: string, id: string, db: Db = this.database.db): Promise<DonationRow> {
    const donation = await this.donations.get(db, fundraiserId, id)
    if (!donation) throw errors.notFound('donation not found')
    return donation
  }
}
