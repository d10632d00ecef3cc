import { ROLE } from '../permissions.ts'

/**
 * Blocks (spec §3.4, §4.3): being blocked is having role 5 with a release date; there is no timer —
 * an expired block is lifted lazily when the user's profile or the blocked list is read.
 */

/** Whether reading this user should lift their block now. Only blocked users are ever touched. */
export function blockHasExpired(user: { roleId: number | null; releaseDate: Date | null }, now: Date): boolean {
  return user.roleId === ROLE.blocked && user.releaseDate !== null && user.releaseDate.getTime() < now.getTime()
}

/** What blocking or unblocking sets. Unblocking really unblocks (the original left role 5 behind). */
export function blockChange(blocked: boolean, releaseDate: Date | null): { roleId: number; releaseDate: Date | null } {
  return blocked ? { roleId: ROLE.blocked, releaseDate } : { roleId: ROLE.user, releaseDate: null }
}

/** Durations the admin board offers (the client computes release dates; kept here for seeds and tests). */
export const BLOCK_DURATION_DAYS = { oneDay: 1, oneWeek: 7, oneMonth: 30, forever: 36_500 } as const

/** A block extends an existing one: release = (current release if still blocked, else now) + days. */
export function releaseDateFor(current: { roleId: number | null; releaseDate: Date | null }, days: number, now: Date): Date {
  const base = current.roleId === ROLE.blocked && current.releaseDate ? current.releaseDate : now
  return new Date(base.getTime() + days * 86_400_000)
}
