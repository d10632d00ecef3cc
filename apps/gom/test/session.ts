// Signing in as the Gom UI does (spec §11.1: Gom has no /qa/token): `GET /auth/ping` for the
// session and the `csrf-token` cookie, then `POST /auth/login` with the `X-Csrf-Token` header.
// The helpers return what `app.inject` needs for the next requests: the cookies and the CSRF header.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { SELLERS } from '../seeds/sellers.ts'

/** Cookies as a browser keeps them, by name, raw (still URL-encoded) as the server wrote them. */
export class CookieJar {
  readonly values = new Map<string, string>()

  /** Takes every `Set-Cookie` of a response: sets, replaces, or (expired / empty) removes. */
  take(response: Pick<LightMyRequestResponse, 'headers'>): this {
    const header = response.headers['set-cookie']
    const lines = header === undefined ? [] : Array.isArray(header) ? header : [String(header)]
    for (const line of lines) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((attribute) => /^\s*expires=thu, 01 jan 1970/i.test(attribute) || /^\s*max-age=0$/i.test(attribute))
      if (expired || value === '') this.values.delete(name)
      else this.values.set(name, value)
    }
    return this
  }

  get(name: string): string | undefined {
    const value = this.values.get(name)
    return value === undefined ? undefined : decodeURIComponent(value)
  }

  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

export interface SignedIn {
  /** The `Cookie` header. */
  cookie: string
  /** `cookie` plus `x-csrf-token` (the value of the `csrf-token` cookie, as the UI sends it). */
  headers: { cookie: string; 'x-csrf-token': string }
  jar: CookieJar
  /** The login's 200 body. */
  profile: Record<string, string>
}

/** `GET /auth/ping`: a fresh session and its `csrf-token` cookie. */
export async function ping(app: FastifyInstance, jar = new CookieJar()): Promise<CookieJar> {
  const response = await app.inject({ method: 'GET', url: '/auth/ping', headers: jar.values.size ? { cookie: jar.header() } : {} })
  if (response.statusCode !== 200) throw new Error(`ping answered ${response.statusCode}: ${response.body}`)
  return jar.take(response)
}

export function headersOf(jar: CookieJar): SignedIn['headers'] {
  return { cookie: jar.header(), 'x-csrf-token': jar.get('csrf-token') ?? '' }
}

async function login(app: FastifyInstance, body: Record<string, string>): Promise<SignedIn> {
  const jar = await ping(app)
  const response = await app.inject({ method: 'POST', url: '/auth/login', headers: headersOf(jar), payload: body })
  if (response.statusCode !== 200) throw new Error(`login answered ${response.statusCode}: ${response.body}`)
  jar.take(response)
  const headers = headersOf(jar)
  return { cookie: headers.cookie, headers, jar, profile: response.json() }
}

/** A seller of the seed (spec §11.3), with the built-in provider's password unless one is given. */
export function loginAsSeller(app: FastifyInstance, email: string, password?: string): Promise<SignedIn> {
  const seller = SELLERS.find((candidate) => candidate.email === email)
  const secret = password ?? seller?.password
  if (secret === undefined) throw new Error(`no seeded seller ${email}`)
  return login(app, { grantType: 'password', username: email, password: secret })
}

/** A customer by share code and phone (phone grant). */
export function loginAsCustomer(app: FastifyInstance, shareCode: string, phone: string): Promise<SignedIn> {
  return login(app, { grantType: 'phone', username: shareCode, phone })
}
