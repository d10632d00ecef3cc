import type { Database } from '@hearth/kernel'

/** Demo accounts the start banner prints tokens for (development issuer). */
export const demoAccounts = [
  { label: 'admin (Robin)', firebaseId: 'demo-admin' },
  { label: 'moderator (Sam)', firebaseId: 'demo-moderator' },
  { label: 'user (Alex)', firebaseId: 'demo-user' },
  { label: 'new user (Jo)', firebaseId: 'demo-new-user' },
]

const users: [string, string, number, string][] = [
  ['Robin', 'demo-admin', 1, 'bear'],
  ['Sam', 'demo-moderator', 2, 'dog'],
  ['Alex', 'demo-user', 3, 'kitty'],
  ['Jo', 'demo-new-user', 4, 'kitty'],
  ['Mika', 'demo-blocked', 5, 'dog'],
]

const posts: [number, string][] = [
  [3, 'First week at the new job and I feel so out of place. Could use a hug.'],
  [2, 'My cat has been sick all week. Sending and asking for hugs!'],
  [3, 'Passed my driving test on the third try :)'],
  [4, 'Hi everyone, I just joined. Long day, a hug would be lovely.'],
  [1, 'Welcome to Send A Hug! Be kind, and hug freely.'],
  [2, 'Missing home a lot today.'],
]

/** A small, friendly data set for `npm start`: five people, a few posts, hugs, a thread, a filter. */
export async function loadDemoSeed(database: Database): Promise<void> {
  const q = <Row = Record<string, unknown>>(text: string, params?: unknown[]) => database.query<Row>(text, params)
  const ids: number[] = []
  for (const [name, firebaseId, role, icon] of users) {
    const release = role === 5 ? new Date(Date.now() + 7 * 86_400_000).toISOString() : null
    const [row] = await q<{ id: number }>(
      `INSERT INTO users (display_name, firebase_id, role_id, selected_character, release_date, login_count, email_verified, last_notifications_read)
       VALUES ($1, $2, $3, $4, $5, 1, $6, now()) RETURNING id`,
      [name, firebaseId, role, icon, release, role !== 4],
    )
    ids.push(row!.id)
  }
  const userId = (index: number) => ids[index - 1]!
  const start = Date.now() - posts.length * 3_600_000
  const postIds: number[] = []
  for (const [index, [author, text]] of posts.entries()) {
    const [row] = await q<{ id: number }>('INSERT INTO posts (user_id, text, date) VALUES ($1, $2, $3) RETURNING id', [userId(author), text, new Date(start + index * 3_600_000).toISOString()])
    postIds.push(row!.id)
  }
  // Robin and Sam hugged Alex's first post.
  await q('UPDATE posts SET given_hugs = 2, sent_hugs = ARRAY[$2::integer, $3::integer] WHERE id = $1', [postIds[0], userId(1), userId(2)])
  await q('UPDATE users SET received_hugs = 2 WHERE id = $1', [userId(3)])
  await q('UPDATE users SET given_hugs = 1 WHERE id = ANY($1::integer[])', [[userId(1), userId(2)]])
  for (const from of [1, 2]) {
    await q("INSERT INTO notifications (for_id, from_id, type, text, date) VALUES ($1, $2, 'hug', 'You got a hug', now())", [userId(3), userId(from)])
  }
  const [thread] = await q<{ id: number }>('INSERT INTO threads (user_1_id, user_2_id) VALUES ($1, $2) RETURNING id', [userId(2), userId(3)])
  await q("INSERT INTO messages (from_id, for_id, text, date, thread) VALUES ($1, $2, $3, now() - interval '1 hour', $4), ($2, $1, $5, now(), $4)", [
    userId(2),
    userId(3),
    'Hang in there, the first week is always the hardest!',
    thread!.id,
    'Thank you, that means a lot.',
  ])
  await q("INSERT INTO notifications (for_id, from_id, type, text, date) VALUES ($1, $2, 'message', 'You have a new message', now())", [userId(3), userId(2)])
  await q("INSERT INTO filters (filter) VALUES ('idiot')")
}
