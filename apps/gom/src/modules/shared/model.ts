/**
 * The Prisma 1 datamodel (spec §1) as metadata: which GraphQL field is which SQL column, and how
 * each relation joins. The `where` translator, `orderBy`, the row mappers and the generated filter
 * SDL (`graphql/filters.ts`) all read this one description, so a filter field and its column
 * cannot drift apart.
 */
export type ModelName = 'Bp' | 'User' | 'Order' | 'Item' | 'Price' | 'Promotion' | 'Publication'

export type ScalarKind = 'ID' | 'String' | 'Float' | 'Int' | 'DateTime' | 'Enum'

export interface ScalarField {
  kind: ScalarKind
  column: string
  /** The GraphQL enum, for `Enum` fields. */
  enumName?: string
}

/**
 * How a relation reaches its target rows:
 * - `own`: this row holds the foreign key (`orders.issued_to_uid` → `bps.uid`);
 * - `theirs`: the target rows hold a key to this row (`orders.issued_to_uid` for `Bp.orders`);
 * - `join`: a join table (`customer_of(bp_uid, user_uid)`).
 */
export type Link = { type: 'own'; column: string } | { type: 'theirs'; column: string } | { type: 'join'; table: string; self: string; other: string }

export interface RelationField {
  target: ModelName
  many: boolean
  link: Link
}

export interface Model {
  name: ModelName
  table: string
  scalars: Record<string, ScalarField>
  relations: Record<string, RelationField>
}

const audit: Record<string, ScalarField> = {
  createdAt: { kind: 'DateTime', column: 'created_at' },
  updatedAt: { kind: 'DateTime', column: 'updated_at' },
  createdBy: { kind: 'String', column: 'created_by' },
  updatedBy: { kind: 'String', column: 'updated_by' },
}

export const MODELS: Record<ModelName, Model> = {
  Bp: {
    name: 'Bp',
    table: 'bps',
    scalars: {
      uid: { kind: 'ID', column: 'uid' },
      extUid: { kind: 'ID', column: 'ext_uid' },
      name1: { kind: 'String', column: 'name1' },
      name2: { kind: 'String', column: 'name2' },
      lastName1: { kind: 'String', column: 'last_name1' },
      lastName2: { kind: 'String', column: 'last_name2' },
      phone: { kind: 'String', column: 'phone' },
      email: { kind: 'String', column: 'email' },
      ...audit,
    },
    relations: {
      orders: { target: 'Order', many: true, link: { type: 'theirs', column: 'issued_to_uid' } },
      customerOf: { target: 'User', many: true, link: { type: 'join', table: 'customer_of', self: 'bp_uid', other: 'user_uid' } },
    },
  },
  User: {
    name: 'User',
    table: 'users',
    scalars: {
      uid: { kind: 'ID', column: 'uid' },
      extUid: { kind: 'String', column: 'ext_uid' },
      business: { kind: 'String', column: 'business' },
      role: { kind: 'String', column: 'role' },
      createdAt: audit.createdAt!,
      updatedAt: audit.updatedAt!,
    },
    relations: {
      orders: { target: 'Order', many: true, link: { type: 'theirs', column: 'assigned_to_uid' } },
      promotions: { target: 'Promotion', many: true, link: { type: 'theirs', column: 'assigned_to_uid' } },
      customers: { target: 'Bp', many: true, link: { type: 'join', table: 'customer_of', self: 'user_uid', other: 'bp_uid' } },
    },
  },
  Order: {
    name: 'Order',
    table: 'orders',
    scalars: {
      uid: { kind: 'ID', column: 'uid' },
      name: { kind: 'String', column: 'name' },
      stage: { kind: 'Enum', column: 'stage', enumName: 'OrderStage' },
      ...audit,
    },
    relations: {
      issuedTo: { target: 'Bp', many: false, link: { type: 'own', column: 'issued_to_uid' } },
      assignedTo: { target: 'User', many: false, link: { type: 'own', column: 'assigned_to_uid' } },
      items: { target: 'Item', many: true, link: { type: 'theirs', column: 'order_uid' } },
      promotions: { target: 'Promotion', many: true, link: { type: 'join', table: 'order_promotions', self: 'order_uid', other: 'promotion_uid' } },
    },
  },
  Item: {
    name: 'Item',
    table: 'items',
    scalars: {
      uid: { kind: 'ID', column: 'uid' },
      code: { kind: 'String', column: 'code' },
      quantity: { kind: 'Float', column: 'quantity' },
      description: { kind: 'String', column: 'description' },
      provider: { kind: 'String', column: 'provider' },
      ...audit,
    },
    relations: {
      order: { target: 'Order', many: false, link: { type: 'own', column: 'order_uid' } },
      pricing: { target: 'Price', many: true, link: { type: 'theirs', column: 'item_uid' } },
    },
  },
  Price: {
    name: 'Price',
    table: 'prices',
    scalars: {
      uid: { kind: 'ID', column: 'uid' },
      type: { kind: 'Enum', column: 'type', enumName: 'PriceType' },
      amount: { kind: 'Float', column: 'amount' },
      currency: { kind: 'Enum', column: 'currency', enumName: 'Currency' },
      ...audit,
    },
    relations: {
      item: { target: 'Item', many: false, link: { type: 'own', column: 'item_uid' } },
    },
  },
  Promotion: {
    name: 'Promotion',
    table: 'promotions',
    scalars: {
      uid: { kind: 'ID', column: 'uid' },
      code: { kind: 'String', column: 'code' },
      name: { kind: 'String', column: 'name' },
      start: { kind: 'DateTime', column: 'start' },
      end: { kind: 'DateTime', column: 'end' },
      category: { kind: 'String', column: 'category' },
      content: { kind: 'String', column: 'content' },
      ...audit,
    },
    relations: {
      assignedTo: { target: 'User', many: false, link: { type: 'own', column: 'assigned_to_uid' } },
      publications: { target: 'Publication', many: true, link: { type: 'theirs', column: 'promotion_uid' } },
      orders: { target: 'Order', many: true, link: { type: 'join', table: 'order_promotions', self: 'promotion_uid', other: 'order_uid' } },
    },
  },
  Publication: {
    name: 'Publication',
    table: 'publications',
    scalars: {
      uid: { kind: 'ID', column: 'uid' },
      type: { kind: 'Enum', column: 'type', enumName: 'PublicationType' },
      status: { kind: 'Enum', column: 'status', enumName: 'PublicationStatus' },
      delay: { kind: 'Int', column: 'delay' },
      publishAt: { kind: 'DateTime', column: 'publish_at' },
      ...audit,
    },
    relations: {
      promotion: { target: 'Promotion', many: false, link: { type: 'own', column: 'promotion_uid' } },
    },
  },
}

export const ENUMS: Record<string, readonly string[]> = {
  OrderStage: ['OPEN', 'WON', 'CLOSED', 'IN_PROCESS'],
  PriceType: ['GENERAL'],
  Currency: ['MXN'],
  PublicationType: ['NOTIFICATION'],
  PublicationStatus: ['DELIVERED', 'WAITING', 'FAILED'],
}

/** The foreign-key columns a row keeps besides its scalars (to resolve its to-one relations). */
export function ownKeyColumns(model: Model): { field: string; column: string }[] {
  return Object.entries(model.relations).flatMap(([field, relation]) => (relation.link.type === 'own' ? [{ field, column: relation.link.column }] : []))
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`
