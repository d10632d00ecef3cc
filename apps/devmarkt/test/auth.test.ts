import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { forbiddenError, gql, handMadeToken, headerFixtures, hmac, jwt, startDevmarkt, UNAUTHORIZED, type Devmarkt, type HeaderFixtures } from './helpers.ts'

let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
})
after(() => app.close())

const ROLES = ['ADMIN', 'USER', 'NONE']

describe('the 16 header fixtures of the original QA suite', () => {
  const expectations: Record<keyof HeaderFixtures, 'admin' | 'user' | 'none' | 'anonymous'> = {
    admin: 'admin',
    user: 'user',
    second_user: 'user',
    no_roles: 'none',
    foreign_admin: 'admin',
    foreign_user_role: 'user',
    foreign_no_role: 'none',
    foreign_not_known_user: 'user',
    foreign_unauthorized_sudoer: 'anonymous',
    wrong_foreign_token_userid_format: 'anonymous',
    wrong_format_foreign: 'anonymous',
    wrong_format_self: 'anonymous',
    wrong_format_userid: 'anonymous',
    invalid_method: 'anonymous',
    no_method: 'anonymous',
    NONE: 'anonymous',
  }
  for (const [fixture, expected] of Object.entries(expectations) as [keyof HeaderFixtures, string][]) {
    test(`${fixture} is treated as ${expected}`, async () => {
      const { status, body } = await gql(app, '{ roles templates { name } }', { auth: headers[fixture] })
      assert.equal(status, 200)
      if (expected === 'admin') {
        assert.deepEqual(body, { data: { roles: ROLES, templates: [{ name: 'Dev offered' }, { name: 'Dev searched' }, { name: 'Empty template' }] } })
      } else if (expected === 'user') {
        assert.deepEqual(body.data, { roles: null, templates: [{ name: 'Dev offered' }, { name: 'Dev searched' }, { name: 'Empty template' }] })
        assert.deepEqual(body.errors, [forbiddenError('Query', 'roles')])
      } else if (expected === 'none') {
        assert.deepEqual(body.data, { roles: null, templates: null })
        assert.deepEqual(body.errors, [forbiddenError('Query', 'roles'), forbiddenError('Query', 'templates')])
      } else {
        assert.deepEqual(body.data, { roles: null, templates: null })
        assert.deepEqual(body.errors, [UNAUTHORIZED, UNAUTHORIZED])
      }
    })
  }
})

describe('tokens', () => {
  test('an expired token gives no user; one expiring later works', async () => {
    const past = await jwt('internal:1', { exp: Math.floor(Date.now() / 1000) - 60 })
    assert.deepEqual((await gql(app, '{ roles }', { auth: `Self ${past}` })).body.errors, [UNAUTHORIZED])
    const future = await jwt('internal:1', { exp: Math.floor(Date.now() / 1000) + 600 })
    assert.deepEqual((await gql(app, '{ roles }', { auth: `Self ${future}` })).body, { data: { roles: ROLES } })
  })

  test('a token signed with another secret, with alg none, or with HS512 gives no user', async () => {
    const otherSecret = await jwt('internal:1', {}, 'another-secret-another-secret-another-secret')
    const none = handMadeToken({ alg: 'none', typ: 'JWT' }, { sub: 'internal:1' })
    const hs512 = handMadeToken({ alg: 'HS512', typ: 'JWT' }, { sub: 'internal:1' }, hmac('sha512'))
    const hs256 = handMadeToken({ alg: 'HS256', typ: 'JWT' }, { sub: 'internal:1' }, hmac('sha256'))
    for (const token of [otherSecret, none, hs512, 'not.a.token', '']) {
      assert.deepEqual((await gql(app, '{ roles }', { auth: `Self ${token}` })).body.errors, [UNAUTHORIZED], token)
    }
    assert.deepEqual((await gql(app, '{ roles }', { auth: `Self ${hs256}` })).body, { data: { roles: ROLES } })
  })

  test('a token without sub, with a malformed sub or an id beyond 64 bits gives no user', async () => {
    const noSub = handMadeToken({ alg: 'HS256', typ: 'JWT' }, { iat: 1516239022 }, hmac('sha256'))
    for (const token of [noSub, await jwt('internal_x:1'), await jwt('internal:9223372036854775808'), await jwt(' internal:1')]) {
      assert.deepEqual((await gql(app, '{ roles }', { auth: `Self ${token}` })).body.errors, [UNAUTHORIZED])
    }
  })

  test('the method is case-sensitive and takes exactly one space; a line break is no header', async () => {
    const admin = await jwt('internal:1')
    for (const header of [`self ${admin}`, `Self  ${admin}`, `SELF ${admin}`, `Self\t${admin}`, `Bearer ${admin}`, `Foreign ${admin} internal:1 extra`, `Foreign ${admin} internal:1\n`]) {
      assert.deepEqual((await gql(app, '{ roles }', { auth: header })).body.errors, [UNAUTHORIZED], header)
    }
  })

  test('a token for a user that does not exist gives no user (Self never creates users)', async () => {
    assert.deepEqual((await gql(app, '{ roles }', { auth: `Self ${await jwt('neverSeen:1')}` })).body.errors, [UNAUTHORIZED])
    const check = await gql(app, '{ user(id: {type: "neverSeen", number: 1}) { __typename } }', { auth: headers.admin })
    assert.equal(check.body.data!.user.__typename, 'Failure')
  })
})

