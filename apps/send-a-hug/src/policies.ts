import type { Caller } from './auth.ts'

/**
 * Row-level access (spec §2, §3.2). The route's permission lets a caller in; these say which rows
 * they may touch. The "my-" permissions restrict only their holders: an admin, who holds the "any-"
 * permission instead, is unrestricted.
 */
const holds = (caller: Caller, permission: string) => caller.permissions.includes(permission)

export const policies = {
  /** E4: holders of `patch:my-post` may change only their own posts' text. */
  mayEditPost: (caller: Caller, authorId: number) => !holds(caller, 'patch:my-post') || holds(caller, 'patch:any-post') || caller.id === authorId,
  /** E6, E13: holders of `delete:my-post` may delete only their own posts. */
  mayDeletePostsOf: (caller: Caller, authorId: number) => !holds(caller, 'delete:my-post') || holds(caller, 'delete:any-post') || caller.id === authorId,
  /** E11: holders of `patch:user` may rename only themselves. */
  mayRename: (caller: Caller, targetId: number) => !holds(caller, 'patch:user') || holds(caller, 'patch:any-user') || caller.id === targetId,
  /** E11: block and unblock. */
  mayBlock: (caller: Caller) => holds(caller, 'block:user'),
  /**
   * E11: notification settings, login count and icon are the user's own — admins included (the
   * original checked only the notification settings).
   */
  mayChangeOwnSettings: (caller: Caller, targetId: number) => caller.id === targetId,
  /** E15, E17: a thread belongs to its two participants. */
  isParticipant: (caller: Caller, thread: { user1Id: number; user2Id: number }) => caller.id === thread.user1Id || caller.id === thread.user2Id,
  /** E17: a message may be hidden from the mailbox it is in: inbox = received, outbox = sent, thread = either. */
  mayHideMessage: (caller: Caller, message: { fromId: number; forId: number }, mailbox: 'inbox' | 'outbox' | 'thread') =>
    mailbox === 'inbox' ? message.forId === caller.id : mailbox === 'outbox' ? message.fromId === caller.id : message.forId === caller.id || message.fromId === caller.id,
  /** E28: a push subscription is its owner's. */
  ownsSubscription: (caller: Caller, subscription: { user: number }) => subscription.user === caller.id,
}
