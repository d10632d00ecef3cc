// Send A Hug: the home page (`GET /`, recent and suggested posts) and `GET /posts/new?page=1` on
// 100,000 posts, against the original's stack (Quart + SQLAlchemy async + asyncpg on Hypercorn).
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { dropSchema, repositoryRoot, withClient } from '../lib/environment.ts'
import { nodeServer, packageVersion, type Scenario } from '../lib/scenario.ts'
import { freePort } from '../lib/servers.ts'
import type { Operation } from '../lib/load.ts'

const SCHEMA = 'send_a_hug'
/** One post in this many of the inserted ones gets an open report, which hides it from both lists. */
const OPEN_REPORT_EVERY = 100
const PYTHON = '/usr/bin/python3'

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

interface PostView {
  id: number
  userId: number
  user: string
  text: string
  date: string
  givenHugs: number
  sentHugs: number[]
}

function checkPost(post: PostView): void {
  assert(Number.isInteger(post.id) && Number.isInteger(post.userId), 'post ids')
  assert(typeof post.user === 'string' && typeof post.text === 'string', 'post user and text')
  assert(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(post.date), `HTTP date, got ${post.date}`)
  assert(Number.isInteger(post.givenHugs) && Array.isArray(post.sentHugs), 'hug fields')
}

/** Fills the posts table up to `totalPosts` (after the QA seed's 24) and opens some reports. */
async function insertPosts(databaseUrl: string, totalPosts: number): Promise<{ visible: number }> {
  return withClient(databaseUrl, async (client) => {
    await client.query(`SET search_path TO ${SCHEMA}`)
    await client.query('BEGIN')
    const existing = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM posts')).rows[0]!.n)
    const authors = (await client.query<{ id: number }>('SELECT id FROM users ORDER BY id')).rows.map((row) => row.id)
    assert(authors.length > 0, 'the QA seed has no users')
    // Distinct dates (one every 67.123 s from 2021 on), so both orders are total and every
    // implementation returns the same posts in the same order.
    await client.query(
      `INSERT INTO posts (user_id, text, date, given_hugs, sent_hugs)
       SELECT ($2::int[])[1 + g % array_length($2::int[], 1)],
              'Benchmark post ' || g || ': sending a hug to everyone reading this, have a lovely day.',
              timestamp '2021-01-01 00:00:00' + g * interval '67.123 seconds',
              g % 37,
              CASE WHEN g % 37 = 0 THEN '{}'::int[] ELSE ARRAY[($2::int[])[1 + (g + 1) % array_length($2::int[], 1)]] END
         FROM generate_series(1, $1::int) g`,
      [totalPosts - existing, authors],
    )
    const reporter = authors[0]!
    await client.query(
      `INSERT INTO reports (type, user_id, post_id, reporter, report_reason, date, dismissed, closed)
       SELECT 'Post', p.user_id, p.id, $1::int, 'Benchmark: an open report hides this post', p.date, false, false
         FROM posts p WHERE p.text LIKE 'Benchmark post %' AND p.id % $2::int = 0`,
      [reporter, OPEN_REPORT_EVERY],
    )
    await client.query('COMMIT')
    await client.query('ANALYZE')
    const counts = await client.query<{ posts: string; visible: string }>(
      `SELECT (SELECT count(*) FROM posts) AS posts,
              (SELECT count(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.post_id = p.id AND NOT r.closed)) AS visible`,
    )
    console.log(`[bench] send-a-hug: ${counts.rows[0]!.posts} posts, ${counts.rows[0]!.visible} without an open report`)
    return { visible: Number(counts.rows[0]!.visible) }
  })
}

function debianVersion(pkg: string): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).split('-')[0]!
  } catch {
    return '?'
  }
}

