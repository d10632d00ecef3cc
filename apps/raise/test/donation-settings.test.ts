import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startRaise, donationRequest, type RaiseTestContext } from './helpers.ts'

// src/cache/donation-settings.ts: what a public donation is checked against is cached per process,
// kept through donations and webhooks, dropped by every other successful write. Pausing a fundraiser
// with plain SQL (behind the API's back) shows which: a cached check still lets the donation through.

let ctx: RaiseTestContext
before(async () => {
  ctx = await startRaise()
})
after(() => ctx.close())

async function newFundraiser(app: RaiseTestContext): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const response = await app.request('POST', '/admin/fundraisers', { body: { activeFrom: now - 60, publicName: 'Settings' } })
  assert.equal(response.status, 200, JSON.stringify(response.body))
  return response.body
}

const donate = (app: RaiseTestContext, fundraiserId: string) => app.request('POST', `/public/fundraisers/${fundraiserId}/donation`, { token: null, body: donationRequest() })
const pauseBehindTheApi = (app: RaiseTestContext, fundraiserId: string) => app.app.hearth.database.query('UPDATE fundraisers SET paused = true WHERE id = $1', [fundraiserId])

describe('donation settings cache', () => {
  test('a donation and its webhook keep the cached settings; any other successful write drops them', async () => {
    const fundraiserId = await newFundraiser(ctx)
    const first = await donate(ctx, fundraiserId)
    assert.equal(first.status, 200, JSON.stringify(first.body))
    await pauseBehindTheApi(ctx, fundraiserId)

    // Cached: the pause made in SQL is not seen, through another donation and a webhook either.
    const second = await donate(ctx, fundraiserId)
    assert.equal(second.status, 200, JSON.stringify(second.body))
    const intentId = (second.body.stripeClientSecret as string).split('_secret_')[0]!
    assert.equal((await ctx.stripe.confirm(intentId)).status, 200)
    assert.deepEqual(
      ctx.stripe.deliveries.filter((delivery) => delivery.paymentIntentId === intentId).map((delivery) => delivery.status),
      [204],
    )
    assert.equal((await donate(ctx, fundraiserId)).status, 200)

    // A write that is not a donation's (here an edit of another field) drops them: the pause is seen.
    const edited = await ctx.request('PATCH', `/admin/fundraisers/${fundraiserId}`, { body: { publicName: 'Settings (edited)' } })
    assert.equal(edited.status, 204, JSON.stringify(edited.body))
    const refused = await donate(ctx, fundraiserId)
    assert.equal(refused.status, 400)
    assert.equal(refused.body.message, 'Fundraiser is temporarily paused taking donations')
  })

  test('a refused write keeps them, and a fundraiser not found is not cached', async () => {
    const fundraiserId = await newFundraiser(ctx)
    assert.equal((await donate(ctx, fundraiserId)).status, 200)
    await pauseBehindTheApi(ctx, fundraiserId)
    assert.equal((await ctx.request('PATCH', `/admin/fundraisers/${fundraiserId}`, { body: { publicName: 'No token' }, token: null })).status, 401)
    assert.equal((await donate(ctx, fundraiserId)).status, 200, 'a 401 changed nothing, so the cached settings stand')

    const unknown = '01H0000000000000000000000Y'
    assert.equal((await donate(ctx, unknown)).status, 404)
    // Now it exists (a copy of the first, not paused), made in SQL: nothing told the cache.
    await ctx.app.hearth.database.query(
      `INSERT INTO fundraisers SELECT (jsonb_populate_record(NULL::fundraisers, to_jsonb(f) || jsonb_build_object('id', $1::text, 'paused', false))).* FROM fundraisers f WHERE f.id = $2`,
      [unknown, fundraiserId],
    )
    assert.equal((await donate(ctx, unknown)).status, 200, 'the 404 was not remembered')
  })

  test('DONATION_SETTINGS_CACHE_TTL_MS=0 reads the settings for every donation', async () => {
    const uncached = await startRaise({ env: { DONATION_SETTINGS_CACHE_TTL_MS: '0' } })
    try {
      const fundraiserId = await newFundraiser(uncached)
      assert.equal((await donate(uncached, fundraiserId)).status, 200)
      await pauseBehindTheApi(uncached, fundraiserId)
      assert.equal((await donate(uncached, fundraiserId)).status, 400)
    } finally {
      await uncached.close()
    }
  })
})
