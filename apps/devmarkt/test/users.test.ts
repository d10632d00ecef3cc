import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { gql, headerFixtures, jwt, startDevmarkt, UNAUTHORIZED, type Devmarkt, type HeaderFixtures } from './helpers.ts'

let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
})
after(() => app.close())

const admin = (query: string, variables?: Record<string, unknown>) => gql(app, query, { auth: headers.admin, variables })
const USER = '... on User { id { type number } role applications { id } currentApplication { id } } ... on Failure { errors { code data { __typename } } }'

describe('roles and user', () => {
  test('roles lists ADMIN, USER, NONE in that order', async () => {
    assert.deepEqual((await admin('{ roles }')).body, { data: { roles: ['ADMIN', 'USER', 'NONE'] } })
  })

  test('user returns the user or NOT_FOUND', async () => {
    assert.deepEqual((await admin(`{ user(id: {type: "testuser", number: 2}) { ${USER} } }`)).body.data!.user, {
      id: { type: 'testuser', number: 2 },
      role: 'USER',
      applications: [{ id: 4 }, { id: 5 }],
      currentApplication: null,
    })
    assert.deepEqual((await admin(`{ user(id: {type: "testuser", number: 99}) { ${USER} } }`)).body.data!.user, { errors: [{ code: 'NOT_FOUND', data: null }] })
  })

  test('a UserIdInput without number is refused for that field only', async () => {
    const { body } = await admin('{ user(id: {type: "testuser"}) { __typename } roles }')
    assert.equal(body.data!.user, null)
    assert.deepEqual(body.data!.roles, ['ADMIN', 'USER', 'NONE'])
    assert.match(body.errors![0].message, /number is required/)
  })
})

describe('Long keeps full 64-bit precision', () => {
  test('as a literal, a numeric string and a JSON number variable beyond 2^53', async () => {
    const max = '9223372036854775807'
    const viaLiteral = await admin(`mutation { createUser(userId: {type: "discord", number: ${max}}, role: USER) { ${USER} } }`)
    assert.match(viaLiteral.text, new RegExp(`"number":${max}\\}`))
    // A JSON number variable (written by hand: JSON.stringify cannot write it) must not be rounded.
    const response = await app.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: headers.admin, 'content-type': 'application/json' },
      payload: `{"query":"query ($id: UserIdInput!) { user(id: $id) { ... on User { id { number } } } }","variables":{"id":{"type":"discord","number":${max}}}}`,
    })
    assert.equal(response.body, `{"data":{"user":{"id":{"number":${max}}}}}`)
    const viaString = await admin('query ($id: UserIdInput!) { user(id: $id) { ... on User { id { number } } } }', { id: { type: 'discord', number: max } })
    assert.equal(viaString.text, `{"data":{"user":{"id":{"number":${max}}}}}`)
    const rounded = await admin('query ($id: UserIdInput!) { user(id: $id) { __typename } }', { id: { type: 'discord', number: 9223372036854775000 } })
    assert.equal(rounded.body.data!.user.__typename, 'Failure') // the client's own rounding: a different id
  })

  test('beyond 64 bits or not an integer is a request error', async () => {
    for (const number of ['9223372036854775808', '1.5', '"abc"']) {
      const { body } = await admin(`{ user(id: {type: "discord", number: ${number}}) { __typename } }`)
      assert.equal(body.data, null, number)
      assert.equal(body.errors!.length, 1)
    }
    const negative = await admin(`mutation { createUser(userId: {type: "neg", number: -9223372036854775808}, role: NONE) { ${USER} } }`)
    assert.match(negative.text, /"number":-9223372036854775808\}/)
  })
})

