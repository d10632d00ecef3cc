// Rows → wire views (spec §1.11). Repositories select exactly the columns these need.
import { DEFAULT_ICON_COLOURS } from './db/schema.ts'
import { ROLE } from './permissions.ts'
import { httpDate } from './rules/dates.ts'
import type { FilterView, MessageView, NotificationView, PostView, ReportView, ThreadView, UserView } from './schemas.ts'

export interface PostRow {
  id: number
  userId: number
  user: string | null
  text: string
  date: Date | null
  givenHugs: number
  sentHugs: (number | null)[] | null
}

export const toPostView = (row: PostRow): PostView => ({
  id: row.id,
  userId: row.userId,
  user: row.user ?? '',
  text: row.text,
  date: httpDate(row.date),
  givenHugs: row.givenHugs,
  sentHugs: (row.sentHugs ?? []).filter((id): id is number => id !== null),
})

type Colours = { character: string; lbg: string; rbg: string; item: string }

export function parseIconColours(stored: string | null): Colours | null {
  if (stored === null) return null
  try {
    const value = JSON.parse(stored) as Partial<Colours>
    if (typeof value !== 'object' || value === null) return null
    const fallback = JSON.parse(DEFAULT_ICON_COLOURS) as Colours
    return { character: String(value.character ?? fallback.character), lbg: String(value.lbg ?? fallback.lbg), rbg: String(value.rbg ?? fallback.rbg), item: String(value.item ?? fallback.item) }
  } catch {
    return null
  }
}

export interface UserRow {
  id: number
  displayName: string
  receivedHugs: number
  givenHugs: number
  loginCount: number | null
  roleId: number | null
  roleName: string | null
  permissions: string[] | null
  releaseDate: Date | null
  lastNotificationsRead: Date | null
  autoRefresh: boolean | null
  refreshRate: number | null
  pushEnabled: boolean | null
  selectedCharacter: string | null
  iconColours: string | null
  firebaseId: string
  emailVerified: boolean
  postCount: number
}

/** The user view. The Firebase id appears only in the caller's own view (the original leaked it). */
export const toUserView = (row: UserRow, viewerId: number | undefined): UserView => ({
  id: row.id,
  displayName: row.displayName,
  receivedH: row.receivedHugs,
  givenH: row.givenHugs,
  loginCount: row.loginCount,
  role: row.roleId === null || row.roleName === null ? null : { id: row.roleId, name: row.roleName, permissions: row.permissions ?? [] },
  blocked: row.roleId === ROLE.blocked,
  releaseDate: httpDate(row.releaseDate),
  autoRefresh: row.autoRefresh,
  refreshRate: row.refreshRate,
  pushEnabled: row.pushEnabled,
  last_notifications_read: httpDate(row.lastNotificationsRead),
  selectedIcon: row.selectedCharacter,
  iconColours: parseIconColours(row.iconColours),
  posts: row.postCount,
  ...(viewerId === row.id ? { firebaseId: row.firebaseId } : {}),
  emailVerified: row.emailVerified,
})

export interface CorrespondentRow {
  displayName: string | null
  selectedCharacter: string | null
  iconColours: string | null
}

const correspondent = (row: CorrespondentRow) => ({ displayName: row.displayName ?? '', selectedIcon: row.selectedCharacter, iconColours: parseIconColours(row.iconColours) })

export interface MessageRow {
  id: number
  fromId: number
  forId: number
  text: string
  date: Date | null
  thread: number
  from: CorrespondentRow
  for: CorrespondentRow
}

export const toMessageView = (row: MessageRow): MessageView => ({
  id: row.id,
  fromId: row.fromId,
  from: correspondent(row.from),
  forId: row.forId,
  for: correspondent(row.for),
  messageText: row.text,
  date: httpDate(row.date),
  threadID: row.thread,
})

export interface ThreadRow {
  id: number
  user1Id: number
  user2Id: number
  user1: CorrespondentRow
  user2: CorrespondentRow
  visibleToCaller: number
  latestMessage: Date | null
}

export const toThreadView = (row: ThreadRow): ThreadView => ({
  id: row.id,
  user1: correspondent(row.user1),
  user1Id: row.user1Id,
  user2: correspondent(row.user2),
  user2Id: row.user2Id,
  numMessages: row.visibleToCaller,
  latestMessage: httpDate(row.latestMessage),
})

export interface ReportRow {
  id: number
  type: string
  userId: number
  postId: number | null
  reporter: number
  reportReason: string
  date: Date | null
  dismissed: boolean
  closed: boolean
  displayName: string | null
  postText: string | null
}

export const toReportView = (row: ReportRow): ReportView => ({
  id: row.id,
  type: row.type,
  userID: row.userId,
  reporter: row.reporter,
  reportReason: row.reportReason,
  date: httpDate(row.date),
  dismissed: row.dismissed,
  closed: row.closed,
  ...(row.type.toLowerCase() === 'user' ? { displayName: row.displayName } : { postID: row.postId, text: row.postText }),
})

export interface NotificationRow {
  id: number
  fromId: number
  from: string | null
  forId: number
  for: string | null
  type: string
  text: string
  date: Date | null
  read: boolean
}

export const toNotificationView = (row: NotificationRow): NotificationView => ({
  ...row,
  from: row.from ?? '',
  for: row.for ?? '',
  date: httpDate(row.date),
})

export const toFilterView = (row: { id: number; filter: string }): FilterView => ({ id: row.id, filter: row.filter })
