// Two Send A Hug processes on one PostgreSQL schema and one Redis: the public post lists each
// process caches are cleared in both by a change answered by either (src/cache/public-lists.ts).
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '@hearth/kernel'
import { testDatabaseUrl, testRedisUrl } from '@hearth/kernel/testing'

const databaseUrl = testDatabaseUrl()
const redisUrl = testRedisUrl()
const root = join(import.meta.dirname, '..', '..', '..')
const schema = `t_send_a_hug_multi_${randomBytes(4).toString('hex')}`
const children: ChildProcess[] = []

after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)))
  if (databaseUrl) {
    const database = await openDatabase({ url: databaseUrl, schema, poolSize: 1 })
    await database.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await database.close()
  }
})

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.once('error', reject)
  })
}

async function startProcess(seed: 'qa' | 'none'): Promise<string> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', join('apps', 'send-a-hug', 'src', 'server.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HEARTH_ENV: 'qa',
      SEED: seed,
      DATABASE_URL: databaseUrl,
      SEND_A_HUG_DATABASE_SCHEMA: schema,
      REDIS_URL: redisUrl,
      // Far longer than the test: a change seen by the other process came through the bus, not expiry.
      PUBLIC_LISTS_CACHE_TTL_MS: '600000',
      JOBS_ENABLED: 'false',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'hearth-send-a-hug-multi-')),
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  children.push(child)
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`send-a-hug on port ${port} exited with ${child.exitCode}`)
    try {
      const response = await fetch(`${url}/health`)
      if (response.ok && (await response.text()).includes('UP')) return url
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`send-a-hug on port ${port} did not become healthy`)
}

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
    const first = await startProcess('qa')
    const second = await startProcess('none')

    // The second process caches its lists; a change made behind the API's back (SQL) is not seen.
    const before = await home(second)
    const cachedPage = await newest(second)
    const database = await openDatabase({ url: databaseUrl!, schema, poolSize: 1 })
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
