import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { forbiddenError, gql, headerFixtures, startDevmarkt, UNAUTHORIZED, type Devmarkt, type HeaderFixtures } from './helpers.ts'

// A TTL far longer than the test: whatever changes below is seen through invalidation, not expiry.
let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt({ DEVMARKT_CACHE_TTL_MS: '600000' })
  headers = await headerFixtures()
})
after(() => app.close())

const TEMPLATES = '{ templates { name questions { question number multiline minAnswerLength } } }'
const templateNames = async (auth = headers.user) => ((await gql(app, TEMPLATES, { auth })).body.data!.templates as { name: string }[]).map((t) => t.name)
const admin = (query: string) => gql(app, query, { auth: headers.admin })
const setRoleBehindTheAppsBack = (number: number, role: string) => app.database.query(`UPDATE users SET role = $1 WHERE id_type = 'testuser' AND user_id = $2`, [role, number])

describe('the caller cache', () => {
  test('serves the cached row, and a role change through the API applies to the very next request', async () => {
    assert.equal((await templateNames()).length, 3) // testuser:2 (USER) is now cached
    // Proof that the row is cached: a change the app did not make is not seen (until the TTL).
    await setRoleBehindTheAppsBack(2, 'NONE')
    assert.equal((await templateNames()).length, 3)

    const demoted = await admin('mutation { updateUserRole(userId: {type: "testuser", number: 2}, role: NONE) { ... on User { role } } }')
    assert.deepEqual(demoted.body.data, { updateUserRole: { role: 'NONE' } })
    assert.deepEqual((await gql(app, TEMPLATES, { auth: headers.user })).body, { data: { templates: null }, errors: [forbiddenError('Query', 'templates')] })

    await admin('mutation { updateUserRole(userId: {type: "testuser", number: 2}, role: USER) { __typename } }')
    assert.equal((await templateNames()).length, 3)
  })

  test('a deleted user is unauthenticated on its next request; a re-created one is known again', async () => {
    assert.equal((await templateNames(headers.second_user)).length, 3)
    assert.deepEqual((await admin('mutation { deleteUser(userId: {type: "testuser", number: 3}) }')).body.data, { deleteUser: true })
    assert.deepEqual((await gql(app, TEMPLATES, { auth: headers.second_user })).body, { data: { templates: null }, errors: [UNAUTHORIZED] })
    await admin('mutation { createUser(userId: {type: "testuser", number: 3}, role: USER) { __typename } }')
    assert.equal((await templateNames(headers.second_user)).length, 3)
  })

  test('Foreign auth still creates an unknown target on its first request, and it stays known', async () => {
    const foreign = `${headers.foreign_admin.slice(0, headers.foreign_admin.lastIndexOf(' '))} cachetest:42`
    assert.equal((await templateNames(foreign)).length, 3)
    const created = await admin('{ user(id: {type: "cachetest", number: 42}) { ... on User { role } } }')
    assert.deepEqual(created.body.data, { user: { role: 'USER' } })
    assert.equal((await templateNames(foreign)).length, 3)
  })
})

