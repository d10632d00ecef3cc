import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import devmarkt from '../src/app.ts'
import { gql, headerFixtures, jwt, SECRET, startDevmarkt, type Devmarkt, type HeaderFixtures } from './helpers.ts'
import { buildTestApp } from '@hearth/kernel/testing'

let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
})
after(() => app.close())

describe('/graphql over HTTP', () => {
  test('GET with query, operationName and JSON variables', async () => {
    const query = 'query Named($name: TemplateName!) { template(name: $name) { ... on Template { name } } } query Other { roles }'
    const url = `/graphql?${new URLSearchParams({ query, operationName: 'Named', variables: JSON.stringify({ name: 'Dev offered' }) })}`
    const response = await app.app.inject({ method: 'GET', url, headers: { authorization: headers.user } })
    assert.equal(response.statusCode, 200)
    assert.match(response.headers['content-type'] as string, /application\/json/)
    assert.deepEqual(response.json(), { data: { template: { name: 'Dev offered' } } })
  })

  test('GET keeps 64-bit variables exact', async () => {
    const url = `/graphql?${new URLSearchParams({ query: 'query ($id: UserIdInput!) { user(id: $id) { __typename } }' })}&variables=${encodeURIComponent('{"id":{"type":"discord","number":9223372036854775807}}')}`
    const response = await app.app.inject({ method: 'GET', url, headers: { authorization: headers.admin } })
    assert.deepEqual(response.json(), { data: { user: { __typename: 'Failure' } } })
  })

  test('a mutation over GET is refused with 405', async () => {
    const response = await app.app.inject({ method: 'GET', url: `/graphql?query=${encodeURIComponent('mutation { deleteTemplate(name: "Dev offered") }')}`, headers: { authorization: headers.admin } })
    assert.equal(response.statusCode, 405)
    assert.ok(Array.isArray(response.json().errors))
    const still = await gql(app, '{ template(name: "Dev offered") { __typename } }', { auth: headers.admin })
    assert.equal(still.body.data!.template.__typename, 'Template')
  })

  test('GraphQL-level errors answer 200: syntax, unknown field, bad variables', async () => {
    for (const [query, variables, operationName] of [
      ['{ roles', undefined, undefined],
      ['{ nope }', undefined, undefined],
      ['query ($id: ApplicationId!) { application(id: $id) { __typename } }', { id: 'seven' }, undefined],
      ['query ($id: ApplicationId!) { application(id: $id) { __typename } }', {}, undefined],
    ] as const) {
      const response = await app.app.inject({ method: 'POST', url: '/graphql', headers: { authorization: headers.admin }, payload: { query, variables, operationName } })
      assert.equal(response.statusCode, 200, query)
      const body = response.json()
      assert.ok(Array.isArray(body.errors) && body.errors.length > 0, query)
      assert.ok(body.data === null || body.data === undefined, query)
    }
  })

  test('application/graphql bodies work too', async () => {
    const response = await app.app.inject({ method: 'POST', url: '/graphql', headers: { authorization: headers.admin, 'content-type': 'application/graphql' }, payload: '{ roles }' })
    assert.deepEqual(response.json(), { data: { roles: ['ADMIN', 'USER', 'NONE'] } })
  })
})

describe('operations', () => {
  test('/health says UP', async () => {
    const response = await app.app.inject({ method: 'GET', url: '/health' })
    assert.equal(response.statusCode, 200)
    assert.match(response.body, /UP/)
  })

  test('/graphiql serves a page whose assets come from this server, not a CDN', async () => {
    const page = await app.app.inject({ method: 'GET', url: '/graphiql' })
    assert.equal(page.statusCode, 200)
    assert.match(page.headers['content-type'] as string, /text\/html/)
    assert.doesNotMatch(page.body, /https?:\/\//)
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!)
    assert.deepEqual(sources.sort(), [
      '/graphiql/assets/graphiql.min.css',
      '/graphiql/assets/graphiql.min.js',
      '/graphiql/assets/react-dom.production.min.js',
      '/graphiql/assets/react.production.min.js',
      '/graphiql/init.js',
    ])
    for (const source of sources) {
      const asset = await app.app.inject({ method: 'GET', url: source })
      assert.equal(asset.statusCode, 200, source)
      assert.ok(asset.rawPayload.length > 100, source)
    }
    assert.equal((await app.app.inject({ method: 'GET', url: '/graphiql/assets/..%2Fpackage.json' })).statusCode, 404)
  })
})

