import type { Caller } from './auth/caller.service.ts'
import { permissions } from './permissions.ts'

/**
 * Row-level access (spec §4). Field-level access is the schema's `@Auth(role:)` (permissions.ts says
 * what each role grants); these say which rows a caller who passed it may touch.
 */
export const policies = {
  /**
   * `@AuthOwnApplication`: an application is its applicant's; holders of `applications.any`
   * (admins) may read and change anyone's. For anyone else another's application "is not there".
   */
  mayAccessApplication: (caller: Caller, application: { userId: number }) => permissions.allows(caller.role, 'applications.any') || application.userId === caller.user.id,
  /** Whether the application needs loading at all: admins pass without it. */
  mayAccessAnyApplication: (caller: Caller) => permissions.allows(caller.role, 'applications.any'),
}