describe('createUser', () => {
  test('creates, then DUPLICATED for the same id', async () => {
    assert.deepEqual((await admin(`mutation { createUser(userId: {type: "github", number: 7}, role: ADMIN) { ${USER} } }`)).body.data!.createUser, {
      id: { type: 'github', number: 7 },
      role: 'ADMIN',
      applications: [],
      currentApplication: null,
    })
    assert.deepEqual((await admin(`mutation { createUser(userId: {type: "github", number: 7}, role: USER) { ${USER} } }`)).body.data!.createUser, {
      errors: [{ code: 'DUPLICATED', data: null }],
    })
    const login = await gql(app, '{ roles }', { auth: `Self ${await jwt('github:7')}` })
    assert.deepEqual(login.body, { data: { roles: ['ADMIN', 'USER', 'NONE'] } })
  })

  test('the type internal is reserved (any letter case)', async () => {
    for (const type of ['internal', 'Internal']) {
      assert.deepEqual((await admin(`mutation { createUser(userId: {type: "${type}", number: 2}, role: USER) { ${USER} } }`)).body.data!.createUser, {
        errors: [{ code: 'RESERVED_USER_TYPE', data: null }],
      })
    }
  })

  test('a blank type is a validation error', async () => {
    const { body } = await admin(`mutation { createUser(userId: {type: " ", number: 2}, role: USER) { ${USER} } }`)
    assert.equal(body.data!.createUser, null)
    assert.deepEqual(body.errors![0].extensions.classification, { type: 'ExtendedValidationError', validatedPath: ['userId', 'type'], constraint: '@NotBlank' })
  })
})

describe('updateUserRole and deleteUser', () => {
  test('the built-in admin cannot be modified or deleted; other internal ids are reserved', async () => {
    assert.deepEqual((await admin(`mutation { updateUserRole(userId: {type: "internal", number: 1}, role: USER) { ${USER} } }`)).body.data!.updateUserRole, {
      errors: [{ code: 'ADMIN_USER_CANT_BE_MODIFIED', data: null }],
    })
    assert.deepEqual((await admin(`mutation { updateUserRole(userId: {type: "internal", number: 5}, role: USER) { ${USER} } }`)).body.data!.updateUserRole, {
      errors: [{ code: 'RESERVED_USER_TYPE', data: null }],
    })
    assert.deepEqual((await admin('mutation { deleteUser(userId: {type: "internal", number: 1}) }')).body, { data: { deleteUser: false } })
    assert.deepEqual((await admin('{ roles }')).body, { data: { roles: ['ADMIN', 'USER', 'NONE'] } })
  })

  test('updateUserRole returns the complete user, or NOT_FOUND; the new role applies at once', async () => {
    assert.deepEqual((await admin(`mutation { updateUserRole(userId: {type: "testuser", number: 1}, role: USER) { ${USER} } }`)).body.data!.updateUserRole, {
      id: { type: 'testuser', number: 1 },
      role: 'USER',
      applications: [{ id: 1 }, { id: 3 }, { id: 2 }],
      currentApplication: { id: 1 },
    })
    assert.deepEqual((await gql(app, '{ application(id: 1) { ... on Application { id } } }', { auth: headers.no_roles })).body, { data: { application: { id: 1 } } })
    assert.deepEqual((await admin(`mutation { updateUserRole(userId: {type: "nobody", number: 1}, role: USER) { ${USER} } }`)).body.data!.updateUserRole, {
      errors: [{ code: 'NOT_FOUND', data: null }],
    })
  })

  test('deleteUser removes the user with its applications; its token stops working; a second delete is false', async () => {
    assert.deepEqual((await admin('mutation { deleteUser(userId: {type: "testuser", number: 2}) }')).body, { data: { deleteUser: true } })
    assert.deepEqual((await admin('{ application(id: 4) { ... on Failure { errors { code } } } }')).body.data!.application, { errors: [{ code: 'NOT_FOUND' }] })
    assert.deepEqual((await gql(app, '{ templates { name } }', { auth: headers.user })).body.errors, [UNAUTHORIZED])
    assert.deepEqual((await admin('mutation { deleteUser(userId: {type: "testuser", number: 2}) }')).body, { data: { deleteUser: false } })
  })
})
