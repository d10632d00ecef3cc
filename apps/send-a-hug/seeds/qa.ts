import type { Database } from '@hearth/kernel'

/**
 * The QA seed (spec §6.3): the conformance fixture of the original's test suite. Loaded into a
 * freshly migrated schema (`POST /qa/seedDatabase` resets first), with the original's ids.
 */
const colours = '{"character":"#ba9f93","lbg":"#e2a275","rbg":"#f8eee4","item":"#f4b56a"}'
const stale = '2020-10-30 18:13:21.282'
const read = '2020-11-01 10:00:00'

// id, name, firebase, role, received, given, logins, release, autoRefresh, rate, emailVerified, lastRead
const users: [number, string, string, number, number, number, number, string | null, boolean, number, boolean, string | null][] = [
  [1, 'shirb', 'abcd', 3, 12, 2, 60, null, false, 0, true, null],
  [4, 'user14', 'ijkl', 1, 106, 117, 55, stale, true, 20, true, read],
  [5, 'user52', 'efgh', 2, 2, 0, 7, null, false, 0, true, null],
  [9, 'user93', 'zxy', 1, 0, 1, 2, null, false, 0, true, null],
  [20, 'user24', 'twg', 5, 0, 0, 4, '2120-08-11 08:33:22.473', false, 0, true, read],
  [21, 'admin', 'xApCskkEtwVhZubFJbNt7u73zzs2', 1, 106, 117, 55, stale, true, 20, false, read],
  [22, 'newUser', '123456', 4, 0, 0, 55, stale, false, 20, false, read],
]

// id, author, text, date, givenHugs
const posts: [number, number, string, string, number][] = [
  [1, 1, 'test', '2020-06-01 15:05:01.966', 2],
  [2, 1, 'test', '2020-06-01 15:10:59.898', 2],
  [4, 1, 'test', '2020-06-01 15:17:56.294', 2],
  [6, 1, 'testing', '2020-06-01 15:19:41.25', 1],
  [7, 1, 'testing #2', '2020-06-01 15:20:11.927', 1],
  [9, 1, 'leeeeeee b :))', '2020-06-03 07:11:40.421', 1],
  [10, 1, 'cutie baby lee', '2020-06-04 07:56:09.791', 1],
  [11, 1, 'baby lee :))', '2020-06-04 08:15:50.811', 2],
  [12, 5, 'new user', '2020-06-08 14:07:25.297', 1],
  [13, 5, '2nd post', '2020-06-08 14:30:58.88', 1],
  [22, 4, 'testing service worker', '2020-06-27 10:31:24.915', 1],
  [23, 4, 'post', '2020-06-27 19:17:31.072', 2],
  [25, 4, 'for report', '2020-07-06 08:02:02.184', 67],
  [26, 4, 'testing new design', '2020-07-13 18:40:34.806', 1],
  [28, 4, 'testing2', '2020-07-13 18:43:51.255', 9],
  [30, 4, 'hello :)', '2020-07-18 12:11:39.65', 24],
  [35, 4, 'testing new rule', '2020-10-24 12:19:24.199', 1],
  [36, 4, 'post', '2020-10-31 14:00:58.851', 1],
  [38, 4, 'test', '2020-10-31 14:46:11.378', 1],
  [39, 4, 'testing', '2020-10-31 14:59:05.703', 1],
  [42, 4, 'test 2', '2020-10-31 15:09:50.26', 1],
  [43, 4, 'test button', '2020-10-31 15:20:45.636', 0],
  [44, 4, 'button', '2020-10-31 15:25:18.172', 0],
  [45, 4, 'button 2', '2020-10-31 15:26:48.043', 0],
]

const threads: [number, number, number][] = [
  [1, 1, 1],
  [2, 1, 5],
  [3, 1, 4],
  [4, 4, 5],
  [6, 9, 5],
  [7, 20, 4],
  [8, 20, 1],
]

// id, from, for, thread, fromDeleted, forDeleted, date
const messages: [number, number, number, number, boolean, boolean, string][] = [
  [1, 1, 1, 1, false, false, '2020-06-02 10:00:00.123'],
  [3, 5, 1, 2, false, false, '2020-06-09 08:15:23.641'],
  [5, 4, 5, 4, true, false, '2020-06-10 12:01:45.302'],
  [7, 1, 5, 2, false, false, '2020-06-12 19:40:02.919'],
  [8, 5, 4, 4, true, true, '2020-06-15 09:30:11.007'],
  [9, 4, 1, 3, false, false, '2020-06-20 16:22:33.554'],
  [10, 4, 1, 3, false, true, '2020-06-25 11:11:11.111'],
  [16, 9, 5, 6, false, false, '2020-07-02 14:05:55.870'],
  [21, 4, 1, 3, false, false, '2020-07-10 08:45:00.333'],
  [22, 4, 1, 3, false, false, '2020-07-14 20:12:40.250'],
  [23, 4, 5, 4, true, false, '2020-08-01 13:33:13.313'],
  [24, 4, 5, 4, true, false, '2020-08-03 07:07:07.707'],
  [25, 20, 4, 7, false, false, '2020-10-02 18:18:18.181'],
  [26, 20, 1, 8, true, true, '2020-11-03 12:00:00.001'],
]

