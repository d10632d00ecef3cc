import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { forbiddenError, gql, headerFixtures, startDevmarkt, UNAUTHORIZED, type Devmarkt, type HeaderFixtures } from './helpers.ts'

let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
})
after(() => app.close())

const adminOnly: [type: 'Query' | 'Mutation', field: string, document: string][] = [
  ['Query', 'roles', '{ roles }'],
  ['Query', 'user', '{ user(id: {type: "testuser", number: 2}) { __typename } }'],
  ['Mutation', 'createTemplate', 'mutation { createTemplate(name: "New", questions: [{question: "Q", number: 0, multiline: false}]) { __typename } }'],
  ['Mutation', 'deleteTemplate', 'mutation { deleteTemplate(name: "Dev offered") }'],
  ['Mutation', 'updateTemplate', 'mutation { updateTemplate(name: "Dev offered", updated: {name: "Renamed", questions: []}) { __typename } }'],
  ['Mutation', 'createUser', 'mutation { createUser(userId: {type: "new", number: 1}, role: ADMIN) { __typename } }'],
  ['Mutation', 'deleteUser', 'mutation { deleteUser(userId: {type: "testuser", number: 3}) }'],
  ['Mutation', 'updateUserRole', 'mutation { updateUserRole(userId: {type: "testuser", number: 2}, role: ADMIN) { __typename } }'],
  ['Mutation', 'processApplication', 'mutation { processApplication(id: 1, status: ACCEPTED) }'],
]

describe('admin-only fields', () => {
  for (const [type, field, document] of adminOnly) {
    for (const who of ['user', 'no_roles', 'foreign_user_role', 'foreign_no_role'] as const) {
      test(`${type}.${field} is FORBIDDEN for ${who}`, async () => {
        const { status, body } = await gql(app, document, { auth: headers[who] })
        assert.equal(status, 200)
        assert.deepEqual(body, { data: { [field]: null }, errors: [forbiddenError(type, field)] })
      })
    }
    test(`${type}.${field} is UNAUTHORIZED without credentials`, async () => {
      assert.deepEqual((await gql(app, document)).body, { data: { [field]: null }, errors: [UNAUTHORIZED] })
    })
  }

  test('nothing the refused calls asked for happened', async () => {
    const { body } = await gql(app, '{ templates { name } user(id: {type: "testuser", number: 2}) { ... on User { role } } application(id: 1) { ... on Application { status } } }', {
      auth: headers.admin,
    })
    assert.deepEqual(body.data, {
      templates: [{ name: 'Dev offered' }, { name: 'Dev searched' }, { name: 'Empty template' }],
      user: { role: 'USER' },
      application: { status: 'UNPROCESSED' },
    })
  })
})

describe('user fields', () => {
  const userFields: [type: 'Query' | 'Mutation', field: string, document: string][] = [
    ['Query', 'templates', '{ templates { name } }'],
    ['Query', 'template', '{ template(name: "Dev offered") { __typename } }'],
    ['Mutation', 'createApplication', 'mutation { createApplication(templateName: "Empty template", answers: []) { __typename } }'],
  ]
  for (const [type, field, document] of userFields) {
    test(`${type}.${field} is FORBIDDEN for role NONE and UNAUTHORIZED anonymously`, async () => {
      assert.deepEqual((await gql(app, document, { auth: headers.no_roles })).body, { data: { [field]: null }, errors: [forbiddenError(type, field)] })
      assert.deepEqual((await gql(app, document)).body, { data: { [field]: null }, errors: [UNAUTHORIZED] })
    })
  }
})

describe('@AuthOwnApplication', () => {
  test("another user's application reads as NOT_FOUND, its delete as false, its update as NOT_FOUND", async () => {
    const auth = headers.second_user // testuser:3 does not own application 4
    const read = await gql(app, '{ application(id: 4) { ... on Failure { errors { code data { __typename } } } } }', { auth })
    assert.deepEqual(read.body, { data: { application: { errors: [{ code: 'NOT_FOUND', data: null }] } } })
    assert.deepEqual((await gql(app, 'mutation { deleteApplication(id: 4) }', { auth })).body, { data: { deleteApplication: false } })
    const update = await gql(app, 'mutation { updateApplication(id: 4, updatedAnswers: [{number: 0, answer: "x"}]) { ... on Failure { errors { code } } } }', { auth })
    assert.deepEqual(update.body, { data: { updateApplication: { errors: [{ code: 'NOT_FOUND' }] } } })
    const still = await gql(app, '{ application(id: 4) { ... on Application { id status } } }', { auth: headers.admin })
    assert.deepEqual(still.body, { data: { application: { id: 4, status: 'ACCEPTED' } } })
  })

  test('a missing application looks the same as a foreign one', async () => {
    const read = await gql(app, '{ application(id: 999) { ... on Failure { errors { code } } } }', { auth: headers.user })
    assert.deepEqual(read.body, { data: { application: { errors: [{ code: 'NOT_FOUND' }] } } })
    assert.deepEqual((await gql(app, 'mutation { deleteApplication(id: 999) }', { auth: headers.user })).body, { data: { deleteApplication: false } })
  })

  test('an owner with role NONE passes ownership and is then FORBIDDEN by @Auth', async () => {
    const { body } = await gql(app, '{ application(id: 1) { __typename } }', { auth: headers.no_roles })
    assert.deepEqual(body, { data: { application: null }, errors: [forbiddenError('Query', 'application')] })
  })

  test('the owner and admins read it', async () => {
    for (const auth of [headers.user, headers.admin, headers.foreign_user_role]) {
      assert.deepEqual((await gql(app, '{ application(id: 4) { ... on Application { id } } }', { auth })).body, { data: { application: { id: 4 } } })
    }
  })

  test('without credentials it is UNAUTHORIZED', async () => {
    assert.deepEqual((await gql(app, '{ application(id: 4) { __typename } }')).body, { data: { application: null }, errors: [UNAUTHORIZED] })
    assert.deepEqual((await gql(app, 'mutation { deleteApplication(id: 4) }')).body, { data: { deleteApplication: null }, errors: [UNAUTHORIZED] })
  })
})

describe('order of the wrappers', () => {
  test('invalid input without credentials gives the validation error, not UNAUTHORIZED', async () => {
    const { body } = await gql(app, 'mutation { createApplication(templateName: "Empty template", answers: [{number: 0, answer: ""}]) { __typename } }')
    assert.equal(body.data!.createApplication, null)
    assert.equal(body.errors!.length, 2) // @NotBlank and @Size(min: 1)
    assert.deepEqual(
      body.errors!.map((error) => error.extensions.classification.constraint),
      ['@NotBlank', '@Size'],
    )
  })

  test('introspection needs no credentials', async () => {
    const { body } = await gql(app, '{ __schema { queryType { name } } __type(name: "Role") { enumValues { name } } }')
    assert.deepEqual(body, { data: { __schema: { queryType: { name: 'Query' } }, __type: { enumValues: [{ name: 'USER' }, { name: 'ADMIN' }, { name: 'NONE' }] } } })
  })
})