describe('Foreign', () => {
  test('creates an unknown target as USER, complete on its first request', async () => {
    const auth = `Foreign ${await jwt('internal:1')} discord:1234567890123456789`
    const created = await gql(
      app,
      'mutation { createApplication(templateName: "Empty template", answers: []) { ... on Application { id user { id { type number } role } } ... on Failure { errors { code } } } }',
      { auth },
    )
    assert.equal(created.body.data!.createApplication.id, 7)
    assert.equal(created.body.data!.createApplication.user.role, 'USER')
    // Exact 64-bit digits on the wire (JSON.parse in the test would round them):
    assert.match(created.text, /"id":\{"type":"discord","number":1234567890123456789\}/)
    const mine = await gql(app, '{ application(id: 7) { ... on Application { id } } }', { auth })
    assert.deepEqual(mine.body, { data: { application: { id: 7 } } })
  })

  test('never creates a user of the reserved type internal', async () => {
    const auth = `Foreign ${await jwt('internal:1')} internal:7`
    assert.deepEqual((await gql(app, '{ templates { name } }', { auth })).body.errors, [UNAUTHORIZED])
    const check = await gql(app, '{ user(id: {type: "internal", number: 7}) { ... on Failure { errors { code } } } }', { auth: headers.admin })
    assert.deepEqual(check.body.data, { user: { errors: [{ code: 'NOT_FOUND' }] } })
  })

  test('a sudoer that is not an admin is UNAUTHORIZED, not FORBIDDEN, and creates nobody', async () => {
    const auth = `Foreign ${await jwt('testuser:2')} somebody:42`
    assert.deepEqual((await gql(app, '{ templates { name } }', { auth })).body.errors, [UNAUTHORIZED])
    const check = await gql(app, '{ user(id: {type: "somebody", number: 42}) { ... on Failure { errors { code } } } }', { auth: headers.admin })
    assert.deepEqual(check.body.data, { user: { errors: [{ code: 'NOT_FOUND' }] } })
  })
})

describe('error shape', () => {
  test('auth errors carry only message and classification, and sibling fields still resolve', async () => {
    const { body } = await gql(app, '{ templates { name } roles }', { auth: headers.user })
    assert.deepEqual(body.errors, [forbiddenError('Query', 'roles')])
    assert.equal(body.data!.templates.length, 3)
    assert.equal(body.data!.roles, null)
    assert.deepEqual(Object.keys(body.errors![0]!).sort(), ['extensions', 'message'])
  })
})
