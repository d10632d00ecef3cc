import type { Database, Db } from '@hearth/kernel'
import type { Container } from '../src/container.ts'
import { cuid, shareCode } from '../src/ids.ts'

/**
 * The one way seeds and tests insert rows: through the repositories, with explicit values where a
 * fixture fixes them (uids, timestamps) and generated ones otherwise.
 */
export interface SellerFixture {
  uid?: string
  extUid: string
  business: string
  role?: string
  createdAt?: string
}

export interface CustomerFixture {
  uid?: string
  extUid?: string
  name1: string
  name2?: string | null
  lastName1?: string | null
  lastName2?: string | null
  phone?: string | null
  email?: string | null
  /** The seller's `User.uid`. */
  customerOf: string
  createdAt?: string
  createdBy?: string | null
}

export interface PriceFixture {
  uid?: string
  amount: number
  currency?: string
  type?: string
}

export interface ItemFixture {
  uid?: string
  code?: string | null
  quantity?: number | null
  description?: string | null
  provider?: string | null
  pricing?: PriceFixture[]
}

export interface OrderFixture {
  uid?: string
  name: string
  stage?: 'OPEN' | 'WON' | 'CLOSED' | 'IN_PROCESS'
  /** `Bp.uid` and `User.uid`. */
  issuedTo: string
  assignedTo: string
  createdAt?: string
  createdBy?: string | null
  updatedAt?: string | null
  updatedBy?: string | null
  items?: ItemFixture[]
}

export interface PromotionFixture {
  uid?: string
  code: string
  name: string
  start?: string | null
  end?: string | null
  category?: string | null
  content?: string | null
  assignedTo: string
  createdAt?: string
  createdBy?: string | null
}

export interface PublicationFixture {
  uid?: string
  type?: string
  status?: string | null
  delay?: number | null
  publishAt?: string | null
  promotion: string
  createdAt?: string
  createdBy?: string | null
  updatedAt?: string | null
  updatedBy?: string | null
}

const at = (value: string | null | undefined) => (value ? new Date(value) : new Date())

export class GomFactory {
  constructor(
    private readonly db: Db,
    private readonly repositories: Container['repositories'],
  ) {}

  async seller(fixture: SellerFixture): Promise<string> {
    const uid = fixture.uid ?? cuid()
    const created = at(fixture.createdAt)
    await this.repositories.users.insert(this.db, { uid, extUid: fixture.extUid, business: fixture.business, role: fixture.role ?? 'seller', createdAt: created, updatedAt: created })
    return uid
  }

  async customer(fixture: CustomerFixture): Promise<string> {
    const created = at(fixture.createdAt)
    const row = await this.repositories.bps.insert(
      this.db,
      {
        uid: fixture.uid ?? cuid(),
        extUid: fixture.extUid ?? shareCode(),
        name1: fixture.name1,
        name2: fixture.name2 ?? null,
        lastName1: fixture.lastName1 ?? null,
        lastName2: fixture.lastName2 ?? null,
        phone: fixture.phone ?? null,
        email: fixture.email ?? null,
        createdAt: created,
        updatedAt: created,
        createdBy: fixture.createdBy ?? null,
        updatedBy: null,
      },
      [fixture.customerOf],
    )
    return row.uid
  }

  /** An order with its items and their prices; items and prices share the order's creation audit. */
  async order(fixture: OrderFixture): Promise<string> {
    const created = at(fixture.createdAt)
    const updated = fixture.updatedAt ? new Date(fixture.updatedAt) : created
    const audit = { createdAt: created, updatedAt: created, createdBy: fixture.createdBy ?? null, updatedBy: null }
    const order = await this.repositories.orders.insert(this.db, {
      uid: fixture.uid ?? cuid(),
      name: fixture.name,
      stage: fixture.stage ?? 'OPEN',
      issuedToUid: fixture.issuedTo,
      assignedToUid: fixture.assignedTo,
      createdAt: created,
      updatedAt: updated,
      createdBy: fixture.createdBy ?? null,
      updatedBy: fixture.updatedBy ?? null,
    })
    const items = (fixture.items ?? []).map((item) => ({ ...item, uid: item.uid ?? cuid() }))
    await this.repositories.orders.insertItems(
      this.db,
      items.map((item) => ({
        uid: item.uid,
        orderUid: order.uid,
        code: item.code ?? null,
        quantity: item.quantity ?? null,
        description: item.description ?? null,
        provider: item.provider ?? null,
        ...audit,
      })),
    )
    await this.repositories.orders.insertPrices(
      this.db,
      items.flatMap((item) =>
        (item.pricing ?? []).map((price) => ({ uid: price.uid ?? cuid(), itemUid: item.uid, amount: price.amount, currency: price.currency ?? 'MXN', type: price.type ?? 'GENERAL', ...audit })),
      ),
    )
    return order.uid
  }

  async promotion(fixture: PromotionFixture): Promise<string> {
    const created = at(fixture.createdAt)
    return this.repositories.promotions.insert(this.db, {
      uid: fixture.uid ?? cuid(),
      code: fixture.code,
      name: fixture.name,
      start: fixture.start ? new Date(fixture.start) : null,
      end: fixture.end ? new Date(fixture.end) : null,
      category: fixture.category ?? null,
      content: fixture.content ?? null,
      assignedToUid: fixture.assignedTo,
      createdAt: created,
      updatedAt: created,
      createdBy: fixture.createdBy ?? null,
      updatedBy: null,
    })
  }

  async publication(fixture: PublicationFixture): Promise<string> {
    const created = at(fixture.createdAt)
    const row = await this.repositories.publications.insert(this.db, {
      uid: fixture.uid ?? cuid(),
      type: fixture.type ?? 'NOTIFICATION',
      status: fixture.status ?? null,
      delay: fixture.delay ?? null,
      publishAt: fixture.publishAt ? new Date(fixture.publishAt) : null,
      promotionUid: fixture.promotion,
      createdAt: created,
      updatedAt: fixture.updatedAt ? new Date(fixture.updatedAt) : created,
      createdBy: fixture.createdBy ?? null,
      updatedBy: fixture.updatedBy ?? null,
    })
    return row.uid
  }
}

/** Seeds run in one transaction: a half-loaded seed never stays behind. */
export async function withFactory(database: Database, container: Pick<Container, 'repositories'>, load: (factory: GomFactory) => Promise<void>): Promise<void> {
  await database.transaction((tx) => load(new GomFactory(tx, container.repositories)))
}

export async function isEmpty(database: Database): Promise<boolean> {
  return (await database.query('SELECT 1 FROM users LIMIT 1')).length === 0
}