describe('QA mode', () => {
  test('POST /qa/seedDatabase wipes and re-seeds: 200, ids start at 1 again, the next application is 7', async () => {
    await gql(app, 'mutation { createTemplate(name: "Extra", questions: [{question: "Q", number: 0, multiline: false}]) { __typename } }', { auth: headers.admin })
    await gql(app, 'mutation { createApplication(templateName: "Empty template", answers: []) { __typename } }', { auth: `Foreign ${await jwt('internal:1')} seedcheck:1` })
    const response = await app.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
    assert.equal(response.statusCode, 200)
    assert.equal(response.body, '')
    const templates = await gql(app, '{ templates { name } }', { auth: headers.admin })
    assert.deepEqual(templates.body.data!.templates, [{ name: 'Dev offered' }, { name: 'Dev searched' }, { name: 'Empty template' }])
    const created = await gql(app, 'mutation { createApplication(templateName: "Empty template", answers: []) { ... on Application { id } } }', {
      auth: `Foreign ${await jwt('internal:1')} seedcheck:1`,
    })
    assert.deepEqual(created.body, { data: { createApplication: { id: 7 } } })
    // Statements prepared before a reset keep working after it (the original's bug #210).
    assert.equal((await app.app.inject({ method: 'POST', url: '/qa/seedDatabase' })).statusCode, 200)
    const again = await gql(app, '{ user(id: {type: "testuser", number: 1}) { ... on User { role applications { id status } } } }', { auth: headers.admin })
    assert.deepEqual(again.body.data!.user, {
      role: 'NONE',
      applications: [
        { id: 1, status: 'UNPROCESSED' },
        { id: 3, status: 'REJECTED' },
        { id: 2, status: 'ACCEPTED' },
      ],
    })
  })

  test('outside QA mode there is no /qa route', async () => {
    const development = await buildTestApp(devmarkt, { env: { HEARTH_ENV: 'development', SEED: 'none', DEVMARKT_AUTH_JWTSECRET: SECRET } })
    try {
      assert.equal((await development.app.inject({ method: 'POST', url: '/qa/seedDatabase' })).statusCode, 404)
    } finally {
      await development.close()
    }
  })
})

describe('banner', () => {
  test('prints working Self tokens for the seeded users and a Foreign example', async () => {
    const banner = await devmarkt.banner(app.config, app.app)
    assert.equal(banner.docsPath, '/graphiql')
    const credentials = Object.values(banner.credentials)
    const roles = await Promise.all(credentials.map(async (header) => (await gql(app, '{ user: roles templates { name } }', { auth: header })).body))
    assert.deepEqual(roles[0]!.data!.user, ['ADMIN', 'USER', 'NONE']) // admin
    assert.equal(roles[1]!.data!.templates.length, 3) // testuser:2
    assert.ok(credentials.some((header) => header.startsWith('Foreign ') && header.endsWith(' discord:123456789012345678')))
  })

  test('a generated development secret is at least 32 characters; a short one is refused', async () => {
    const config = devmarkt.loadConfig({ HEARTH_ENV: 'development', DATA_DIR: app.config.dataDir })
    assert.ok(config.jwtSecret.length >= 32)
    assert.throws(() => devmarkt.loadConfig({ DEVMARKT_AUTH_JWTSECRET: 'short', DATA_DIR: app.config.dataDir }), /DEVMARKT_AUTH_JWTSECRET/)
    assert.throws(() => devmarkt.loadConfig({ HEARTH_ENV: 'production', SEED: 'none', DATABASE_URL: 'postgres://x@127.0.0.1/x', DATA_DIR: app.config.dataDir }), /DEVMARKT_AUTH_JWTSECRET/)
  })
})
