// Two Send A Hug processes on one PostgreSQL schema and one Redis: the public post lists each
// process caches are cleared in both by a change answered by either (src/cache/public-lists.ts).
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { openDatabase } from '@hearth/kernel'
import { appProcesses, testDatabaseUrl, testRedisUrl } from '@hearth/kernel/testing'

const databaseUrl = testDatabaseUrl()
const redisUrl = testRedisUrl()
const processes =
  databaseUrl && redisUrl
    ? appProcesses('send-a-hug', {
        databaseUrl,
        redisUrl,
        // Far longer than the test: a change seen by the other process came through the bus, not expiry.
        env: { PUBLIC_LISTS_CACHE_TTL_MS: '600000', JOBS_ENABLED: 'false' },
      })
    : undefined
after(() => processes?.close())

type Post = { id: number; text: string; givenHugs: number }
const home = async (url: string) => (await (await fetch(`${url}/`)).json()) as { recent: Post[]; suggested: Post[] }
const newest = async (url: string) => (await (await fetch(`${url}/posts/new?page=1`)).json()) as { posts: Post[] }

/** Polls until `check` holds; the bus delivers in milliseconds, so 3 s is generous and far below the 10-minute TTL. */
async function within3s(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 3_000
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  assert.fail(`not seen within 3 s: ${what}`)
}

test(
  'a post created and hugged on one process reaches the cached public lists of the other',
  { skip: databaseUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL: two processes share one PostgreSQL and one Redis', timeout: 120_000 },
  async () => {
    const first = (await processes!.start({ SEED: 'qa' })).url // migrates and seeds
    const second = (await processes!.start({ SEED: 'none' })).url

    // The second process caches its lists; a change made behind the API's back (SQL) is not seen.
    const before = await home(second)
    const cachedPage = await newest(second)
    const database = await openDatabase({ url: databaseUrl!, schema: processes!.schema, poolSize: 1 })
    try {
      const top = before.recent[0]!
      await database.query('UPDATE posts SET text = $1 WHERE id = $2', ['changed behind the API', top.id])
      assert.equal((await home(second)).recent[0]!.text, top.text, 'the second process answers from its cache')
      assert.deepEqual(await newest(second), cachedPage)
    } finally {
      await database.close()
    }

    // A post created through the first process: the second's next reads show it.
    const { token } = (await (
      await fetch(`${first}/qa/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'abcd', email_verified: true }) })
    ).json()) as { token: string }
    const created = await fetch(`${first}/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ text: 'seen by both processes', date: new Date().toISOString() }),
    })
    assert.equal(created.status, 200, await created.clone().text())
    const post = ((await created.json()) as { posts: Post }).posts
    await within3s(async () => (await home(second)).recent[0]?.id === post.id, 'the new post first in the second process home list')
    await within3s(async () => (await newest(second)).posts[0]?.id === post.id, "the new post first on the second process's newest page")

    // A hug through the first process: the second process shows the new count.
    const hugged = await fetch(`${first}/posts/${post.id}/hugs`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${((await (await fetch(`${first}/qa/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'efgh', email_verified: true }) })).json()) as { token: string }).token}`,
      },
    })
    assert.ok(hugged.status < 400, `hug answered ${hugged.status}`)
    await within3s(async () => (await home(second)).recent.find((candidate) => candidate.id === post.id)?.givenHugs === 1, 'the hug counted in the second process')
  },
)
