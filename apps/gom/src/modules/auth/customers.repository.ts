import { asc, eq } from 'drizzle-orm'
import type { Db } from '@hearth/kernel'
import { bps, customerOf, users } from '../../db/schema.ts'
import type { CustomerLogin } from './tokens.ts'

/** The reads the phone grant and `GET /auth/bp` need: a Bp by share code, with its first seller. */
export class CustomerLoginRepository {
  async findByShareCode(db: Db, shareCode: string): Promise<CustomerLogin | undefined> {
    const rows = await db
      .select({
        uid: bps.uid,
        extUid: bps.extUid,
        name1: bps.name1,
        lastName1: bps.lastName1,
        phone: bps.phone,
        sellerExtUid: users.extUid,
        business: users.business,
      })
      .from(bps)
      .leftJoin(customerOf, eq(customerOf.bpUid, bps.uid))
      .leftJoin(users, eq(users.uid, customerOf.userUid))
      .where(eq(bps.extUid, shareCode))
      .orderBy(asc(users.createdAt), asc(users.uid))
      .limit(1)
    const row = rows[0]
    if (!row || row.extUid === null) return undefined
    return {
      uid: row.uid,
      extUid: row.extUid,
      name1: row.name1,
      lastName1: row.lastName1,
      phone: row.phone,
      seller: row.business === null ? undefined : { extUid: row.sellerExtUid, business: row.business },
    }
  }
}
