import { createServer, type Server } from 'node:https'
import { createECDH, randomBytes, type ECDH } from 'node:crypto'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { importJWK, jwtVerify } from 'jose'
import { selfSignedCertificate } from '../key-server/certificate.ts'

const require = createRequire(import.meta.url)
const ece = require('http_ece') as { decrypt(buffer: Buffer, params: Record<string, unknown>): Buffer }

/** A browser-side subscription the fake made (what `PushManager.subscribe()` gives a page). */
export interface FakeSubscription {
  endpoint: string
  expirationTime: null
  keys: { p256dh: string; auth: string }
}

export interface ReceivedPush {
  endpoint: string
  /** The decrypted payload, parsed as JSON when it is JSON. */
  payload: unknown
  /** The verified VAPID claims (`aud`, `sub`, `exp`). */
  vapid: { aud: string; sub: string; exp: number }
  ttl: number
}

interface Recipient {
  ecdh: ECDH
  auth: string
  status: number
}

/**
 * A local Web Push service for tests: HTTPS on 127.0.0.1 with a self-signed certificate made at
 * start. It hands out subscriptions (a real P-256 key pair and auth secret per endpoint), checks
 * each push's VAPID JWT against the key in its `Authorization` header, decrypts the aes128gcm body
 * with `http_ece`, records it, and answers 201 — or, for endpoints set with `answer()`, 404/410.
 * Senders must trust the certificate (an agent with `rejectUnauthorized: false`).
 */
export class FakePushService {
  readonly received: ReceivedPush[] = []
  readonly refused: { endpoint: string; reason: string }[] = []
  private readonly recipients = new Map<string, Recipient>()
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakePushService> {
    const { key, cert } = selfSignedCertificate({ keyType: 'ec' })
    const server = createServer({ key, cert }, (request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        instance
          .accept(request.url ?? '', request.headers, Buffer.concat(chunks))
          .then((status) => response.writeHead(status).end())
          .catch(() => response.writeHead(500).end())
      })
    })
    const instance = new FakePushService(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return instance
  }

  get origin(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  /** A new subscription, as a browser would create one. */
  subscribe(): FakeSubscription {
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    const auth = randomBytes(16).toString('base64url')
    const endpoint = `${this.origin}/push/${randomBytes(8).toString('hex')}`
    this.recipients.set(new URL(endpoint).pathname, { ecdh, auth, status: 201 })
    return { endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } }
  }

  /** From now on, answer pushes to `endpoint` with `status` (404 or 410 = the subscription is gone). */
  answer(endpoint: string, status: number): void {
    const recipient = this.recipients.get(new URL(endpoint).pathname)
    if (!recipient) throw new Error(`unknown endpoint ${endpoint}`)
    recipient.status = status
  }

  /** What `endpoint` received, decrypted. */
  deliveredTo(endpoint: string): ReceivedPush[] {
    return this.received.filter((push) => push.endpoint === endpoint)
  }

  private async accept(path: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<number> {
    const endpoint = `${this.origin}${path}`
    const recipient = this.recipients.get(path)
    if (!recipient) return 404
    if (recipient.status !== 201) return recipient.status
    const refuse = (reason: string) => {
      this.refused.push({ endpoint, reason })
      return 400
    }
    if (headers['content-encoding'] !== 'aes128gcm') return refuse('content-encoding must be aes128gcm')
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(String(headers.authorization ?? ''))
    if (!match) return refuse('missing VAPID authorization')
    const raw = Buffer.from(match[2]!, 'base64url')
    if (raw.length !== 65 || raw[0] !== 4) return refuse('VAPID key is not an uncompressed P-256 point')
    let vapid: ReceivedPush['vapid']
    try {
      const key = await importJWK({ kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, 'ES256')
      const { payload } = await jwtVerify(match[1]!, key, { algorithms: ['ES256'], audience: this.origin })
      if (typeof payload.sub !== 'string' || !/^(mailto:|https:)/.test(payload.sub)) return refuse('VAPID sub must be mailto: or https:')
      if (typeof payload.exp !== 'number' || payload.exp > Date.now() / 1000 + 24 * 3600) return refuse('VAPID exp must be within 24 hours')
      vapid = { aud: String(payload.aud), sub: payload.sub, exp: payload.exp }
    } catch (error) {
      return refuse(`VAPID JWT rejected: ${(error as Error).message}`)
    }
    let text: string
    try {
      text = ece.decrypt(body, { version: 'aes128gcm', privateKey: recipient.ecdh, authSecret: recipient.auth }).toString('utf8')
    } catch (error) {
      return refuse(`cannot decrypt: ${(error as Error).message}`)
    }
    let payload: unknown = text
    try {
      payload = JSON.parse(text)
    } catch {
      // not JSON: keep the text
    }
    this.received.push({ endpoint, payload, vapid, ttl: Number(headers.ttl ?? 0) })
    return 201
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }
}

export const startPushService = () => FakePushService.start()
