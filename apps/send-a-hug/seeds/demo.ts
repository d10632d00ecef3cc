import type { Database } from '@hearth/kernel'
import { FiltersRepository } from '../src/modules/filters/filters.repository.ts'
import { MessagesRepository } from '../src/modules/messages/messages.repository.ts'
import { NotificationsRepository } from '../src/modules/notifications/notifications.repository.ts'
import { PostsRepository } from '../src/modules/posts/posts.repository.ts'
import { UsersRepository } from '../src/modules/users/users.repository.ts'

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

/**
 * A small, friendly data set for `npm start`: five people, a few posts, hugs, a thread, a filter.
 * Written through the app's repositories, in one transaction, so the demo data obeys the same
 * rules and column defaults as data the API writes.
 */
export async function loadDemoSeed(database: Database): Promise<void> {
  const usersRepository = new UsersRepository()
  const postsRepository = new PostsRepository()
  const notificationsRepository = new NotificationsRepository()
  const messagesRepository = new MessagesRepository()
  await database.transaction(async (tx) => {
    const ids: number[] = []
    for (const [displayName, firebaseId, roleId, selectedCharacter] of users) {
      const releaseDate = roleId === 5 ? new Date(Date.now() + 7 * 86_400_000) : null
      ids.push(await usersRepository.create(tx, { displayName, firebaseId, roleId, selectedCharacter, releaseDate, loginCount: 1, emailVerified: roleId !== 4, lastNotificationsRead: new Date() }))
    }
    const userId = (index: number) => ids[index - 1]!
    const start = Date.now() - posts.length * 3_600_000
    const postIds: number[] = []
    for (const [index, [author, text]] of posts.entries()) postIds.push(await postsRepository.create(tx, { userId: userId(author), text, date: new Date(start + index * 3_600_000) }))
    // Robin and Sam hugged Alex's first post.
    for (const from of [1, 2]) {
      await postsRepository.addHug(tx, postIds[0]!, userId(from))
      await usersRepository.addHugs(tx, { giverId: userId(from), receiverId: userId(3) })
      await notificationsRepository.create(tx, { forId: userId(3), fromId: userId(from), type: 'hug', text: 'You got a hug', date: new Date() })
    }
    const thread = await messagesRepository.findOrCreateThread(tx, userId(2), userId(3))
    await messagesRepository.createMessage(tx, { fromId: userId(2), forId: userId(3), text: 'Hang in there, the first week is always the hardest!', date: new Date(Date.now() - 3_600_000), thread })
    await messagesRepository.createMessage(tx, { fromId: userId(3), forId: userId(2), text: 'Thank you, that means a lot.', date: new Date(), thread })
    await notificationsRepository.create(tx, { forId: userId(3), fromId: userId(2), type: 'message', text: 'You have a new message', date: new Date() })
    await new FiltersRepository().create(tx, 'idiot')
  })
}