describe('the templates cache', () => {
  test('is served from memory, and every template change through the API is seen at once', async () => {
    const before = await templateNames()
    assert.deepEqual(before, ['Dev offered', 'Dev searched', 'Empty template'])
    // Proof that the list is cached: a row the app did not write is not seen (until the TTL).
    await app.database.query(`INSERT INTO templates (name, enabled) VALUES ('Behind the back', true)`)
    assert.deepEqual(await templateNames(), before)

    await admin('mutation { createTemplate(name: "Cached", questions: [{question: "Q", number: 1, multiline: false}]) { __typename } }')
    assert.deepEqual(await templateNames(), ['Behind the back', 'Cached', 'Dev offered', 'Dev searched', 'Empty template'])
    const found = await gql(app, '{ template(name: "Cached") { ... on Template { questions { question minAnswerLength } } } }', { auth: headers.user })
    assert.deepEqual(found.body.data, { template: { questions: [{ question: 'Q', minAnswerLength: 1 }] } })

    await admin('mutation { updateTemplate(name: "Cached", updated: {name: "Renamed", questions: []}) { __typename } }')
    assert.deepEqual(await templateNames(), ['Behind the back', 'Dev offered', 'Dev searched', 'Empty template', 'Renamed'])

    await admin('mutation { deleteTemplate(name: "Renamed") }')
    await admin('mutation { deleteTemplate(name: "Behind the back") }')
    assert.deepEqual(await templateNames(), before)
  })

  test('the QA reseed drops both caches (ids restart)', async () => {
    await admin('mutation { createTemplate(name: "Before reseed", questions: [{question: "Q", number: 1, multiline: false}]) { __typename } }')
    await admin('mutation { updateUserRole(userId: {type: "testuser", number: 2}, role: ADMIN) { __typename } }')
    assert.ok((await templateNames()).includes('Before reseed'))
    assert.equal((await app.app.inject({ method: 'POST', url: '/qa/seedDatabase' })).statusCode, 200)
    assert.deepEqual(await templateNames(), ['Dev offered', 'Dev searched', 'Empty template'])
    // testuser:2 is USER again after the reseed: an admin-only field is refused.
    const { body } = await gql(app, '{ user(id: {type: "testuser", number: 1}) { __typename } }', { auth: headers.user })
    assert.deepEqual(body.errors, [forbiddenError('Query', 'user')])
  })
})

describe('the application caches', () => {
  const APPLICATION = '{ application(id: 1) { ... on Application { status user { role } template { name } answers { number answer } } ... on Failure { errors { code } } } }'
  interface ApplicationView {
    status?: string
    user?: { role: string }
    answers?: { number: number; answer: string }[]
    errors?: { code: string }[]
  }
  const read = async (auth = headers.admin) => (await gql(app, APPLICATION, { auth })).body.data!.application as ApplicationView

  test('application(id:) is served from memory, and every change through the API is seen at once', async () => {
    assert.equal((await app.app.inject({ method: 'POST', url: '/qa/seedDatabase' })).statusCode, 200)
    const first = await read()
    assert.equal(first.status, 'UNPROCESSED')
    assert.equal(first.user!.role, 'NONE')
    assert.equal(first.answers![1]!.answer, 'Lorem ipsum dolor sit amet, co N1')

    // Proof that the application and its answers are cached: changes the app did not make are not seen (until the TTL).
    await app.database.query(`UPDATE answers SET answer = 'Behind the back' WHERE application_id = 1 AND number = 0`)
    await app.database.query(`UPDATE applications SET status = 'REJECTED' WHERE id = 1`)
    assert.deepEqual(await read(), first)

    // The cached row still decides ownership: another user is refused as before.
    assert.deepEqual(await read(headers.second_user), { errors: [{ code: 'NOT_FOUND' }] })

    const updated = await admin('mutation { updateApplication(id: 1, updatedAnswers: [{number: 1, answer: "Rust"}]) { __typename } }')
    assert.deepEqual(updated.body.data, { updateApplication: { __typename: 'Application' } })
    const afterUpdate = await read()
    assert.deepEqual(
      afterUpdate.answers!.slice(0, 2).map((answer) => answer.answer),
      ['Behind the back', 'Rust'],
    )
    assert.equal(afterUpdate.status, 'REJECTED')

    assert.deepEqual((await admin('mutation { processApplication(id: 1, status: ACCEPTED) }')).body.data, { processApplication: true })
    assert.equal((await read()).status, 'ACCEPTED')

    await admin('mutation { updateUserRole(userId: {type: "testuser", number: 1}, role: USER) { __typename } }')
    assert.equal((await read()).user!.role, 'USER')

    assert.deepEqual((await admin('mutation { deleteApplication(id: 1) }')).body.data, { deleteApplication: true })
    assert.deepEqual(await read(), { errors: [{ code: 'NOT_FOUND' }] })
  })
})
