import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { appProcesses, testDatabaseUrl, testRedisUrl } from '@hearth/kernel/testing'
import { NATIONAL } from '../src/groups.ts'
import { DEMO_FUNDRAISER_ID } from '../seeds/demo.ts'
import { eventually } from './helpers.ts'

const databaseUrl = testDatabaseUrl()
const redisUrl = testRedisUrl()
// A TTL far longer than the test: what the second process sees can only come through the bus.
const processes = databaseUrl && redisUrl ? appProcesses('raise', { databaseUrl, redisUrl, env: { PUBLIC_VIEW_CACHE_TTL_MS: '600000', SCHEDULES_ENABLED: 'false' } }) : undefined

after(async () => {
  await processes?.close()
})

test(
  "two Raise processes on one PostgreSQL and Redis: an admin edit answered by one drops the other's cached public view",
  { skip: processes ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL (two processes cannot share the embedded database)' },
  async () => {
    const first = await processes!.start({ SEED: 'demo' })
    const second = await processes!.start({ SEED: 'none' })
    const publicName = async (url: string) => ((await (await fetch(`${url}/public/fundraisers/${DEMO_FUNDRAISER_ID}`)).json()) as { publicName: string }).publicName

    const before = await publicName(second.url) // now cached in the second process
    const minted = await fetch(`${first.url}/qa/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'cache@example.com', groups: [NATIONAL] }) })
    const { token } = (await minted.json()) as { token: string }
    const edited = await fetch(`${first.url}/admin/fundraisers/${DEMO_FUNDRAISER_ID}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ publicName: `${before} (edited on the first process)` }),
    })
    assert.equal(edited.status, 204)
    await eventually(async () => (await publicName(second.url)) === `${before} (edited on the first process)`)
  },
)
