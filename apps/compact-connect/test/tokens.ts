// Tokens for tests, minted by the app's own built-in identity service (the same key, issuer and
// claims as a real sign-in), so every test exercises the ordinary verification path.
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type {} from '../src/auth/index.ts'

export interface StaffTokenOptions {
  /** The token's scopes as the pre-token builder would mint them (`profile` is added when missing). */
  scopes: readonly string[]
  sub?: string
  username?: string
}

export function staffToken(app: FastifyInstance, options: StaffTokenOptions): Promise<string> {
  const sub = options.sub ?? randomUUID()
  const scopes = options.scopes.includes('profile') ? options.scopes : ['profile', ...options.scopes]
  return app.ccTokens.mintStaffAccessToken({ sub, username: options.username ?? sub, scopes })
}

export interface ProviderTokenOptions {
  providerId: string
  compact: string
  sub?: string
  email?: string
}

export function providerToken(app: FastifyInstance, options: ProviderTokenOptions): Promise<string> {
  const sub = options.sub ?? randomUUID()
  const email = options.email ?? `${sub}@example.org`
  return app.ccTokens.mintProviderIdToken({ sub, username: email, email, compact: options.compact, providerId: options.providerId })
}

export interface StateClientTokenOptions {
  compact: string
  jurisdiction: string
  /** Actions (`write`, `readGeneral`, …) become `{jurisdiction}/{compact}.{action}`; full scopes (with `/`) are kept as given. */
  scopes: readonly string[]
  clientId?: string
}

export function stateClientToken(app: FastifyInstance, options: StateClientTokenOptions): Promise<string> {
  const scopes = options.scopes.map((scope) => (scope.includes('/') ? scope : `${options.jurisdiction}/${options.compact}.${scope}`))
  return app.ccTokens.mintStateClientToken({ clientId: options.clientId ?? `test-${options.jurisdiction}-${options.compact}`, scopes })
}

/** `authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
