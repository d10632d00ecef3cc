import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { DonationRow } from '../src/db/schema.ts'
import { factories } from './factories.ts'
import { startRaise, type RaiseTestContext } from './helpers.ts'

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
