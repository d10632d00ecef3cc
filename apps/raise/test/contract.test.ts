// The contract tests the kernel generates from Raise's route table: bounded input, refusals in
// Raise's `{message, details?}` body, a preflight for every route (the admin web app runs on another
// origin), nulls kept, and a seeded fuzz of every route and of the transport.
import { after, before } from 'node:test'
import { restContractTests } from '@hearth/kernel/testing'
import { permissions, type Permission } from '../src/permissions.ts'
import { NATIONAL, NATIONAL_TECH, startRaise, type RaiseTestContext } from './helpers.ts'

let ctx: RaiseTestContext
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
let everything: Record<string, string>, scheduler: Record<string, string>, plainAdmin: Record<string, string>
before(async () => {
  ctx = await startRaise({ seed: true })
  everything = bearer(await ctx.token([NATIONAL, NATIONAL_TECH]))
  scheduler = bearer(await ctx.token([], 'scheduler'))
  plainAdmin = bearer(await ctx.token([]))
})
after(() => ctx.close())

/** Raise's error body (spec §3.5): `{message}` with optional `details`, nothing else. */
function isRaiseError(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false
  const keys = Object.keys(body)
  return typeof (body as { message?: unknown }).message === 'string' && keys.every((key) => key === 'message' || key === 'details')
}

restContractTests(() => ({
  app: ctx.app,
  headersHolding: (required) => (required?.includes('scheduler.collect') ? scheduler : everything),
  // Every signed-in caller is an `admin`; what `admin` grants has no lacking caller (row-level rules
  // for those are in policies.ts and tested in admin.test.ts).
  headersLacking: (required) => (required.some((permission) => permissions.allows(['admin'], permission as Permission)) ? undefined : plainAdmin),
  refusalStatuses: { anonymous: [401], lacking: [403] },
  isErrorBody: isRaiseError,
  corsOrigin: 'https://admin.raise.example',
  corsRequestHeaders: 'authorization, content-type, cache-control, x-requested-with',
}))
