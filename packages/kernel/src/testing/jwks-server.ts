import { createServer, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'

/** Public-key algorithms the fake can publish keys for. */
export type JwksAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA'

export interface JwksServerOptions {
  /** One published key per algorithm; tokens are signed with the first unless `sign` says otherwise. */
  algorithms?: JwksAlgorithm[]
  /** The `iss` of minted tokens; default the server's own origin (as an OIDC issuer would be). */
  issuer?: string
  /** The `aud` of minted tokens; default `hearth-test`. */
  audience?: string
  /** Sent as `Cache-Control: public, max-age=…` on the key set. */
  maxAgeSeconds?: number
}

export interface JwksSignOptions {
  alg?: JwksAlgorithm
  /** Sign with a key of the same algorithm that this server does not publish. */
  unpublished?: boolean
  /** Override the header's `kid`; `null` leaves it out. */
  kid?: string | null
  issuer?: string | null
  audience?: string | string[] | null
  /** Seconds since the epoch; default now. */
  issuedAt?: number
  /** Seconds since the epoch, or a jose duration such as `'1h'` or `'-5m'`; default one hour. `null` leaves it out. */
  expiresAt?: number | string | null
}

interface PublishedKey {
  alg: JwksAlgorithm
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
}

/**
 * An identity provider's key publisher on 127.0.0.1, at the protocol level: it serves a JWKS at
 * `/.well-known/jwks.json` (and an OpenID discovery document pointing at it), signs tokens with the
 * keys it publishes, counts how often its keys are fetched, and rotates them on demand. Apps' tests
 * point their real verification code (`createJwtVerifier({ key: { kind: 'jwks', url } })`) at it.
 */
export class JwksServer {
  /** How many times the key set was fetched. */
  requests = 0
  private keys: PublishedKey[] = []
  private readonly strangers = new Map<JwksAlgorithm, Promise<PublishedKey>>()

  private constructor(
    private readonly server: Server,
    private readonly algorithms: JwksAlgorithm[],
    private readonly options: JwksServerOptions,
  ) {}

  static async start(options: JwksServerOptions = {}): Promise<JwksServer> {
    const algorithms = options.algorithms ?? ['RS256']
    if (algorithms.length === 0) throw new Error('startJwksServer: give at least one algorithm')
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0]
      if (request.method === 'GET' && path === '/.well-known/jwks.json') {
        instance.requests += 1
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': `public, max-age=${options.maxAgeSeconds ?? 600}` })
        response.end(JSON.stringify(instance.jwks()))
        return
      }
      if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ issuer: instance.issuer, jwks_uri: instance.url, id_token_signing_alg_values_supported: algorithms }))
        return
      }
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
    })
    const instance = new JwksServer(server, algorithms, options)
    instance.keys = await Promise.all(algorithms.map(makeKey))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return instance
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  /** The key set's URL, for `createJwtVerifier({ key: { kind: 'jwks', url } })`. */
  get url(): string {
    return `${this.origin}/.well-known/jwks.json`
  }

  get issuer(): string {
    return this.options.issuer ?? this.origin
  }

  get audience(): string {
    return this.options.audience ?? 'hearth-test'
  }

  /** The published key set (public keys only). */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => key.publicJwk) }
  }

  /** Publishes fresh keys in place of the current ones: tokens signed before stop verifying. */
  async rotate(): Promise<void> {
    this.keys = await Promise.all(this.algorithms.map(makeKey))
  }

  /** A signed token with `iss`, `aud`, `iat` and `exp` set as a real provider would set them. */
  async sign(claims: JWTPayload, options: JwksSignOptions = {}): Promise<string> {
    const alg = options.alg ?? this.algorithms[0]!
    const published = this.keys.find((key) => key.alg === alg)
    if (!published) throw new Error(`JwksServer publishes no ${alg} key (it has ${this.algorithms.join(', ')})`)
    const key = options.unpublished ? await this.stranger(alg) : published
    const header: { alg: string; typ: string; kid?: string } = { alg, typ: 'JWT' }
    if (options.kid !== null) header.kid = options.kid ?? key.kid
    const jwt = new SignJWT(claims).setProtectedHeader(header).setIssuedAt(options.issuedAt ?? Math.floor(Date.now() / 1000))
    const issuer = options.issuer === undefined ? this.issuer : options.issuer
    if (issuer !== null) jwt.setIssuer(issuer)
    const audience = options.audience === undefined ? this.audience : options.audience
    if (audience !== null) jwt.setAudience(audience)
    const expiresAt = options.expiresAt === undefined ? '1h' : options.expiresAt
    if (expiresAt !== null) jwt.setExpirationTime(expiresAt)
    return jwt.sign(key.privateKey)
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections()
      this.server.close(() => resolve())
    })
  }

  private stranger(alg: JwksAlgorithm): Promise<PublishedKey> {
    let key = this.strangers.get(alg)
    if (!key) {
      key = makeKey(alg)
      this.strangers.set(alg, key)
    }
    return key
  }
}

async function makeKey(alg: JwksAlgorithm): Promise<PublishedKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const kid = randomBytes(8).toString('hex')
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

/** Starts a local JWKS publisher; see `JwksServer`. Close it in `after()`. */
export const startJwksServer = (options: JwksServerOptions = {}) => JwksServer.start(options)
