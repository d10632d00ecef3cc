// The wire shapes shared by several modules (spec §1.11): views, ids, pagination, error bodies.
import { Type, type Static, type TSchema } from 'typebox'
import { LIMITS } from './limits.ts'
import { CLIENT_DATE_PATTERN } from './rules/dates.ts'

export { LIMITS }

export const Id = Type.Integer({ minimum: LIMITS.integerMin, maximum: LIMITS.integerMax })
export const Success = Type.Literal(true)
export const HttpDate = Type.Union([Type.String({ description: 'RFC 1123, e.g. "Mon, 08 Jun 2020 14:43:15 GMT"' }), Type.Null()])
export const ClientDate = Type.String({ pattern: CLIENT_DATE_PATTERN, maxLength: LIMITS.clientDate, description: 'Date.prototype.toISOString() output, e.g. 2020-06-01T15:05:01.966Z' })
/** Free text whose column length the service checks (see `LIMITS.textInput`). */
export const TextInput = (description?: string) => Type.String({ maxLength: LIMITS.textInput, ...(description ? { description } : {}) })
/** A word in the path or the query string. */
export const UrlWord = (description?: string) => Type.String({ maxLength: LIMITS.urlWord, ...(description ? { description } : {}) })
export const Page = Type.Optional(UrlWord('1-based page number; anything else means page 1'))

const sharedSchemas: Record<string, TSchema> = {}

/**
 * A view used by many routes: registered once (`registerSharedSchemas`) and referenced, so the
 * OpenAPI document lists it once under components instead of inlining it in every operation.
 */
function shared<T extends TSchema>(id: string, schema: T) {
  sharedSchemas[id] = schema
  return Type.Unsafe<Static<T>>({ $ref: `${id}#` })
}

export function registerSharedSchemas(app: { addSchema(schema: object): unknown }): void {
  for (const [id, schema] of Object.entries(sharedSchemas)) app.addSchema({ $id: id, title: id, ...schema })
}

export const IconColours = Type.Object({ character: Type.String(), lbg: Type.String(), rbg: Type.String(), item: Type.String() })
const Colour = Type.String({ maxLength: LIMITS.colour })
export const IconColoursInput = Type.Object({ character: Colour, lbg: Colour, rbg: Colour, item: Colour })

const PostViewSchema = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  user: Type.String({ description: "Author's display name" }),
  text: Type.String(),
  date: HttpDate,
  givenHugs: Type.Integer(),
  sentHugs: Type.Array(Type.Integer(), { description: 'Ids of the users who hugged this post' }),
})
export type PostView = Static<typeof PostViewSchema>
export const PostView = shared('PostView', PostViewSchema)

export const RoleView = Type.Object({ id: Type.Integer(), name: Type.String(), permissions: Type.Array(Type.String()) })

const UserViewSchema = Type.Object({
  id: Type.Integer(),
  displayName: Type.String(),
  receivedH: Type.Integer(),
  givenH: Type.Integer(),
  loginCount: Type.Union([Type.Integer(), Type.Null()]),
  role: Type.Union([RoleView, Type.Null()]),
  blocked: Type.Boolean(),
  releaseDate: HttpDate,
  autoRefresh: Type.Union([Type.Boolean(), Type.Null()]),
  refreshRate: Type.Union([Type.Integer(), Type.Null()]),
  pushEnabled: Type.Union([Type.Boolean(), Type.Null()]),
  last_notifications_read: HttpDate,
  selectedIcon: Type.Union([Type.String(), Type.Null()]),
  iconColours: Type.Union([IconColours, Type.Null()]),
  posts: Type.Integer({ description: 'Number of posts' }),
  firebaseId: Type.Optional(Type.String({ description: "Only in the caller's own view" })),
  emailVerified: Type.Boolean(),
})
export type UserView = Static<typeof UserViewSchema>
export const UserView = shared('UserView', UserViewSchema)

export const Correspondent = Type.Object({ displayName: Type.String(), selectedIcon: Type.Union([Type.String(), Type.Null()]), iconColours: Type.Union([IconColours, Type.Null()]) })

const MessageViewSchema = Type.Object({
  id: Type.Integer(),
  fromId: Type.Integer(),
  from: Correspondent,
  forId: Type.Integer(),
  for: Correspondent,
  messageText: Type.String(),
  date: HttpDate,
  threadID: Type.Integer(),
})
export type MessageView = Static<typeof MessageViewSchema>
export const MessageView = shared('MessageView', MessageViewSchema)

const ThreadViewSchema = Type.Object({
  id: Type.Integer(),
  user1: Correspondent,
  user1Id: Type.Integer(),
  user2: Correspondent,
  user2Id: Type.Integer(),
  numMessages: Type.Integer({ description: "Messages still visible to the caller's side" }),
  latestMessage: HttpDate,
})
export type ThreadView = Static<typeof ThreadViewSchema>
export const ThreadView = shared('ThreadView', ThreadViewSchema)

const ReportViewSchema = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  userID: Type.Integer(),
  reporter: Type.Integer(),
  reportReason: Type.String(),
  date: HttpDate,
  dismissed: Type.Boolean(),
  closed: Type.Boolean(),
  displayName: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'User reports only' })),
  postID: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: 'Post reports only' })),
  text: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: "Post reports only: the post's current text" })),
})
export type ReportView = Static<typeof ReportViewSchema>
export const ReportView = shared('ReportView', ReportViewSchema)

const NotificationViewSchema = Type.Object({
  id: Type.Integer(),
  fromId: Type.Integer(),
  from: Type.String(),
  forId: Type.Integer(),
  for: Type.String(),
  type: Type.String(),
  text: Type.String(),
  date: HttpDate,
  read: Type.Boolean(),
})
export type NotificationView = Static<typeof NotificationViewSchema>
export const NotificationView = shared('NotificationView', NotificationViewSchema)

const FilterViewSchema = Type.Object({ id: Type.Integer(), filter: Type.String() })
export type FilterView = Static<typeof FilterViewSchema>
export const FilterView = shared('FilterView', FilterViewSchema)

/** Routing errors and explicit aborts: `message` is a fixed string per status. */
const HttpErrorSchema = Type.Object({ success: Type.Literal(false), code: Type.Integer(), message: Type.String() }, { description: 'Not found, conflict, unprocessable, server error' })
/** Authentication, permission and validation errors: `message` is an object. */
const DescribedErrorSchema = Type.Object(
  { success: Type.Literal(false), code: Type.Integer(), message: Type.Object({ code: Type.Integer(), description: Type.String() }) },
  { description: 'Authentication, permission or validation error' },
)
export const HttpError = shared('HttpError', HttpErrorSchema)
export const DescribedError = shared('DescribedError', DescribedErrorSchema)
const AnyError = Type.Union([DescribedError, HttpError])

/** Error responses for a route, by status. */
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 409 | 422)[]) {
  return Object.fromEntries(statuses.map((status) => [status, status === 401 || status === 403 ? DescribedError : status === 400 ? AnyError : HttpError]))
}

export const authErrors = errorResponses(401, 403)
