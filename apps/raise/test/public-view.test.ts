import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { DonationRow } from '../src/db/schema.ts'
import { factories } from './factories.ts'
import type { RaiseEventBus } from '../src/events.ts'
import { eventually, startRaise, type RaiseTestContext } from './helpers.ts'

// Spec §2.4: only donations that are overallPublic and counted, newest first (ids are ULIDs), each
// with id, createdAt and comment; donorName only when namePublic; the amounts only when
// donationAmountPublic; hidden keys left out, never null.

let ctx: RaiseTestContext
before(async () => {
  ctx = await startRaise()
})
after(() => ctx.close())

/** A donation of the fundraiser with this id, named after its id's last two characters, created at 1_700_000_000 unless said otherwise. */
const donation = (id: string, fundraiserId: string, fields: Partial<DonationRow>) =>
  factories(ctx.database.db).donation(fundraiserId, { id, donorName: `Donor ${id.slice(-2)}`, createdAt: 1_700_000_000, ...fields })

describe('public fundraiser view', () => {
  test('lists only public, counted donations, newest id first, with the fields their flags allow', async () => {
    const now = Math.floor(Date.now() / 1000)
    const created = await ctx.request('POST', '/admin/fundraisers', { body: { activeFrom: now - 60, publicName: 'Public View', internalName: 'Secret name' } })
    assert.equal(created.status, 200, JSON.stringify(created.body))
    const fundraiserId: string = created.body
    const other = (await ctx.request('POST', '/admin/fundraisers', { body: { publicName: 'Other' } })).body as string

    // Inserted out of id order; createdAt deliberately disagrees with the id order.
    await donation('01HB0000000000000000000002', fundraiserId, {
      createdAt: 1_700_000_300,
      comment: 'all shown',
      giftAid: true,
      donationAmount: 1234.5,
      matchFundingAmount: 9_007_199_254,
      recurringAmount: 500,
      recurrenceFrequency: 'WEEKLY',
    })
    await donation('01HB0000000000000000000005', fundraiserId, { createdAt: 1_700_000_100, namePublic: false, comment: 'amounts only' })
    await donation('01HB0000000000000000000001', fundraiserId, { createdAt: 1_700_000_200, donationAmountPublic: false, comment: null })
    await donation('01HB0000000000000000000004', fundraiserId, { overallPublic: false, comment: 'not public' })
    await donation('01HB0000000000000000000003', fundraiserId, { donationCounted: false, comment: 'not counted' })
    await donation('01HB0000000000000000000006', fundraiserId, { namePublic: false, donationAmountPublic: false, comment: 'nothing optional' })
    await donation('01HB0000000000000000000007', other, { comment: 'another fundraiser' })

    const response = await ctx.app.inject({ method: 'GET', url: `/public/fundraisers/${fundraiserId}` })
    assert.equal(response.statusCode, 200)
    const body = JSON.parse(response.body)
    assert.equal(body.internalName, undefined)
    assert.equal(body.groupsWithAccess, undefined)
    assert.equal(body.publicName, 'Public View')
    // The exact bytes of the list: order of donations and of keys, no nulls for hidden keys.
    const expected = [
      '{"id":"01HB0000000000000000000006","createdAt":1700000000,"comment":"nothing optional"}',
      '{"id":"01HB0000000000000000000005","createdAt":1700000100,"comment":"amounts only","giftAid":false,"donationAmount":1000,"matchFundingAmount":1000,"recurringAmount":null,"recurrenceFrequency":null}',
      '{"id":"01HB0000000000000000000002","createdAt":1700000300,"comment":"all shown","donorName":"Donor 02","giftAid":true,"donationAmount":1234.5,"matchFundingAmount":9007199254,"recurringAmount":500,"recurrenceFrequency":"WEEKLY"}',
      '{"id":"01HB0000000000000000000001","createdAt":1700000200,"comment":null,"donorName":"Donor 01"}',
    ]
    assert.ok(response.body.endsWith(`"donations":[${expected.join(',')}]}`), response.body)

    const empty = await ctx.request('GET', `/public/fundraisers/${other}`, { token: null })
    assert.deepEqual(
      empty.body.donations.map((row: { id: string }) => row.id),
      ['01HB0000000000000000000007'],
    )
  })
})

