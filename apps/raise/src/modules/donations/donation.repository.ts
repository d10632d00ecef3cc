import { and, desc, eq, type Database, type Db } from '@hearth/kernel'
import { donations, type DonationRow } from '../../db/schema.ts'

/** The columns the public view may show, and the flags that decide which of them it shows (§2.4). */
export interface PublicDonationRow {
  id: string
  createdAt: number
  comment: string | null
  donorName: string
  giftAid: boolean
  donationAmount: number
  matchFundingAmount: number
  recurringAmount: number | null
  recurrenceFrequency: string | null
  namePublic: boolean
  donationAmountPublic: boolean
}

// Plain SQL: the public view of a large fundraiser reads thousands of rows, and drizzle's row mapping
// of all 27 columns cost more than the query. PostgreSQL filters (public and counted, served by the
// partial index donations_public_idx) and orders (newest first: ULIDs sort by creation time). bigint
// columns come back as float8, which both drivers parse to a number (exact below 2^53), where int8
// would be a string.
const PUBLIC_DONATIONS_SQL = `
  SELECT id,
         created_at::float8 AS "createdAt",
         comment,
         donor_name AS "donorName",
         gift_aid AS "giftAid",
         donation_amount AS "donationAmount",
         match_funding_amount::float8 AS "matchFundingAmount",
         recurring_amount::float8 AS "recurringAmount",
         recurrence_frequency AS "recurrenceFrequency",
         name_public AS "namePublic",
         donation_amount_public AS "donationAmountPublic"
    FROM donations
   WHERE fundraiser_id = $1 AND overall_public AND donation_counted
   ORDER BY id DESC`

export const donationRepository = {
  listByFundraiser: (db: Db, fundraiserId: string): Promise<DonationRow[]> => db.select().from(donations).where(eq(donations.fundraiserId, fundraiserId)).orderBy(desc(donations.id)),
  /** The fundraiser's public (overallPublic and counted) donations, newest first, with only the columns §2.4 may show. */
  listPublicByFundraiser: (database: Pick<Database, 'query'>, fundraiserId: string): Promise<PublicDonationRow[]> => database.query<PublicDonationRow>(PUBLIC_DONATIONS_SQL, [fundraiserId]),
  async get(db: Db, fundraiserId: string, id: string): Promise<DonationRow | undefined> {
    return (
      await db
        .select()
        .from(donations)
        .where(and(eq(donations.fundraiserId, fundraiserId), eq(donations.id, id)))
    )[0]
  },
  async insert(db: Db, row: DonationRow): Promise<void> {
    await db.insert(donations).values(row)
  },
}
