import { EnvReader, loadBaseConfig, secret, type BaseConfig, type EnvSource } from '@hearth/kernel'

export interface DevmarktConfig extends BaseConfig {
  /** HS256 secret that signs and verifies every `Self`/`Foreign` token (the original's name). */
  readonly jwtSecret: string
  /** Deepest selection nesting accepted in one GraphQL document (introspection needs about 13). */
  readonly queryDepthLimit: number
  /** Longest GraphQL document accepted, in characters. */
  readonly maxDocumentLength: number
  /** How long a cached caller row or template list may be served without an invalidation (safety net), ms; 0 disables the caches. */
  readonly cacheTtlMs: number
}

export function loadDevmarktConfig(source: EnvSource, options: { alone?: boolean } = {}): DevmarktConfig {
  const base = loadBaseConfig(source, { app: 'devmarkt', defaultPort: 8005, alone: options.alone })
  const env = new EnvReader(source)
  return Object.freeze({
    ...base,
    // Nimbus (the original's JWT library) refuses HS256 keys under 256 bits; so do we.
    jwtSecret: secret(source, base, 'DEVMARKT_AUTH_JWTSECRET', { minLength: 32 }),
    queryDepthLimit: env.int('DEVMARKT_QUERY_DEPTH_LIMIT', 15, { min: 2, max: 100 }),
    maxDocumentLength: env.int('DEVMARKT_MAX_DOCUMENT_LENGTH', 50_000, { min: 1_000, max: 1_000_000 }),
    cacheTtlMs: env.int('DEVMARKT_CACHE_TTL_MS', 5_000, { min: 0, max: 3_600_000 }),
  })
}
