import { isDatabaseFailure, type Database } from '@hearth/kernel'
import type { FirebaseToken } from '@hearth/kernel/identity'
import type { Caller } from '../../auth.ts'
import { conflict, forbidden, notFound, unprocessable, validationError } from '../../errors.ts'
import { LIMITS } from '../../limits.ts'
import { parseIconColours, toUserView } from '../../mappers.ts'
import { ROLE } from '../../permissions.ts'
import { policies } from '../../policies.ts'
import { blockChange, blockHasExpired } from '../../rules/blocks.ts'
import { parseReleaseDate } from '../../rules/dates.ts'
import { offsetOf, PAGE_SIZE, totalPages } from '../../rules/pagination.ts'
import type { NotificationsRepository } from '../notifications/notifications.repository.ts'
import type { Notifier } from '../notifications/notifier.ts'
import type { UserChanges, UsersRepository } from './users.repository.ts'

export const MIN_REFRESH_RATE = 20

export interface UserUpdate {
  displayName?: string
  loginCount?: number
  blocked?: boolean
  releaseDate?: string | null
  autoRefresh?: boolean
  refreshRate?: number | null
  pushEnabled?: boolean
  selectedIcon?: string
  iconColours?: { character: string; lbg: string; rbg: string; item: string }
  emailVerified?: unknown
}

function checkDisplayName(name: string) {
  if (name.length > LIMITS.displayName) throw validationError(`New display name cannot be over ${LIMITS.displayName} characters! Please shorten the name and try again.`)
  if (name.trim().length === 0) throw validationError('New display name cannot be empty. Please write something and try again.')
}

/** Profiles, sign-up, settings, blocks and direct hugs (E8–E11, E14). */
export class UsersService {
  constructor(
    private readonly database: Database,
    private readonly users: UsersRepository,
    private readonly notifications: NotificationsRepository,
    private readonly notifier: Notifier,
  ) {}

  /** E8: the blocked list, after lifting expired blocks. */
  async list(type: string, page: number, viewerId: number) {
    if (type.toLowerCase() !== 'blocked') throw validationError(`Listing users of type '${type}' isn't supported; the only type is 'blocked'.`)
    const size = PAGE_SIZE.default
    const { rows, total } = await this.database.transaction(async (tx) => {
      await this.users.liftExpiredBlocks(tx, new Date())
      return this.users.blocked(tx, size, offsetOf(page, size))
    })
    return { users: rows.map((row) => toUserView(row, viewerId)), total_pages: totalPages(total, size) }
  }

  /**
   * E9. The frontend asks for its own profile by Firebase UID; other screens use internal ids. The
   * Firebase id is tried first, so an all-digit UID is never mistaken for somebody's internal id.
   */
  async get(reference: string, viewerId: number) {
    const db = this.database.db
    let user = await this.users.findByFirebaseId(db, reference)
    if (!user && /^\d{1,9}$/.test(reference)) user = await this.users.findById(db, Number(reference))
    if (!user) throw notFound()
    if (blockHasExpired(user, new Date())) {
      await this.users.liftBlockIfExpired(db, user.id, new Date())
      user = (await this.users.findById(db, user.id))!
    }
    return toUserView(user, viewerId)
  }

  /**
   * The caller behind a token (authentication). An expired block is lifted here too, so a user whose
   * block ran out gets their permissions back on their next request (the original waited for the
   * next profile read).
   */
  async caller(firebaseId: string) {
    const db = this.database.db
    let user = await this.users.findByFirebaseId(db, firebaseId)
    if (user && blockHasExpired(user, new Date())) {
      await this.users.liftBlockIfExpired(db, user.id, new Date())
      user = await this.users.findById(db, user.id)
    }
    if (!user) return undefined
    return { id: user.id, displayName: user.displayName, roleId: user.roleId, permissions: user.permissions ?? [], releaseDate: user.releaseDate, firebaseId: user.firebaseId }
  }

  /** E10: the caller's own account, from their token. */
  async create(token: FirebaseToken, input: { firebaseId: string; displayName: string }) {
    if (input.firebaseId !== token.uid) throw unprocessable("The Firebase ID in the request doesn't match the token.")
    checkDisplayName(input.displayName)
    const id = await this.database
      .transaction(async (tx) => {
        if (await this.users.findByFirebaseId(tx, input.firebaseId)) throw conflict('A user with this Firebase ID already exists')
        return this.users.create(tx, {
          displayName: input.displayName,
          firebaseId: input.firebaseId,
          loginCount: 0,
          autoRefresh: false,
          refreshRate: MIN_REFRESH_RATE,
          pushEnabled: false,
          selectedCharacter: 'kitty',
          roleId: ROLE.newUser,
          lastNotificationsRead: new Date(),
          emailVerified: false,
        })
      })
      .catch((error: unknown) => {
        // Two sign-ups racing for one Firebase id: the unique index decides.
        if (isDatabaseFailure(error, 'unique')) throw conflict('A user with this Firebase ID already exists')
        throw error
      })
    return toUserView((await this.users.findById(this.database.db, id))!, id)
  }

