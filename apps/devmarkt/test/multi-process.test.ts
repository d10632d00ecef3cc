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
import { headerFixtures, SECRET } from './helpers.ts'
import { settle, subscribeRaw } from './ws-client.ts'

const databaseUrl = testDatabaseUrl()
const redisUrl = testRedisUrl()
const root = join(import.meta.dirname, '..', '..', '..')
const children: ChildProcess[] = []
const schema = `t_devmarkt_multi_${randomBytes(4).toString('hex')}`

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

async function startProcess(port: number, seed: 'qa' | 'none'): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('apps', 'devmarkt', 'src', 'server.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HEARTH_ENV: 'qa',
      SEED: seed,
      DATABASE_URL: databaseUrl,
      DEVMARKT_DATABASE_SCHEMA: schema,
      REDIS_URL: redisUrl,
      DEVMARKT_AUTH_JWTSECRET: SECRET,
      // Far longer than the test: a change seen by the other process came through the bus, not expiry.
      DEVMARKT_CACHE_TTL_MS: '600000',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'hearth-devmarkt-multi-')),
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  children.push(child)
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`devmarkt on port ${port} exited with ${child.exitCode}`)
    try {
      const response = await fetch(`${url}/health`)
      if (response.ok && (await response.text()).includes('UP')) return url
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`devmarkt on port ${port} did not become healthy`)
}

async function post(url: string, authorization: string, query: string): Promise<unknown> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query }) })
  return response.json()
}

/** Retries until `check` passes (the bus delivers asynchronously); fails with the last error after ~10 s. */
async function eventually(check: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await check()
    } catch (error) {
      if (attempt >= 100) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

const TEMPLATE_NAMES = '{ templates { name } }'

test(
  "two Devmarkt processes on one PostgreSQL and Redis: an application created through one reaches a subscriber on the other, a role change ends subscriptions and evicts cached callers everywhere, a template change reaches the other's templates cache",
  { skip: databaseUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL (two processes cannot share the embedded database)' },
  async () => {
    const headers = await headerFixtures()
    const first = await startProcess(await freePort(), 'qa') // migrates and seeds
    const second = await startProcess(await freePort(), 'none')
    const created = await subscribeRaw(`${second.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', 'subscription { applicationCreated { id user { id { type number } } } }', {
      payload: headers.admin,
    })
    const deleted = await subscribeRaw(`${second.replace('http', 'ws')}/graphql-ws`, 'graphql-ws', 'subscription { applicationDeleted }', { payload: headers.user })
    await settle(500)

    const response = await fetch(`${first}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: headers.admin },
      body: JSON.stringify({ query: 'mutation { createApplication(templateName: "Empty template", answers: []) { ... on Application { id } ... on Failure { errors { code } } } }' }),
    })
    assert.deepEqual(await response.json(), { data: { createApplication: { id: 7 } } })
    assert.deepEqual(await created.next(10_000), { type: 'next', id: '1', payload: { data: { applicationCreated: { id: 7, user: { id: { type: 'internal', number: 1 } } } } } })

    // The second process caches testuser:2 (USER) and the template list.
    assert.deepEqual(await post(second, headers.user, TEMPLATE_NAMES), { data: { templates: [{ name: 'Dev offered' }, { name: 'Dev searched' }, { name: 'Empty template' }] } })

    // A role change made through the first process ends testuser:2's subscription on the second,
    // and the second's next request as testuser:2 runs with the new role.
    const demote = await fetch(`${first}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: headers.admin },
      body: JSON.stringify({ query: 'mutation { updateUserRole(userId: {type: "testuser", number: 2}, role: NONE) { ... on User { role } } }' }),
    })
    assert.deepEqual(await demote.json(), { data: { updateUserRole: { role: 'NONE' } } })
    assert.deepEqual(await deleted.next(10_000), { type: 'complete', id: '1' })
    await eventually(async () =>
      assert.deepEqual(await post(second, headers.user, TEMPLATE_NAMES), {
        data: { templates: null },
        errors: [{ message: "You're forbidden to use 'Query' @ 'templates'.", extensions: { classification: 'FORBIDDEN' } }],
      }),
    )

    // A template created through the first process is listed by the second.
    assert.deepEqual(await post(first, headers.admin, 'mutation { createTemplate(name: "From first", questions: [{question: "Q", number: 1, multiline: false}]) { __typename } }'), {
      data: { createTemplate: { __typename: 'Template' } },
    })
    await eventually(async () =>
      assert.deepEqual(await post(second, headers.admin, TEMPLATE_NAMES), {
        data: { templates: [{ name: 'Dev offered' }, { name: 'Dev searched' }, { name: 'Empty template' }, { name: 'From first' }] },
      }),
    )
    created.close()
    deleted.close()
  },
)
