// The contract tests the kernel generates from CompactConnect's route table (every module's routes): bounded input,
// refusals in the `{"message"}` envelope (401 anonymous or wrong pool, 403 missing scope), a preflight from the web
// app's origin for every route, nulls kept, and a seeded fuzz of every route and of the transport.
import { after, before } from 'node:test'
import { buildTestApp, restContractTests, type TestApp } from '@hearth/kernel/testing'
import compactConnect from '../src/app.ts'
import type { CompactConnectConfig } from '../src/config.ts'
import { providerIdOf } from '../seeds/qa-providers.ts'
import { bearer, providerToken, staffToken, stateClientToken } from './tokens.ts'

let t: TestApp<CompactConnectConfig>
before(async () => {
  // The recovery routes' minimum answer times (5 s / 3 s) would make every fuzzed request wait (cc-identity).
  t = await buildTestApp(compactConnect, { env: { JOBS_ENABLED: 'false', CC_RECOVERY_INITIATE_MIN_MS: '0', CC_RECOVERY_VERIFY_MIN_MS: '0' } })
  await t.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
})
after(() => t.close())

/** Every scope a caller can hold in `aslp` (compact level and `oh`). */
const ALL_SCOPES = ['aslp/readGeneral', 'aslp/admin', 'aslp/readPrivate', 'aslp/readSSN', 'oh/aslp.admin', 'oh/aslp.write', 'oh/aslp.readPrivate', 'oh/aslp.readSSN']
const S1 = 'e0000000-0000-4000-8000-000000000001'

async function holding(requirement: readonly string[] | undefined): Promise<Record<string, string>> {
  if (requirement?.includes('token.provider'))
    return bearer(await providerToken(t.app, { compact: 'aslp', providerId: providerIdOf(1), sub: 'd0000000-0000-4000-8000-000000000001', email: 'harriet.quimby@example.org' }))
  if (requirement?.includes('token.state')) return bearer(await stateClientToken(t.app, { compact: 'aslp', jurisdiction: 'ky', scopes: ['write', 'aslp/readGeneral'] }))
  return bearer(await staffToken(t.app, { sub: S1, scopes: ALL_SCOPES }))
}

async function lacking(requirement: readonly string[]): Promise<Record<string, string> | undefined> {
  if (requirement.includes('token.provider')) return bearer(await staffToken(t.app, { scopes: ALL_SCOPES }))
  if (requirement.includes('token.staff') || requirement.includes('token.state')) return bearer(await providerToken(t.app, { compact: 'aslp', providerId: providerIdOf(1) }))
  // staffToken always adds `profile`; a state client holds no `profile` (and no admin/read scopes here).
  if (requirement.includes('scope.profile')) return bearer(await stateClientToken(t.app, { compact: 'aslp', jurisdiction: 'oh', scopes: ['write'] }))
  const actions = requirement.filter((permission) => permission.startsWith('scope.')).map((permission) => permission.slice('scope.'.length))
  const scopes = ALL_SCOPES.filter((scope) => !actions.some((action) => scope.endsWith(`/${action}`) || scope.endsWith(`.${action}`)))
  return bearer(await staffToken(t.app, { scopes }))
}

/** `{"message", "errors"?}` (§2), or the OAuth 2.0 error body of the identity service's token endpoint (RFC 6749 §5.2). */
function isMessageBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false
  const oauth = body as Record<string, unknown>
  if (typeof oauth.error === 'string' && Object.keys(oauth).every((key) => key === 'error' || key === 'error_description')) return true
  const { message, errors, ...rest } = body as Record<string, unknown>
  return typeof message === 'string' && Object.keys(rest).length === 0 && (errors === undefined || (typeof errors === 'object' && errors !== null))
}

restContractTests(() => ({
  app: t.app,
  headersHolding: holding,
  headersLacking: lacking,
  refusalStatuses: { anonymous: [401], lacking: [401, 403] },
  isErrorBody: isMessageBody,
  corsOrigin: 'http://localhost:3018',
  corsRequestHeaders: 'authorization, cache-control, content-type',
  pathValue: (name) => ({ compact: 'aslp', jurisdiction: 'oh', providerId: providerIdOf(2), licenseType: 'slp' })[name],
  skip: {
    'POST /v1/bulk-uploads': 'multipart/form-data (the signed S3-style form); test/bulk-upload.test.ts covers its refusals and limits',
    'POST /v1/military-affiliation-documents': 'multipart/form-data (the signed S3-style form); test/military.test.ts covers its refusals and limits',
  },
}))
