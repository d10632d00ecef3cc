import type { Database } from '@hearth/kernel'
import type { Caller } from '../../auth.ts'
import { forbidden, integrityAs422, notFound, validationError } from '../../errors.ts'
import { toMessageView, toThreadView } from '../../mappers.ts'
import { policies } from '../../policies.ts'
import { offsetOf, PAGE_SIZE, totalPages } from '../../rules/pagination.ts'
import { textProblem } from '../../rules/word-filter.ts'
import type { FiltersRepository } from '../filters/filters.repository.ts'
import type { NotificationsRepository } from '../notifications/notifications.repository.ts'
import type { Notifier } from '../notifications/notifier.ts'
import { clientDate } from '../posts/posts.service.ts'
import type { MessagesRepository } from './messages.repository.ts'

export const MESSAGE_ITEM_TYPES = ['inbox', 'outbox', 'thread', 'threads'] as const
export const CLEARABLE_MAILBOXES = ['inbox', 'outbox', 'threads'] as const

/** Private messages and threads (E15–E18), with per-side deletion (spec §4.4, §4.5). */
export class MessagesService {
  constructor(
    private readonly database: Database,
    private readonly messages: MessagesRepository,
    private readonly filters: FiltersRepository,
    private readonly notifications: NotificationsRepository,
    private readonly notifier: Notifier,
  ) {}

  /** E15: inbox, outbox, one thread, or (any other type) the caller's threads. */
  async list(caller: Caller, type: string, page: number, threadId: number | undefined) {
    const db = this.database.db
    const size = PAGE_SIZE.default
    const offset = offsetOf(page, size)
    if (type === 'inbox' || type === 'outbox') {
      const { rows, total } = await this.messages.mailbox(db, caller.id, type, size, offset)
      return { messages: rows.map(toMessageView), current_page: page, total_pages: totalPages(total, size) }
    }
    if (type === 'thread') {
      const thread = threadId === undefined ? undefined : await this.messages.findThread(db, threadId)
      if (!thread) throw notFound()
      if (!policies.isParticipant(caller, thread)) throw forbidden("Forbidden. You do not have permission to view another user's messages.")
      const { rows, total } = await this.messages.threadMessages(db, caller.id, thread.id, size, offset)
      return { messages: rows.map(toMessageView), current_page: page, total_pages: totalPages(total, size) }
    }
    const { rows, total } = await this.messages.threadsOf(db, caller.id, size, offset)
    return { messages: rows.map(toThreadView), current_page: page, total_pages: totalPages(total, size) }
  }

  /** E16: a message from the caller, in the pair's thread (created on first contact). */
  async send(caller: Caller, input: { messageText: string; forId: number; date: string }) {
    const date = clientDate(input.date)
    const problem = textProblem(input.messageText, 'message', await this.filters.terms(this.database.db))
    if (problem) throw validationError(problem)
    const id = await integrityAs422(
      this.database.transaction(async (tx) => {
        const thread = await this.messages.findOrCreateThread(tx, caller.id, input.forId)
        const messageId = await this.messages.createMessage(tx, { fromId: caller.id, forId: input.forId, text: input.messageText, date, thread })
        await this.notifications.create(tx, { forId: input.forId, fromId: caller.id, type: 'message', text: 'You have a new message', date })
        await this.notifier.notify(tx, input.forId, { title: 'New message', body: `${caller.displayName} sent you a message` })
        return messageId
      }),
    )
    return toMessageView((await this.messages.messageView(this.database.db, id))!)
  }

  /** E17: hide one message, or one whole thread, from the caller's side. */
  async remove(caller: Caller, mailbox: string, itemId: number) {
    if (!(MESSAGE_ITEM_TYPES as readonly string[]).includes(mailbox)) throw validationError(`Mailbox type '${mailbox}' is not one of ${MESSAGE_ITEM_TYPES.join(', ')}.`)
    await this.database.transaction(async (tx) => {
      if (mailbox === 'threads') {
        const thread = await this.messages.findThread(tx, itemId)
        if (!thread) throw notFound()
        if (!policies.isParticipant(caller, thread)) throw forbidden("Forbidden. You do not have permission to delete another user's thread.")
        if ((await this.messages.countVisibleInThread(tx, itemId)) === 0) {
          // Both sides had already deleted it: the thread itself goes.
          await this.messages.deleteThread(tx, itemId)
          return
        }
        await this.messages.hideFor(tx, caller.id, [itemId])
        await this.messages.purgeHiddenBySides(tx, { threadIds: [itemId] })
        return
      }
      const message = await this.messages.findMessage(tx, itemId)
      if (!message) throw notFound()
      if (!policies.mayHideMessage(caller, message, mailbox as 'inbox' | 'outbox' | 'thread')) {
        throw forbidden("Forbidden. You do not have permission to delete another user's messages.")
      }
      const flags = {
        forDeleted: message.forDeleted || message.forId === caller.id,
        fromDeleted: message.fromDeleted || message.fromId === caller.id,
      }
      if (flags.forDeleted && flags.fromDeleted) await this.messages.deleteMessage(tx, itemId)
      else await this.messages.setHidden(tx, itemId, flags)
    })
    return itemId
  }

  /** E18: clear the caller's inbox, outbox or thread list. */
  async clear(caller: Caller, mailbox: string) {
    if (!(CLEARABLE_MAILBOXES as readonly string[]).includes(mailbox)) throw validationError(`Mailbox type '${mailbox}' cannot be cleared; use one of ${CLEARABLE_MAILBOXES.join(', ')}.`)
    return this.database.transaction(async (tx) => {
      if (mailbox === 'threads') {
        const { total } = await this.messages.threadsOf(tx, caller.id, 1, 0)
        if (total === 0) throw notFound()
        await this.messages.hideFor(tx, caller.id)
        await this.messages.purgeHiddenBySides(tx, { userId: caller.id })
        await this.messages.deleteEmptyThreadsOf(tx, caller.id)
        return total
      }
      const box = mailbox as 'inbox' | 'outbox'
      const total = await this.messages.countAll(tx, caller.id, box)
      if (total === 0) throw notFound()
      await this.messages.clearMailbox(tx, caller.id, box)
      return total
    })
  }
}
