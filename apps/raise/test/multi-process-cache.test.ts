import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { appProcesses, testDatabaseUrl, testRedisUrl } from '@hearth/kernel/testing'
import { NATIONAL } from '../src/groups.ts'
import { DEMO_FUNDRAISER_ID } from '../seeds/demo.ts'
import { donationRequest, eventually } from './helpers.ts'

const databaseUrl = testDatabaseUrl()
const redisUrl = testRedisUrl()
// A TTL far longer than the test: what the second process sees can only come through the bus.
const processes =
  databaseUrl && redisUrl
    ? appProcesses('raise', { databaseUrl, redisUrl, env: { PUBLIC_VIEW_CACHE_TTL_MS: '600000', DONATION_SETTINGS_CACHE_TTL_MS: '600000', SCHEDULES_ENABLED: 'false' } })
    : undefined

after(async () => {
  await processes?.close()
})

type Started = Awaited<ReturnType<NonNullable<typeof processes>['start']>>
let both: { first: Started; second: Started } | undefined
/** The two processes, started once for the file: the first seeds the demo data. */
async function started() {
  both ??= { first: await processes!.start({ SEED: 'demo' }), second: await processes!.start({ SEED: 'none' }) }
  return both
}

async function adminToken(url: string): Promise<string> {
  const minted = await fetch(`${url}/qa/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'cache@example.com', groups: [NATIONAL] }) })
  return ((await minted.json()) as { token: string }).token
}

const skip = processes ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL (two processes cannot share the embedded database)'

test("two Raise processes on one PostgreSQL and Redis: an admin edit answered by one drops the other's cached public view", { skip }, async () => {
  const { first, second } = await started()
  const publicName = async (url: string) => ((await (await fetch(`${url}/public/fundraisers/${DEMO_FUNDRAISER_ID}`)).json()) as { publicName: string }).publicName

  const before = await publicName(second.url) // now cached in the second process
  const token = await adminToken(first.url)
  const edited = await fetch(`${first.url}/admin/fundraisers/${DEMO_FUNDRAISER_ID}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ publicName: `${before} (edited on the first process)` }),
  })
  assert.equal(edited.status, 204)
  await eventually(async () => (await publicName(second.url)) === `${before} (edited on the first process)`)
})

test("two Raise processes: pausing a fundraiser on one drops the other's cached donation settings, so its next donations are refused", { skip }, async () => {
  const { first, second } = await started()
  const token = await adminToken(first.url)
  const json = { 'content-type': 'application/json' }
  const now = Math.floor(Date.now() / 1000)
  const created = await fetch(`${first.url}/admin/fundraisers`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ activeFrom: now - 60, publicName: 'Two processes' }),
  })
  const fundraiserId = (await created.json()) as string
  const donate = () => fetch(`${second.url}/public/fundraisers/${fundraiserId}/donation`, { method: 'POST', headers: json, body: JSON.stringify(donationRequest()) })

  assert.equal((await donate()).status, 200) // the settings are now cached in the second process
  const paused = await fetch(`${first.url}/admin/fundraisers/${fundraiserId}`, { method: 'PATCH', headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ paused: true }) })
  assert.equal(paused.status, 204)
  await eventually(async () => (await donate()).status === 400)
  const refused = await donate()
  assert.equal(((await refused.json()) as { message: string }).message, 'Fundraiser is temporarily paused taking donations')
})