describe('the public view in a compressed coding', () => {
  test('a browser gets it brotli-compressed, a gzip-only client gzip, others as it is: the same JSON each time', async () => {
    const now = Math.floor(Date.now() / 1000)
    const fundraiserId = (await ctx.request('POST', '/admin/fundraisers', { body: { activeFrom: now - 60, publicName: 'Compressed View' } })).body as string
    for (let index = 0; index < 40; index++) {
      await donation(`01HE00000000000000000000${String(index).padStart(2, '0')}`, fundraiserId, { comment: `Good luck, number ${index}!` })
    }
    const get = (acceptEncoding?: string) =>
      ctx.app.inject({ method: 'GET', url: `/public/fundraisers/${fundraiserId}`, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } })
    const plain = await get()
    assert.equal(plain.statusCode, 200)
    assert.equal(plain.headers['content-encoding'], undefined)
    assert.equal(JSON.parse(plain.body).donations.length, 40)

    const browser = await get('gzip, deflate, br, zstd')
    assert.equal(browser.headers['content-encoding'], 'br')
    assert.match(String(browser.headers.vary), /Accept-Encoding/)
    assert.ok(browser.rawPayload.byteLength < plain.rawPayload.byteLength / 3, `${browser.rawPayload.byteLength} of ${plain.rawPayload.byteLength} bytes`)
    assert.equal(brotliDecompressSync(browser.rawPayload).toString('utf8'), plain.body)

    const gzipOnly = await get('gzip')
    assert.equal(gzipOnly.headers['content-encoding'], 'gzip')
    assert.equal(gunzipSync(gzipOnly.rawPayload).toString('utf8'), plain.body)
  })
})

describe('the public view cache', () => {
  test('serves the written JSON from memory; every successful state-changing request and the collection job drop it', async () => {
    // With Redis the writing process also hears its own `publicViewsChanged`, a little after it cleared locally
    // (harmless: one more reload). Waiting for it after each write keeps what this test proves cached exact.
    const heard = { count: 0 }
    await (ctx.app.hearth.events as RaiseEventBus).subscribe('publicViewsChanged', () => void heard.count++)
    const writesHeard = (count: number) => eventually(() => heard.count >= count)
    const now = Math.floor(Date.now() / 1000)
    const fundraiserId = (await ctx.request('POST', '/admin/fundraisers', { body: { activeFrom: now - 60, publicName: 'Cached View' } })).body as string
    await writesHeard(1)
    await donation('01HC0000000000000000000001', fundraiserId, { comment: 'first' })
    const view = async () => {
      const response = await ctx.app.inject({ method: 'GET', url: `/public/fundraisers/${fundraiserId}` })
      assert.equal(response.statusCode, 200)
      assert.match(String(response.headers['content-type']), /^application\/json/)
      return JSON.parse(response.body) as { publicName: string; donations: { id: string }[] }
    }
    const ids = async () => (await view()).donations.map((row) => row.id)
    assert.deepEqual(await ids(), ['01HC0000000000000000000001'])

    // Proof that it is cached: a donation written behind the app's back is not seen (until the TTL).
    await donation('01HC0000000000000000000002', fundraiserId, { comment: 'behind the back' })
    assert.deepEqual(await ids(), ['01HC0000000000000000000001'])

    // A read that fails, or a refused write, changes nothing.
    assert.equal((await ctx.request('GET', '/public/fundraisers/01HC0000000000000000000099', { token: null })).status, 404)
    assert.equal((await ctx.request('PATCH', `/admin/fundraisers/${fundraiserId}`, { body: { publicName: 'Edited' }, token: null })).status, 401)
    assert.deepEqual(await ids(), ['01HC0000000000000000000001'])

    // An admin edit through the API is seen by the very next read, with everything else that changed.
    const edited = await ctx.request('PATCH', `/admin/fundraisers/${fundraiserId}`, { body: { publicName: 'Edited' } })
    assert.equal(edited.status, 204, JSON.stringify(edited.body))
    await writesHeard(2)
    assert.deepEqual(await view().then((body) => [body.publicName, body.donations.map((row) => row.id)]), ['Edited', ['01HC0000000000000000000002', '01HC0000000000000000000001']])

    // The daily collection is a job, not a request: it drops the views itself.
    await donation('01HC0000000000000000000003', fundraiserId, { comment: 'during collection' })
    assert.equal((await ids()).length, 2)
    await ctx.app.raise.jobs.enqueue(ctx.database.db, 'payments.collect', { slot: new Date().toISOString() })
    await ctx.app.raise.jobs.drain()
    assert.equal((await ids()).length, 3)
  })

  test('PUBLIC_VIEW_CACHE_TTL_MS=0 reads PostgreSQL on every request, and answers the same bytes', async () => {
    const uncached = await startRaise({ env: { PUBLIC_VIEW_CACHE_TTL_MS: '0' } })
    try {
      const now = Math.floor(Date.now() / 1000)
      const fundraiserId = (await uncached.request('POST', '/admin/fundraisers', { body: { activeFrom: now - 60, publicName: 'Uncached' } })).body as string
      const first = await uncached.app.inject({ method: 'GET', url: `/public/fundraisers/${fundraiserId}` })
      await factories(uncached.database.db).donation(fundraiserId, { id: '01HD0000000000000000000001', comment: 'seen at once' })
      const second = await uncached.app.inject({ method: 'GET', url: `/public/fundraisers/${fundraiserId}` })
      assert.deepEqual(JSON.parse(first.body).donations, [])
      assert.deepEqual(
        JSON.parse(second.body).donations.map((row: { id: string }) => row.id),
        ['01HD0000000000000000000001'],
      )
      assert.equal(second.headers['content-type'], first.headers['content-type'])
    } finally {
      await uncached.close()
    }
  })
})