const scenario: Scenario = {
  name: 'send-a-hug',
  title: 'Send A Hug (REST) vs Quart + SQLAlchemy',
  sizes: { values: [10_000, 100_000], unit: 'posts' },
  async prepare(settings, totalPosts = 100_000) {
    let visible = 0
    const home: Operation = {
      name: 'GET /',
      method: 'GET',
      path: '/',
      check(body) {
        const value = body as { success: boolean; recent: PostView[]; suggested: PostView[] }
        assert(value.success === true, 'success')
        assert(value.recent.length === 10 && value.suggested.length === 10, 'ten recent and ten suggested posts')
        for (const post of [...value.recent, ...value.suggested]) checkPost(post)
        const dates = value.recent.map((post) => Date.parse(post.date))
        assert(
          dates.every((date, index) => index === 0 || date <= dates[index - 1]!),
          'recent is newest first',
        )
        const hugs = value.suggested.map((post) => post.givenHugs)
        assert(
          hugs.every((count, index) => index === 0 || count >= hugs[index - 1]!),
          'suggested is fewest hugs first',
        )
      },
    }
    const newest: Operation = {
      name: 'GET /posts/new?page=1',
      method: 'GET',
      path: '/posts/new?page=1',
      check(body) {
        const value = body as { success: boolean; posts: PostView[]; total_pages: number }
        assert(value.success === true, 'success')
        assert(value.posts.length === 5, 'five posts a page')
        for (const post of value.posts) checkPost(post)
        assert(value.total_pages === Math.ceil(visible / 5), `total_pages ${value.total_pages}, expected ${Math.ceil(visible / 5)}`)
      },
    }

    await dropSchema(settings.databaseUrl, SCHEMA)
    const hearthPort = await freePort()
    const cacheOffPort = await freePort()
    const peerPort = await freePort()
    const hearthServer = (target: string, port: number, env: Record<string, string>) =>
      nodeServer(
        target,
        `Send A Hug (\`apps/send-a-hug/src/server.ts\`: Fastify ${packageVersion('fastify')} on the Hearth kernel, pg pool of 10, HEARTH_ENV=qa, LOG_LEVEL=warn, RESPONSE_VALIDATION=false as in production, ` +
          (env.PUBLIC_LISTS_CACHE_TTL_MS === '0'
            ? 'public-lists cache **off** (`PUBLIC_LISTS_CACHE_TTL_MS=0`): every request reads PostgreSQL)'
            : 'public-lists cache on, 5 s TTL, cleared on every change)'),
        join(repositoryRoot, 'apps/send-a-hug/src/server.ts'),
        port,
        {
          DATABASE_URL: settings.databaseUrl,
          HEARTH_ENV: 'qa',
          SEED: 'none',
          LOG_LEVEL: 'warn',
          RESPONSE_VALIDATION: 'false',
          DATA_DIR: join(settings.workDir, `send-a-hug-data-${target}`),
          PORT: String(port),
          SEND_A_HUG_PORT: String(port),
          ...env,
        },
        '/health',
      )
    return {
      setup: [
        `Data: PostgreSQL database \`${new URL(settings.databaseUrl).pathname.slice(1)}\`, schema \`${SCHEMA}\`, migrated by Send A Hug at start, ` +
          `the QA seed loaded through \`POST /qa/seedDatabase\`, then posts inserted by SQL up to ${totalPosts.toLocaleString('en-US')} in all ` +
          `(distinct dates, 0–36 hugs, spread over the seed's users), one inserted post in ${OPEN_REPORT_EVERY} with an open report (hidden from both lists), then \`ANALYZE\`.`,
        '',
        'Operations (no authentication, as in the original): **GET /** (10 most recent and 10 suggested posts) and **GET /posts/new?page=1** ' +
          '(5 newest posts and `total_pages`, which counts every visible post).',
      ],
      operations: [home, newest],
      hearth: hearthServer('hearth', hearthPort, {}),
      variants: [hearthServer('hearth-cache-off', cacheOffPort, { PUBLIC_LISTS_CACHE_TTL_MS: '0' })],
      async afterHearthStart(server) {
        const seeded = await fetch(`${server.url}/qa/seedDatabase`, { method: 'POST' })
        if (!seeded.ok) throw new Error(`POST /qa/seedDatabase answered ${seeded.status}: ${await seeded.text()}`)
        visible = (await insertPosts(settings.databaseUrl, totalPosts)).visible
      },
      peer: {
        target: 'peer',
        label:
          `Quart ${debianVersion('python3-quart')} + SQLAlchemy ${debianVersion('python3-sqlalchemy')} (async ORM) + asyncpg ${debianVersion('python3-asyncpg')} ` +
          `on Hypercorn ${debianVersion('python3-hypercorn')} with the **uvloop** worker (\`-k uvloop\`, one worker), Debian's Python ${debianVersion('python3.11')} ` +
          '(`bench/peers/quart`, pool of 10). The default asyncio worker is not used: it adds ~43 ms to every response (Nagle, see STACK.md)',
        command: PYTHON,
        args: ['-m', 'hypercorn', '-k', 'uvloop', '-w', '1', '-b', `127.0.0.1:${peerPort}`, 'app:app'],
        cwd: join(repositoryRoot, 'bench/peers/quart'),
        env: { PATH: '/usr/bin:/bin', DATABASE_URL: settings.databaseUrl, DATABASE_SCHEMA: SCHEMA },
        port: peerPort,
        readyPath: '/health',
      },
      targets: [
        { maxPeakRssMiB: 250 }, // issue 12: one app on a PostgreSQL server under the benchmark load
        { operation: 'GET /', versus: 'peer', minimum: 10 },
        { operation: 'GET /', versus: 'ceiling', minimum: 0.4 },
        { operation: 'GET /', maxP99Ms: 25 },
        { operation: 'GET /posts/new?page=1', versus: 'peer', minimum: 10 },
        { operation: 'GET /posts/new?page=1', versus: 'ceiling', minimum: 0.4 },
        { operation: 'GET /posts/new?page=1', maxP99Ms: 25 },
      ],
      notes: [
        'The peer reads the tables exactly as Hearth laid them out, so both take the same path through PostgreSQL: "no open ' +
          'report" is `open_reports = 0` (a trigger-kept counter with partial indexes for both orders) and `total_pages` comes ' +
          'from the trigger-kept `post_totals` row. The original computed both with EXISTS over `reports` and count(*), which ' +
          'scans all 100,000 posts on every request; the peer does not, so the ratio compares the stacks, not the schemas. ' +
          'Both answer the same JSON (checked before the load).',
        'Hearth keeps the public lists in a per-process cache (`apps/send-a-hug/src/cache/public-lists.ts`): cleared by every ' +
          'successful state-changing request in the process that answered it and, through the kernel bus, in every other; the ' +
          '5 s TTL bounds a lost message. The peer has no cache. `hearth-cache-off` is the same app with the cache off, measured ' +
          'in the same run, so the rows show what the cache buys and what the uncached read costs.',
      ],
    }
  },
}

export default scenario
