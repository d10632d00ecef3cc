import { importJWK, importX509, type CryptoKey, type JWK } from 'jose'

/**
 * A published set of token-signing public keys, in either of Google's two formats: an object of
 * `kid → X.509 PEM certificate` (what firebase-admin reads) or a JWKS (`{ keys: [...] }`).
 */
export type KeyDocument = Record<string, string> | { keys: (JWK & { kid?: string })[] }

/** Where the keys come from: a URL (Google, a fake in tests) or a local function (the built-in issuer). */
export type KeySource = { url: string; fetch?: typeof fetch } | { document: () => Promise<KeyDocument> }

export interface KeyStoreOptions {
  source: KeySource
  /** Cache lifetime when the response has no usable `Cache-Control: max-age` (seconds). */
  defaultMaxAgeSeconds?: number
  /** Shortest interval between two fetches triggered by an unknown `kid` (seconds). */
  refetchCooldownSeconds?: number
  now?: () => number
}

export class KeyFetchError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'KeyFetchError'
  }
}

/**
 * Google's keys, fetched on demand and cached for as long as the response's `Cache-Control`
 * max-age allows (as firebase-admin does). An unknown `kid` after the cache expired, or at most
 * once per cooldown, triggers a refetch, so a key rotation is picked up without a restart.
 */
export class KeyStore {
  private keys = new Map<string, CryptoKey>()
  private expiresAt = 0
  private lastFetch = Number.NEGATIVE_INFINITY
  private inFlight: Promise<void> | undefined
  private readonly now: () => number

  constructor(private readonly options: KeyStoreOptions) {
    this.now = options.now ?? Date.now
  }

  /** The key for `kid`, or undefined when the publisher does not (or no longer) list it. */
  async get(kid: string): Promise<CryptoKey | undefined> {
    const now = this.now()
    if (now >= this.expiresAt) await this.refresh()
    const known = this.keys.get(kid)
    if (known) return known
    const cooldown = (this.options.refetchCooldownSeconds ?? 30) * 1000
    if (now - this.lastFetch >= cooldown) {
      await this.refresh()
      return this.keys.get(kid)
    }
    return undefined
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined
    })
    return this.inFlight
  }

  private async load(): Promise<void> {
    this.lastFetch = this.now()
    const source = this.options.source
    let document: KeyDocument
    let maxAge = this.options.defaultMaxAgeSeconds ?? 3600
    if ('url' in source) {
      let response: Response
      try {
        response = await (source.fetch ?? fetch)(source.url, { headers: { accept: 'application/json' } })
      } catch (error) {
        throw new KeyFetchError(`cannot fetch signing keys from ${source.url}: ${(error as Error).message}`)
      }
      if (!response.ok) throw new KeyFetchError(`signing keys at ${source.url} answered ${response.status}`)
      document = (await response.json()) as KeyDocument
      const match = /max-age=(\d+)/i.exec(response.headers.get('cache-control') ?? '')
      if (match) maxAge = Number(match[1])
    } else {
      document = await source.document()
    }
    this.keys = await importKeyDocument(document)
    this.expiresAt = this.now() + maxAge * 1000
  }
}

export async function importKeyDocument(document: KeyDocument): Promise<Map<string, CryptoKey>> {
  const keys = new Map<string, CryptoKey>()
  if (Array.isArray((document as { keys?: unknown }).keys)) {
    for (const jwk of (document as { keys: (JWK & { kid?: string })[] }).keys) {
      if (!jwk.kid || (jwk.alg !== undefined && jwk.alg !== 'RS256') || jwk.kty !== 'RSA') continue
      keys.set(jwk.kid, (await importJWK({ ...jwk, alg: 'RS256' }, 'RS256')) as CryptoKey)
    }
    return keys
  }
  for (const [kid, pem] of Object.entries(document as Record<string, string>)) {
    if (typeof pem !== 'string') continue
    keys.set(kid, await importX509(pem, 'RS256'))
  }
  return keys
}
