// Send A Hug's tables, as the original's final Alembic revision left them (spec §1), plus two
// columns the hot reads need: `posts.open_reports` and the one-row `post_totals`, both kept up to
// date by triggers (migration 0000), so the public post lists and their page counts are index reads.
import { sql } from 'drizzle-orm'
import { boolean, index, integer, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core'

export const DEFAULT_ICON_COLOURS = '{"character":"#BA9F93","lbg":"#e2a275","rbg":"#f8eee4","item":"#f4b56a"}'

export const permissions = pgTable('permissions', {
  id: serial('id').primaryKey(),
  permission: varchar('permission').notNull(),
  description: varchar('description'),
})

export const roles = pgTable('roles', {
  id: serial('id').primaryKey(),
  name: varchar('name').notNull(),
})

export const rolesPermissionsMap = pgTable(
  'roles_permissions_map',
  {
    roleId: integer('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    permissionId: integer('permission_id')
      .notNull()
      .references(() => permissions.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
  },
  (table) => [primaryKey({ columns: [table.roleId, table.permissionId] })],
)

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    displayName: varchar('display_name', { length: 60 }).notNull(),
    receivedHugs: integer('received_hugs').notNull().default(0),
    givenHugs: integer('given_hugs').notNull().default(0),
    loginCount: integer('login_count').default(1),
    roleId: integer('role_id')
      .default(4)
      .references(() => roles.id, { onDelete: 'set null', onUpdate: 'cascade' }),
    releaseDate: timestamp('release_date', { mode: 'date', precision: 6 }),
    lastNotificationsRead: timestamp('last_notifications_read', { mode: 'date', precision: 6 }),
    autoRefresh: boolean('auto_refresh').default(false),
    refreshRate: integer('refresh_rate').default(20),
    pushEnabled: boolean('push_enabled').default(false),
    selectedCharacter: varchar('selected_character', { length: 6 }).default('kitty'),
    iconColours: varchar('icon_colours').default(DEFAULT_ICON_COLOURS),
    firebaseId: varchar('firebase_id', { length: 50 }).notNull(),
    emailVerified: boolean('email_verified').notNull().default(false),
  },
  (table) => [
    uniqueIndex('firebase_id_uq').on(table.firebaseId),
    index('users_blocked_release_idx')
      .on(table.releaseDate, table.id)
      .where(sql`${table.roleId} = 5`),
  ],
)

export const posts = pgTable(
  'posts',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    text: varchar('text', { length: 480 }).notNull(),
    date: timestamp('date', { mode: 'date', precision: 6 }),
    givenHugs: integer('given_hugs').notNull().default(0),
    sentHugs: integer('sent_hugs')
      .array()
      .default(sql`'{}'::integer[]`),
    /** Number of open reports on this post (trigger-maintained); > 0 hides it from public lists. */
    openReports: integer('open_reports').notNull().default(0),
  },
  (table) => [
    index('posts_user_date_idx').on(table.userId, table.date, table.id),
    index('posts_visible_new_idx')
      .on(table.date.desc(), table.id.desc())
      .where(sql`${table.openReports} = 0`),
    index('posts_visible_suggested_idx')
      .on(table.givenHugs, table.date, table.id)
      .where(sql`${table.openReports} = 0`),
  ],
)

/** One row (id 1): how many posts have no open report, for the public lists' page counts. */
export const postTotals = pgTable('post_totals', {
  id: integer('id').primaryKey(),
  visible: integer('visible').notNull().default(0),
})

export const threads = pgTable(
  'threads',
  {
    id: serial('id').primaryKey(),
    user1Id: integer('user_1_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    user2Id: integer('user_2_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
  },
  (table) => [index('threads_user_1_idx').on(table.user1Id, table.user2Id), index('threads_user_2_idx').on(table.user2Id, table.user1Id)],
)

export const messages = pgTable(
  'messages',
  {
    id: serial('id').primaryKey(),
    fromId: integer('from_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    forId: integer('for_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    text: varchar('text', { length: 480 }).notNull(),
    date: timestamp('date', { mode: 'date', precision: 6 }),
    thread: integer('thread')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    fromDeleted: boolean('from_deleted').notNull().default(false),
    forDeleted: boolean('for_deleted').notNull().default(false),
  },
  (table) => [index('messages_for_date_idx').on(table.forId, table.date), index('messages_from_date_idx').on(table.fromId, table.date), index('messages_thread_date_idx').on(table.thread, table.date)],
)

export const reports = pgTable(
  'reports',
  {
    id: serial('id').primaryKey(),
    type: varchar('type', { length: 10 }).notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    postId: integer('post_id').references(() => posts.id, { onDelete: 'set null', onUpdate: 'cascade' }),
    reporter: integer('reporter')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    reportReason: varchar('report_reason', { length: 120 }).notNull(),
    date: timestamp('date', { mode: 'date', precision: 6 }),
    dismissed: boolean('dismissed').notNull().default(false),
    closed: boolean('closed').notNull().default(false),
  },
  (table) => [
    index('reports_open_type_date_idx')
      .on(table.type, table.date, table.id)
      .where(sql`${table.closed} = false`),
    index('reports_open_post_idx')
      .on(table.postId)
      .where(sql`${table.closed} = false`),
  ],
)

export const notifications = pgTable(
  'notifications',
  {
    id: serial('id').primaryKey(),
    forId: integer('for_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    fromId: integer('from_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    type: varchar('type').notNull(),
    text: varchar('text').notNull(),
    date: timestamp('date', { mode: 'date', precision: 6 }).notNull(),
    read: boolean('read').notNull().default(false),
  },
  (table) => [
    index('notifications_for_date_idx').on(table.forId, table.date),
    index('notifications_unread_idx')
      .on(table.forId)
      .where(sql`${table.read} = false`),
  ],
)

export const subscriptions = pgTable(
  'subscriptions',
  {
    id: serial('id').primaryKey(),
    user: integer('user')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    endpoint: varchar('endpoint').notNull(),
    subscriptionData: text('subscription_data').notNull(),
  },
  (table) => [index('subscriptions_user_idx').on(table.user)],
)

export const filters = pgTable('filters', {
  id: serial('id').primaryKey(),
  filter: varchar('filter').notNull(),
})
