import { buildTestApp, type TestApp } from '@hearth/kernel/testing'
import { startFakeStripe, type FakeStripe } from '@hearth/kernel/testing/stripe-api'
import { startSmtpSink, type SmtpSink } from '@hearth/kernel/testing/smtp-sink'
import type { Database } from '@hearth/kernel'
import raise from '../src/app.ts'
import type { RaiseConfig } from '../src/config.ts'
import { TokenService } from '../src/auth/tokens.ts'
import { NATIONAL, NATIONAL_TECH } from '../src/groups.ts'
import { seedDemo } from '../seeds/demo.ts'

export const WEBHOOK_SECRET = 'whsec_hearth_raise_tests'
export const LOCAL_GROUP = '01GPYGNDBDHY9685YHRKWT6VE7'

export interface RaiseTestContext extends TestApp<RaiseConfig> {
  stripe: FakeStripe
  smtp: SmtpSink
  /** An access token for `subject` with `groups` (default: the original tests' caller). */
  token(groups?: string[], subject?: string): Promise<string>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies field by field, as the original's tests did
  request(method: string, url: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Record<string, unknown> }>
  close(): Promise<void>
}

/** Raise on a fresh database, with the local fake Stripe (real SDK) and an SMTP sink. */
export async function startRaise(options: { seed?: boolean; env?: Record<string, string>; database?: Database } = {}): Promise<RaiseTestContext> {
  const smtp = await startSmtpSink()
  const stripe = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET })
  const testApp = await buildTestApp(raise, {
    database: options.database,
    env: {
      STRIPE_SECRET_KEY: 'sk_test_raise',
      STRIPE_API_URL: stripe.url,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SMTP_URL: smtp.url,
      SCHEDULES_ENABLED: 'false',
      JOB_POLL_INTERVAL_MS: '20',
      RAISE_STRIPE_RATE_DELAY_MS: '0',
      ...options.env,
    },
  })
  const { app, config } = testApp
  stripe.setWebhook({
    deliver: async (payload, signature) =>
      (await app.inject({ method: 'POST', url: '/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, payload })).statusCode,
  })
  if (options.seed) await seedDemo(testApp.database.db)
  const tokens = new TokenService({ privateKey: config.jwtPrivateKey, publicKey: config.jwtPublicKey, requireIssuedAtAfter: undefined })
  const defaultToken = (await tokens.signAccessToken('tests', [NATIONAL, LOCAL_GROUP])).value
  return {
    ...testApp,
    stripe,
    smtp,
    token: async (groups = [NATIONAL, LOCAL_GROUP], subject = 'tests') => (await tokens.signAccessToken(subject, groups)).value,
    async request(method, url, requestOptions = {}) {
      const token = requestOptions.token === undefined ? defaultToken : requestOptions.token
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(requestOptions.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...requestOptions.headers,
        },
        ...(requestOptions.body !== undefined ? { payload: typeof requestOptions.body === 'string' ? requestOptions.body : JSON.stringify(requestOptions.body) } : {}),
      })
      return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers }
    },
    async close() {
      await testApp.close()
      await stripe.close()
      await smtp.close()
    },
  }
}

export { NATIONAL, NATIONAL_TECH }

/** A valid public donation body. */
export function donationRequest(overrides: Record<string, unknown> = {}) {
  return {
    donationAmount: 15000,
    recurrenceFrequency: null,
    contributionAmount: 0,
    giftAid: false,
    donorName: 'Ada Lovelace',
    donorEmail: 'ada@example.com',
    emailConsentInformational: false,
    emailConsentMarketing: false,
    addressLine1: null,
    addressLine2: null,
    addressLine3: null,
    addressPostcode: null,
    addressCountry: null,
    overallPublic: true,
    namePublic: true,
    donationAmountPublic: true,
    comment: 'For the nets',
    ...overrides,
  }
}

/** Waits until `check` returns a truthy value (jobs run asynchronously). */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const start = Date.now()
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
