import { createServer, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { exportJWK, importPKCS8, importX509, SignJWT, type CryptoKey, type JWK } from 'jose'
import { selfSignedCertificate } from './certificate.ts'

export { selfSignedCertificate, type SelfSigned } from './certificate.ts'

interface SigningKey {
  kid: string
  privateKey: CryptoKey
  cert: string
  publicJwk: JWK
}

export interface KeyServerOptions {
  projectId: string
  /** `x509`: `{ kid: PEM certificate }` as Google's certs URL; `jwks`: `{ keys: [...] }`. */
  format?: 'x509' | 'jwks'
  /** Sent as `Cache-Control: public, max-age=…`. */
  maxAgeSeconds?: number
}

export interface FakeMintOptions {
  /** Sign with a key this server does not publish. */
  unpublished?: boolean
  /** Put this `kid` in the header instead of the signing key's. */
  kid?: string | null
  issuer?: string
  audience?: string
  /** Seconds since epoch; default now. */
  issuedAt?: number
  expiresAt?: number
  /** `auth_time`; `null` leaves it out. */
  authTime?: number | null
}

/**
 * A local stand-in for Google's key publisher (`securetoken@system.gserviceaccount.com`): serves
 * X.509 certificates or a JWKS over HTTP on 127.0.0.1 with a Cache-Control max-age, counts how often
 * it is asked, rotates keys on demand, and mints Firebase-shaped tokens with its keys (or with keys
 * it does not publish), so the real verification code runs in tests.
 */
export class FakeKeyServer {
  requests = 0
  private keys: SigningKey[] = []
  private readonly stranger: Promise<SigningKey>

  private constructor(
    private readonly server: Server,
    readonly projectId: string,
    readonly format: 'x509' | 'jwks',
    private readonly maxAgeSeconds: number,
  ) {
    this.stranger = makeKey()
  }

  static async start(options: KeyServerOptions): Promise<FakeKeyServer> {
    const server = createServer((request, response) => {
      if (request.url !== '/keys') {
        response.writeHead(404).end()
        return
      }
      instance.requests += 1
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': `public, max-age=${instance.maxAgeSeconds}, must-revalidate, no-transform` })
      response.end(JSON.stringify(instance.document()))
    })
    const instance = new FakeKeyServer(server, options.projectId, options.format ?? 'x509', options.maxAgeSeconds ?? 3600)
    instance.keys.push(await makeKey())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return instance
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/keys`
  }

  document(): unknown {
    if (this.format === 'jwks') return { keys: this.keys.map((key) => key.publicJwk) }
    return Object.fromEntries(this.keys.map((key) => [key.kid, key.cert]))
  }

  /** Replaces the published key with a new one (tokens signed with the old one stop verifying). */
  async rotate(): Promise<void> {
    this.keys = [await makeKey()]
  }

  async mint(claims: Record<string, unknown> & { sub?: string }, options: FakeMintOptions = {}): Promise<string> {
    const key = options.unpublished ? await this.stranger : this.keys[0]!
    const now = Math.floor(Date.now() / 1000)
    const issuedAt = options.issuedAt ?? now
    const authTime = options.authTime === undefined ? issuedAt : options.authTime
    const header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }
    if (options.kid !== null) header.kid = options.kid ?? key.kid
    const jwt = new SignJWT({ ...(authTime === null ? {} : { auth_time: authTime }), ...claims })
      .setProtectedHeader(header as { alg: string })
      .setIssuer(options.issuer ?? `https://securetoken.google.com/${this.projectId}`)
      .setAudience(options.audience ?? this.projectId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(options.expiresAt ?? issuedAt + 3600)
    return jwt.sign(key.privateKey)
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

async function makeKey(): Promise<SigningKey> {
  const { key, cert } = selfSignedCertificate({ commonName: 'securetoken.system.gserviceaccount.com', keyType: 'rsa' })
  const kid = randomBytes(20).toString('hex')
  const privateKey = await importPKCS8(key, 'RS256')
  const publicJwk = { ...(await exportJWK(await importX509(cert, 'RS256', { extractable: true }))), kid, alg: 'RS256', use: 'sig' }
  return { kid, privateKey, cert, publicJwk }
}

export const startKeyServer = (options: KeyServerOptions) => FakeKeyServer.start(options)
