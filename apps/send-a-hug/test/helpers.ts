import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import sendAHug from '../src/app.ts'
import type { SendAHugConfig } from '../src/config.ts'
import { loadQaSeed } from '../seeds/qa.ts'

/** The QA seed's callers (spec §6.2): role → Firebase uid. */
export const callers = {
  user: 'abcd', // id 1, shirb, role user
  moderator: 'efgh', // id 5, user52
  admin: 'ijkl', // id 4, user14
  blocked: 'twg', // id 20, user24
  newUser: '123456', // id 22, newUser
} as const
export type Role = keyof typeof callers
export const callerIds: Record<Role, number> = { user: 1, moderator: 5, admin: 4, blocked: 20, newUser: 22 }

export interface Harness extends TestApp<SendAHugConfig> {
  token(role: Role | { sub: string; email_verified?: boolean }): Promise<string>
  call(role: Role | null, options: InjectOptions & { url: string }): Promise<LightMyRequestResponse>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies field by field, as the original's tests did
  json(response: LightMyRequestResponse): any
  drainPush(): Promise<void>
}

/**
 * A Send A Hug app on a fresh database, loaded with the QA seed. Its job worker is off unless the
 * test turns it on, so queued pushes run when the test says (`drainPush`), not on a timer.
 */
export async function seededApp(options: { env?: Record<string, string>; seed?: boolean } = {}): Promise<Harness> {
  const test = await buildTestApp(sendAHug, { env: { JOBS_ENABLED: 'false', ...options.env } })
  if (options.seed !== false) await loadQaSeed(test.database)
  const issuer = test.app.sendAHug.identity.issuer!
  const token = (role: Role | { sub: string; email_verified?: boolean }) =>
    typeof role === 'string' ? issuer.mint({ sub: callers[role], email_verified: role === 'user' || role === 'newUser' }) : issuer.mint(role)
  return {
    ...test,
    token,
    async call(role, request) {
      const headers = { ...(request.headers ?? {}) } as Record<string, string>
      if (role) headers.authorization = `Bearer ${await token(role)}`
      return test.app.inject({ ...request, headers })
    },
    json: (response) => JSON.parse(response.body),
    drainPush: async () => void (await test.app.sendAHug.container.jobs.drain()),
  }
}