function reportRows() {
  const rows: [number, string, number, number | null, number, string, string, boolean, boolean][] = []
  const postTargets: [number | null, number][] = [
    [9, 1],
    [11, 1],
    [25, 4],
    [28, 4],
    [null, 4],
  ]
  for (let id = 1; id <= 44; id += 1) {
    const date = new Date(Date.UTC(2020, 5, 1, 10, 0, 0) + id * 86_400_000 * 3).toISOString().replace('T', ' ').replace('Z', '')
    if (id === 6 || id === 7 || id === 35) {
      rows.push([id, 'User', 5, null, id % 2 === 0 ? 1 : 4, 'user is rude', date, false, true])
    } else {
      const [postId, userId] = postTargets[id % postTargets.length]!
      rows.push([id, 'Post', userId, postId, userId === 1 ? 4 : 1, 'inappropriate post', date, id % 3 === 0, true])
    }
  }
  return rows
}

function notificationRows() {
  const rows: [number, number, number, string, string, string, boolean][] = []
  const add = (id: number, forId: number, fromId: number, isRead: boolean) => {
    const message = id >= 92
    const date = new Date(Date.UTC(2020, 5, 1, 9, 0, 0) + id * 3_600_000 * 37).toISOString().replace('T', ' ').replace('Z', '')
    rows.push([id, forId, fromId, message ? 'message' : 'hug', message ? 'You have a new message' : 'You got a hug', date, isRead])
  }
  for (const id of [1, 2, 3, 4, 5, 6, 7, 41, 42, 43]) add(id, 4, 1, true)
  for (const id of [44, 45, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61]) add(id, 4, id % 2 === 0 ? 1 : 5, false)
  add(94, 4, 20, false)
  for (const id of [46, 70, 71, 74, 75, 76, 77, 78, 81, 86, 95]) add(id, 1, 4, false)
  for (const id of [73, 80, 92, 93]) add(id, 5, 4, false)
  return rows.sort((a, b) => a[0] - b[0])
}

/** One multi-row INSERT per table (the QA suite reseeds before every test, so this stays quick). */
async function insertRows(database: Database, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return
  const params: unknown[] = []
  const values = rows.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`)
  await database.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, params)
}

export async function loadQaSeed(database: Database): Promise<void> {
  // The test seed variant of role 4 ("new user") may report (spec §3.2).
  await database.query('INSERT INTO roles_permissions_map (role_id, permission_id) VALUES (4, 8) ON CONFLICT DO NOTHING')
  await insertRows(
    database,
    'filters',
    ['id', 'filter'],
    [
      [1, 'filtered_word_1'],
      [2, 'filtered_word_2'],
    ],
  )
  await insertRows(
    database,
    'users',
    [
      'id',
      'display_name',
      'firebase_id',
      'role_id',
      'received_hugs',
      'given_hugs',
      'login_count',
      'release_date',
      'auto_refresh',
      'refresh_rate',
      'email_verified',
      'last_notifications_read',
      'push_enabled',
      'selected_character',
      'icon_colours',
    ],
    users.map((row) => [...row, false, 'kitty', colours]),
  )
  await insertRows(
    database,
    'posts',
    ['id', 'user_id', 'text', 'date', 'given_hugs', 'sent_hugs'],
    posts.map(([id, author, text, date, hugs]) => [id, author, text, date, hugs, id >= 43 ? [] : [4]]),
  )
  await insertRows(database, 'threads', ['id', 'user_1_id', 'user_2_id'], threads)
  await insertRows(
    database,
    'messages',
    ['id', 'from_id', 'for_id', 'text', 'date', 'thread', 'from_deleted', 'for_deleted'],
    messages.map(([id, from, to, thread, fromDeleted, forDeleted, date]) => [id, from, to, `message ${id}`, date, thread, fromDeleted, forDeleted]),
  )
  await insertRows(database, 'reports', ['id', 'type', 'user_id', 'post_id', 'reporter', 'report_reason', 'date', 'dismissed', 'closed'], reportRows())
  await insertRows(database, 'notifications', ['id', 'for_id', 'from_id', 'type', 'text', 'date', 'read'], notificationRows())
  const subscription = JSON.stringify({ endpoint: 'https://fcm.googleapis.com/fcm/send/epyhl2GD', expirationTime: null, keys: { p256dh: 'fdsfd', auth: 'dfs' } })
  await insertRows(
    database,
    'subscriptions',
    ['id', '"user"', 'endpoint', 'subscription_data'],
    [1, 5, 4].map((user, index) => [index + 1, user, 'https://fcm.googleapis.com/fcm/send/epyhl2GD', subscription]),
  )
  // Next ids as the original's fixture leaves them.
  for (const [table, next] of [
    ['users', 23],
    ['posts', 46],
    ['messages', 27],
    ['threads', 9],
    ['reports', 45],
    ['notifications', 96],
    ['subscriptions', 4],
    ['filters', 3],
  ] as const) {
    await database.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), ${next - 1})`)
  }
}
