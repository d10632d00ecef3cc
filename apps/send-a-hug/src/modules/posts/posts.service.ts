import type { Database } from '@hearth/kernel'
import type { Caller } from '../../auth.ts'
import { conflict, forbidden, notFound, validationError } from '../../errors.ts'
import { toPostView } from '../../mappers.ts'
import { policies } from '../../policies.ts'
import { parseClientDate } from '../../rules/dates.ts'
import { offsetOf, PAGE_SIZE, totalPages } from '../../rules/pagination.ts'
import { textProblem } from '../../rules/word-filter.ts'
import type { FiltersRepository } from '../filters/filters.repository.ts'
import type { MessagesRepository } from '../messages/messages.repository.ts'
import type { NotificationsRepository } from '../notifications/notifications.repository.ts'
import type { Notifier } from '../notifications/notifier.ts'
import type { UsersRepository } from '../users/users.repository.ts'
import type { PostsRepository, PublicOrder } from './posts.repository.ts'
import type { PublicListsCache } from '../../cache/public-lists.ts'
import type { PostView } from '../../schemas.ts'

export type HomeLists = { recent: PostView[]; suggested: PostView[] }
export type PostsPage = { posts: PostView[]; total_pages: number }
import { toUserView } from '../../mappers.ts'

export function clientDate(value: string, field = 'date') {
  const date = parseClientDate(value)
  if (!date) throw validationError(`The ${field} must be an ISO 8601 date such as 2020-06-01T15:05:01.966Z.`)
  return date
}

/** Home, search and posts (E1–E7). */
export class PostsService {
  constructor(
    private readonly database: Database,
    private readonly posts: PostsRepository,
    private readonly users: UsersRepository,
    private readonly filters: FiltersRepository,
    private readonly messages: MessagesRepository,
    private readonly notifications: NotificationsRepository,
    private readonly notifier: Notifier,
    private readonly lists: PublicListsCache<HomeLists, PostsPage>,
  ) {}

  /** The two home lists, through the public-lists cache (src/cache/public-lists.ts). */
  async home(): Promise<HomeLists> {
    const lists = await this.lists.home.getOrLoad('home', async () => {
      const { recent, suggested } = await this.posts.home(this.database.db, PAGE_SIZE.home)
      return { recent: recent.map(toPostView), suggested: suggested.map(toPostView) }
    })
    return lists!
  }

  /** One page of a public list, through the public-lists cache. */
  async list(order: PublicOrder, page: number): Promise<PostsPage> {
    const posts = await this.lists.pages.getOrLoad(`${order}:${page}`, async () => {
      const size = PAGE_SIZE.default
      const { rows, total } = await this.posts.visiblePage(this.database.db, order, size, offsetOf(page, size))
      return { posts: rows.map(toPostView), total_pages: totalPages(total, size) }
    })
    return posts!
  }

  async search(query: string, page: number, viewerId: number | undefined) {
    if (query.length === 0) throw validationError('Search query cannot be empty. Please write something and try again.')
    const db = this.database.db
    const size = PAGE_SIZE.default
    const [users, posts] = await Promise.all([this.users.searchByName(db, query), this.posts.search(db, query, size, offsetOf(page, size))])
    return {
      users: users.map((row) => toUserView(row, viewerId)),
      posts: posts.rows.map(toPostView),
      user_results: users.length,
      post_results: posts.total,
      current_page: page,
      total_pages: totalPages(posts.total, size),
    }
  }

  private async checkText(text: string, kind: 'post' | 'message') {
    const problem = textProblem(text, kind, await this.filters.terms(this.database.db))
    if (problem) throw validationError(problem)
  }

  async create(caller: Caller, input: { text: string; date: string }) {
    const date = clientDate(input.date)
    await this.checkText(input.text, 'post')
    const id = await this.posts.create(this.database.db, { userId: caller.id, text: input.text, date })
    return toPostView((await this.posts.find(this.database.db, id))!)
  }

  async edit(caller: Caller, postId: number, text: string) {
    const post = await this.posts.find(this.database.db, postId)
    if (!post) throw notFound()
    if (text === post.text) return toPostView(post) // unchanged text is a no-op, as in the original
    if (!policies.mayEditPost(caller, post.userId)) throw forbidden('Forbidden. You do not have permission to edit this post.')
    await this.checkText(text, 'post')
    await this.posts.updateText(this.database.db, postId, text)
    return toPostView({ ...post, text })
  }

  /** E5: one hug per user per post; optionally with a message to the author. */
  async hug(caller: Caller, postId: number, messageText: string | undefined) {
    const withMessage = typeof messageText === 'string' && messageText.length > 0
    if (withMessage) await this.checkText(messageText, 'message')
    const authorId = await this.database.transaction(async (tx) => {
      const author = await this.posts.addHug(tx, postId, caller.id)
      if (author === undefined) {
        if ((await this.posts.authorOf(tx, postId)) === undefined) throw notFound()
        throw conflict(`User ${caller.id} already sent a hug for post ${postId}`)
      }
      await this.users.addHugs(tx, { giverId: caller.id, receiverId: author })
      const now = new Date()
      if (withMessage) {
        const thread = await this.messages.findOrCreateThread(tx, caller.id, author)
        await this.messages.createMessage(tx, { fromId: caller.id, forId: author, text: messageText, date: now, thread })
      }
      await this.notifications.create(tx, { forId: author, fromId: caller.id, type: 'hug', text: withMessage ? 'You got a hug and a message' : 'You got a hug', date: now })
      await this.notifier.notify(tx, author, { title: 'New hug', body: `${caller.displayName} sent you a hug${withMessage ? ' and a message' : ''}` })
      return author
    })
    return withMessage ? `Successfully sent hug for post ${postId} and a message to user ${authorId}` : `Successfully sent hug for post ${postId}`
  }

  async remove(caller: Caller, postId: number) {
    const authorId = await this.posts.authorOf(this.database.db, postId)
    if (authorId === undefined) throw notFound()
    if (!policies.mayDeletePostsOf(caller, authorId)) throw forbidden('Forbidden. You do not have permission to delete this post.')
    await this.posts.delete(this.database.db, postId)
    return postId
  }

  async byUser(userId: number, page: number) {
    const size = PAGE_SIZE.default
    const { rows, total } = await this.posts.byUser(this.database.db, userId, size, offsetOf(page, size))
    return { posts: rows.map(toPostView), page, total_pages: totalPages(total, size) }
  }

  async removeAllOf(caller: Caller, userId: number) {
    if (!policies.mayDeletePostsOf(caller, userId)) throw forbidden("Forbidden. You do not have permission to delete another user's posts.")
    const deleted = await this.posts.deleteByUser(this.database.db, userId)
    if (deleted === 0) throw notFound()
    return deleted
  }
}
