import { signHs256 } from '@hearth/kernel'
import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import devmarkt from '../src/app.ts'
import type { DevmarktConfig } from '../src/config.ts'

export const SECRET = 'devmarkt-test-secret-devmarkt-test-secret-0123456789' // 50 characters, like the original's QA secret

export type Devmarkt = TestApp<DevmarktConfig>

/** Devmarkt in QA mode on a fresh database with the §6.1 seed. */
export function startDevmarkt(env: Record<string, string> = {}): Promise<Devmarkt> {
  return buildTestApp(devmarkt, { env: { DEVMARKT_AUTH_JWTSECRET: SECRET, SEED: 'qa', ...env } })
}

export const jwt = (sub: string, claims: Record<string, unknown> = {}, secret = SECRET) => signHs256({ sub, iat: 1516239022, ...claims }, secret)

/** The original QA suite's 16 header fixtures (spec §6), as complete header values. */
export async function headerFixtures() {
  const admin = await jwt('internal:1')
  return {
    admin: `Self ${admin}`,
    user: `Self ${await jwt('testuser:2')}`,
    second_user: `Self ${await jwt('testuser:3')}`,
    no_roles: `Self ${await jwt('testuser:1')}`,
    foreign_admin: `Foreign ${admin} internal:1`,
    foreign_user_role: `Foreign ${admin} testuser:2`,
    foreign_no_role: `Foreign ${admin} testuser:1`,
    foreign_not_known_user: `Foreign ${admin} notKnown:1`,
    foreign_unauthorized_sudoer: `Foreign ${await jwt('testuser:2')} internal:1`,
    wrong_foreign_token_userid_format: `Foreign ${await jwt('testuser2')} test:1`,
    wrong_format_foreign: `Foreign ${admin}`,
    wrong_format_self: `Self ${admin} test:123`,
    wrong_format_userid: `Self ${await jwt('wrong_format')}`,
    invalid_method: `SpongeBob ${admin}`,
    no_method: admin,
    NONE: '',
  }
}

export type HeaderFixtures = Awaited<ReturnType<typeof headerFixtures>>

export interface GraphqlResponse {
  status: number
  body: { data?: Record<string, any> | null; errors?: any[] } // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string
}

export async function gql(app: Devmarkt, query: string, options: { auth?: string; variables?: Record<string, unknown> } = {}): Promise<GraphqlResponse> {
  const response = await app.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: options.auth === undefined ? {} : { authorization: options.auth },
    payload: { query, variables: options.variables },
  })
  return { status: response.statusCode, body: response.json(), text: response.body }
}

export const UNAUTHORIZED = { message: 'No or invalid authentication found.', extensions: { classification: 'UNAUTHORIZED' } }
export const forbiddenError = (type: string, field: string) => ({ message: `You're forbidden to use '${type}' @ '${field}'.`, extensions: { classification: 'FORBIDDEN' } })

import { createHmac } from 'node:crypto'

/** A token signed by hand: any header (alg none, HS512, …), any secret. */
export function handMadeToken(header: Record<string, unknown>, payload: Record<string, unknown>, sign: (input: string) => string = () => '') {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${encode(header)}.${encode(payload)}`
  return `${input}.${sign(input)}`
}

export const hmac =
  (algorithm: 'sha256' | 'sha512', secret = SECRET) =>
  (input: string) =>
    createHmac(algorithm, secret).update(input).digest('base64url')
