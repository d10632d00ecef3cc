// Without STRIPE_SECRET_KEY (development and QA) Raise runs the local fake Stripe in-process, loaded
// with a dynamic import; with a key it never loads it, and production refuses to start without one.
import { test } from 'node:test'
import { generateKeyPairSync } from 'node:crypto'
import assert from 'node:assert/strict'
import { buildTestApp } from '@hearth/kernel/testing'
import raise from '../src/app.ts'
import { NATIONAL } from '../src/groups.ts'
import { donationRequest, eventually, startRaise } from './helpers.ts'

test('without a Stripe key the fake runs in-process: a donation confirmed on it is credited through the webhook', async () => {
  const testApp = await buildTestApp(raise, { env: { SCHEDULES_ENABLED: 'false', JOB_POLL_INTERVAL_MS: '20' } })
  const { app, config } = testApp
  try {
    assert.equal(config.stripeFake, true)
    assert.ok(app.raise.developmentStripe)
    const token = (await app.raise.tokens.signAccessToken('dev@example.com', [NATIONAL])).value
    const call = async (method: 'GET' | 'POST', url: string, body?: unknown, bearer: string | null = token) => {
      const response = await app.inject({
        method,
        url,
        headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      })
      return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined }
    }
    const fundraiserId = (await call('POST', '/admin/fundraisers', { activeFrom: Math.floor(Date.now() / 1000) - 60 })).body as string
    const donation = await call('POST', `/public/fundraisers/${fundraiserId}/donation`, donationRequest({ donationAmount: 2000 }), null)
    assert.equal(donation.status, 200)
    const intentId = (donation.body.stripeClientSecret as string).split('_secret_')[0]!
    assert.match(intentId, /^pi_/)
    const confirmed = await call('POST', `/dev/stripe/payment-intents/${intentId}/confirm`, undefined, null)
    assert.deepEqual([confirmed.status, confirmed.body.status, confirmed.body.amount], [200, 'succeeded', 2000])
    await eventually(async () => (await call('GET', '/admin/fundraisers')).body.find((row: { id: string }) => row.id === fundraiserId).totalRaised === 2000)
  } finally {
    await testApp.close()
  }
})

test('with a Stripe key the fake is not started and its route does not exist', async () => {
  const ctx = await startRaise()
  try {
    assert.equal(ctx.app.raise.developmentStripe, undefined)
    const response = await ctx.request('POST', '/dev/stripe/payment-intents/pi_123/confirm', { token: null })
    assert.deepEqual([response.status, response.body], [404, { message: 'Endpoint not found' }])
  } finally {
    await ctx.close()
  }
})

test('production refuses to start without a Stripe key', () => {
  const jwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const production = { HEARTH_ENV: 'production', DATABASE_URL: 'postgres://localhost/raise', JWT_PRIVATE_KEY: jwtKey, STRIPE_WEBHOOK_SECRET: 'whsec_production' }
  assert.throws(() => raise.loadConfig(production, { alone: true }), /STRIPE_SECRET_KEY: is required in production/)
  assert.equal(raise.loadConfig({ ...production, STRIPE_SECRET_KEY: 'sk_live_x' }, { alone: true }).stripeFake, false)
})