  /** E11, in the original's order: the first refusal wins and nothing is saved. */
  async update(caller: Caller, targetId: number, input: UserUpdate) {
    return this.database.transaction(async (tx) => {
      const target = await this.users.findById(tx, targetId)
      if (!target) throw notFound()
      const self = caller.id === targetId
      const changes: UserChanges = {}
      if (input.loginCount !== undefined && input.loginCount !== target.loginCount) {
        if (!policies.mayChangeOwnSettings(caller, targetId)) throw forbidden("Forbidden. You cannot change another user's login count.")
        changes.loginCount = input.loginCount
      }
      if (input.displayName !== undefined && input.displayName !== target.displayName) {
        if (!policies.mayRename(caller, targetId)) throw forbidden("Forbidden. You do not have permission to edit another user's display name.")
        checkDisplayName(input.displayName)
        changes.displayName = input.displayName
      }
      if (input.blocked !== undefined && input.blocked !== (target.roleId === ROLE.blocked)) {
        if (!policies.mayBlock(caller)) throw forbidden('Forbidden. You do not have permission to block or unblock users.')
        let releaseDate: Date | null = null
        if (input.blocked) {
          if (typeof input.releaseDate !== 'string') throw validationError('A release date is required to block a user.')
          releaseDate = parseReleaseDate(input.releaseDate) ?? null
          if (!releaseDate) throw validationError('The release date must be an ISO 8601 date such as 2020-06-01T15:05:01.966Z.')
        }
        Object.assign(changes, blockChange(input.blocked, releaseDate))
      }
      const settings = input.autoRefresh !== undefined || input.pushEnabled !== undefined || input.refreshRate !== undefined
      if (settings && !self) throw forbidden("Forbidden. You cannot edit another user's settings.")
      if (input.autoRefresh && (input.refreshRate ?? 0) < MIN_REFRESH_RATE) {
        throw unprocessable(`Refresh rate must be at least ${MIN_REFRESH_RATE} seconds when auto refresh is on.`)
      }
      if (input.autoRefresh !== undefined) changes.autoRefresh = input.autoRefresh
      if (input.pushEnabled !== undefined) changes.pushEnabled = input.pushEnabled
      if (input.refreshRate !== undefined && input.refreshRate !== null) changes.refreshRate = input.refreshRate
      const icon = input.selectedIcon !== undefined && input.selectedIcon !== target.selectedCharacter
      const stored = parseIconColours(target.iconColours)
      const colours = input.iconColours !== undefined && (['character', 'lbg', 'rbg', 'item'] as const).some((key) => input.iconColours![key] !== stored?.[key])
      if ((icon || colours) && !policies.mayChangeOwnSettings(caller, targetId)) throw forbidden("Forbidden. You cannot change another user's icon.")
      if (icon) changes.selectedCharacter = input.selectedIcon
      if (colours) changes.iconColours = JSON.stringify(input.iconColours)
      // The verified flag comes from the caller's own token, so it only ever applies to the caller.
      if (input.emailVerified !== undefined && self) {
        changes.emailVerified = caller.emailVerified
        if (caller.emailVerified && (changes.roleId ?? target.roleId) === ROLE.newUser) changes.roleId = ROLE.user
      }
      await this.users.update(tx, targetId, changes)
      return toUserView((await this.users.findById(tx, targetId))!, caller.id)
    })
  }

  /** E14: a hug straight to a user; unlimited. */
  async hug(caller: Caller, targetId: number) {
    const name = await this.database.transaction(async (tx) => {
      const displayName = await this.users.displayNameOf(tx, targetId)
      if (displayName === undefined) throw notFound()
      await this.users.addHugs(tx, { giverId: caller.id, receiverId: targetId })
      await this.notifications.create(tx, { forId: targetId, fromId: caller.id, type: 'hug', text: 'You got a hug', date: new Date() })
      await this.notifier.notify(tx, targetId, { title: 'New hug', body: `${caller.displayName} sent you a hug` })
      return displayName
    })
    return `Successfully sent hug to ${name}`
  }
}
