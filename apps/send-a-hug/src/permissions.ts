import { definePermissions } from '@hearth/kernel'

/** The 15 permission strings, in id order (the migration seeds them with ids 1–15). */
export const PERMISSIONS = [
  'block:user',
  'delete:any-post',
  'delete:messages',
  'patch:any-post',
  'patch:any-user',
  'post:message',
  'post:post',
  'post:report',
  'read:admin-board',
  'read:messages',
  'read:user',
  'delete:my-post',
  'patch:user',
  'patch:my-post',
  'post:user',
] as const
export type Permission = (typeof PERMISSIONS)[number]

/** Role ids the rules refer to (the migration seeds roles 1–5 with these ids). */
export const ROLE = { admin: 1, moderator: 2, user: 3, newUser: 4, blocked: 5 } as const

/**
 * Who holds what, as migration 0000 seeds it (spec §3.2). The database is the source of truth at run
 * time (a role's permissions are read with the caller); a test checks that the seed matches this.
 */
export const roles = definePermissions({
  admin: ['block:user', 'delete:any-post', 'delete:messages', 'patch:any-post', 'patch:any-user', 'post:message', 'post:post', 'post:report', 'read:admin-board', 'read:messages', 'read:user'],
  moderator: ['delete:messages', 'patch:any-post', 'post:message', 'post:post', 'post:report', 'read:messages', 'read:user', 'delete:my-post', 'patch:user'],
  user: ['delete:messages', 'post:message', 'post:post', 'post:report', 'read:messages', 'read:user', 'delete:my-post', 'patch:user', 'patch:my-post'],
  'new user': ['delete:my-post', 'patch:my-post', 'patch:user', 'post:user', 'read:messages', 'read:user'],
  'blocked user': ['delete:messages', 'post:message', 'post:report', 'read:messages', 'read:user', 'delete:my-post', 'patch:user', 'patch:my-post', 'post:user'],
})

/** A route that accepts either of two permissions (the original's `requires_auth(['a', 'b'])`). */
const anyOf = (a: Permission, b: Permission) => [a, b] as const

/** What each route demands (`config.permission`; a list means "any of"); the kernel's hook enforces it. */
export const requires = {
  blockUser: 'block:user',
  readAdminBoard: 'read:admin-board',
  readMessages: 'read:messages',
  readUser: 'read:user',
  postMessage: 'post:message',
  postPost: 'post:post',
  postReport: 'post:report',
  deleteMessages: 'delete:messages',
  editPost: anyOf('patch:my-post', 'patch:any-post'),
  deletePost: anyOf('delete:my-post', 'delete:any-post'),
  editUser: anyOf('patch:user', 'patch:any-user'),
} as const
