import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { appProcesses, testDatabaseUrl, testRedisUrl } from '@hearth/kernel/testing'
import { headerFixtures, SECRET } from './helpers.ts'
import { settle, subscribeRaw } from './ws-client.ts'

const databaseUrl = testDatabaseUrl()
const redisUrl = testRedisUrl()
const processes = databaseUrl ? appProcesses('devmarkt', { databaseUrl, redisUrl, env: { DEVMARKT_AUTH_JWTSECRET: SECRET, DEVMARKT_CACHE_TTL_MS: '600000' } }) : undefined

after(async () => {
  await processes?.close()
})

/** One more Devmarkt process on the shared schema and Redis (the first migrates; `qa` also seeds). */
const startProcess = async (seed: 'qa' | 'none') => (await processes!.start({ SEED: seed })).url

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
  "two Devmarkt processes on one PostgreSQL and Redis: an application created through one reaches a subscriber on the other, a role change ends subscriptions and evicts cached callers everywhere, a template change reaches the other's templates cache, an application's status and answers changed on one are seen by the other's application cache",
  { skip: databaseUrl && redisUrl ? false : 'needs TEST_DATABASE_URL and TEST_REDIS_URL (two processes cannot share the embedded database)' },
  async () => {
    const headers = await headerFixtures()
    const first = await startProcess('qa') // migrates and seeds
    const second = await startProcess('none')
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

    // The second process caches application 1 (row, owner, answers); a change made through the first reaches it.
    const APPLICATION = '{ application(id: 1) { ... on Application { status answers { answer } } } }'
    const before = (await post(second, headers.admin, APPLICATION)) as { data: { application: { status: string; answers: { answer: string }[] } } }
    assert.equal(before.data.application.status, 'UNPROCESSED')
    assert.deepEqual(await post(first, headers.admin, 'mutation { processApplication(id: 1, status: REJECTED) }'), { data: { processApplication: true } })
    assert.deepEqual(await post(first, headers.admin, 'mutation { updateApplication(id: 1, updatedAnswers: [{number: 0, answer: "From first"}]) { __typename } }'), {
      data: { updateApplication: { __typename: 'Application' } },
    })
    await eventually(async () =>
      assert.deepEqual(await post(second, headers.admin, APPLICATION), {
        data: { application: { status: 'REJECTED', answers: [{ answer: 'From first' }, ...before.data.application.answers.slice(1)] } },
      }),
    )
    created.close()
    deleted.close()
  },
)
