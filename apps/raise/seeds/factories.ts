// Rows inserted through Raise's own repositories, starting from the defaults every new row gets
// (src/db/defaults.ts): the demo and QA seeds use these, and so do the tests (test/factories.ts).
import type { Db } from '@hearth/kernel'
import type { DonationRow, FundraiserRow, GroupRow, PaymentRow, UserRow } from '../src/db/schema.ts'
import { newDonationRow, newFundraiserRow, newPaymentRow } from '../src/db/defaults.ts'
import { ulid } from '@hearth/kernel/audit'
import { FundraiserRepository } from '../src/modules/fundraisers/fundraiser.repository.ts'
import { DonationRepository } from '../src/modules/donations/donation.repository.ts'
import { PaymentRepository } from '../src/modules/payments/payment.repository.ts'
import { GroupRepository } from '../src/modules/groups/group.repository.ts'
import { UserRepository } from '../src/modules/users/user.repository.ts'

/** Security training done at the end of year 9999: never out of date. */
export const NEVER_EXPIRES = 253402300799

export class Factories {
  private readonly repositories = {
    fundraisers: new FundraiserRepository(),
    donations: new DonationRepository(),
    payments: new PaymentRepository(),
    groups: new GroupRepository(),
    users: new UserRepository(),
  }

  constructor(
    private readonly db: Db,
    /** What a donation holds unless told otherwise, on top of the admin endpoint's defaults. */
    private readonly donationDefaults: Partial<DonationRow> = {},
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async fundraiser(fields: Partial<FundraiserRow> = {}): Promise<FundraiserRow> {
    const row = newFundraiserRow(this.now(), fields)
    await this.repositories.fundraisers.insert(this.db, row)
    return row
  }

  async donation(fundraiserId: string, fields: Partial<DonationRow> = {}): Promise<DonationRow> {
    const row = newDonationRow(fundraiserId, this.now(), { ...this.donationDefaults, ...fields })
    await this.repositories.donations.insert(this.db, row)
    return row
  }

  async payments(donation: Pick<DonationRow, 'id' | 'fundraiserId'>, rows: Partial<PaymentRow>[]): Promise<PaymentRow[]> {
    const payments = rows.map((fields) => newPaymentRow(donation, fields.at ?? this.now(), fields))
    await this.repositories.payments.insert(this.db, payments)
    return payments
  }

  async group(fields: Partial<GroupRow> & Pick<GroupRow, 'name'>): Promise<GroupRow> {
    const row = { id: ulid(), ...fields }
    await this.repositories.groups.insert(this.db, row)
    return row
  }

  async user(fields: Partial<UserRow> & Pick<UserRow, 'email'>): Promise<UserRow> {
    const row: UserRow = { id: ulid(), name: fields.email, groups: [], securityTrainingCompletedAt: NEVER_EXPIRES, sendAccountCreationEmail: null, ...fields }
    await this.repositories.users.insert(this.db, row)
    return row
  }
}
