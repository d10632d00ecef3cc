import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { gql, headerFixtures, startDevmarkt, type Devmarkt, type HeaderFixtures } from './helpers.ts'

let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
})
after(() => app.close())

const JS_ERROR_TEXT =
  /Maximum call stack|Cannot read propert|TypeError|ReferenceError|RangeError|undefined is not|is not iterable|is not a function|mercurius|FST_|MER_ERR|graphql-jit|Internal server error/i

async function post(payload: string | Record<string, unknown>, auth = headers.admin) {
  const response = await app.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { authorization: auth, 'content-type': 'application/json' },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  })
  return { status: response.statusCode, body: response.json(), text: response.body, headers: response.headers }
}

async function get(parameters: Record<string, string>, auth = headers.admin) {
  const response = await app.app.inject({ method: 'GET', url: `/graphql?${new URLSearchParams(parameters)}`, headers: { authorization: auth } })
  return { status: response.statusCode, body: response.json(), text: response.body }
}

/** Devmarkt's shape for a request refused before GraphQL runs: HTTP 200 (spec §5.1), `{data: null, errors: [{message}]}`. */
function assertRefused(response: { status: number; body: unknown; text: string }, message: RegExp, status = 200) {
  assert.equal(response.status, status, response.text)
  assert.deepEqual(Object.keys(response.body as object).sort(), ['data', 'errors'])
  const { data, errors } = response.body as { data: unknown; errors: { message: string }[] }
  assert.equal(data, null)
  assert.equal(errors.length, 1)
  assert.match(errors[0]!.message, message)
  assert.doesNotMatch(response.text, JS_ERROR_TEXT)
}

const templateNames = async () => (await gql(app, '{ templates { name } }', { auth: headers.admin })).body.data!.templates.map((template: { name: string }) => template.name)

describe('the request envelope', () => {
  test('a query that is missing, null or not a string is refused in the error body; an array is never run', async () => {
    assertRefused(await post({}), /"query" is missing/)
    assertRefused(await post({ query: null }), /"query" is missing/)
    assertRefused(await post({ query: 1 }), /"query" must be a string/)
    assertRefused(await post({ query: { roles: true } }), /"query" must be a string/)
    assertRefused(await post({ query: ['{ roles }'] }), /"query" must be a string/)
    assertRefused(await post({ query: ['mutation { deleteTemplate(name: "Dev offered") }'] }), /"query" must be a string/)
    assert.ok((await templateNames()).includes('Dev offered'), 'the mutation inside the array did not run')
  })

  test('variables that are not an object or null, and an operationName that is not a string or null, are refused in the error body', async () => {
    for (const variables of ['x', 5, [1], true]) assertRefused(await post({ query: '{ roles }', variables }), /"variables" must be an object or null/)
    for (const operationName of [5, {}, ['A'], true]) assertRefused(await post({ query: 'query A { roles }', operationName }), /"operationName" must be a string or null/)
    assertRefused(await get({ query: '{ roles }', variables: '[1]' }), /"variables" must be a JSON object or null/)
    assertRefused(await get({ query: '{ roles }', variables: '{' }), /"variables" is not valid JSON/)
    const repeated = await app.app.inject({ method: 'GET', url: '/graphql?query=%7Broles%7D&query=%7Broles%7D', headers: { authorization: headers.admin } })
    assertRefused({ status: repeated.statusCode, body: repeated.json(), text: repeated.body }, /"query" must be a string/)
  })

  test('null variables, operationName and extensions are accepted', async () => {
    const response = await post({ query: '{ roles }', variables: null, operationName: null, extensions: null })
    assert.equal(response.status, 200)
    assert.deepEqual(response.body, { data: { roles: ['ADMIN', 'USER', 'NONE'] } })
  })

  test('a body that is not one JSON object is refused in the error body', async () => {
    for (const payload of ['null', '[{"query":"{ roles }"}]', '"{ roles }"', '12']) assertRefused(await post(payload), /Malformed GraphQL request/)
  })

  test('an unknown operationName is refused in the error body, over GET and POST', async () => {
    assertRefused(await post({ query: 'query A { roles }', operationName: 'B' }), /^Unknown operation named "B"\.$/)
    assertRefused(await get({ query: 'query A { roles }', operationName: 'B' }), /^Unknown operation named "B"\.$/)
    assertRefused(await get({ query: 'query A { roles } query C { roles }' }), /"operationName" must say which one/)
    assertRefused(await post({ query: '{ roles } { templates { name } }' }), /"operationName" must say which one/)
  })

  test('a subscription over plain HTTP is refused in the error body, over GET and POST, and nothing runs', async () => {
    assertRefused(await post({ query: 'subscription { applicationDeleted }' }), /Subscriptions are not served over plain HTTP/)
    assertRefused(await get({ query: 'subscription { applicationDeleted }' }), /Subscriptions are not served over plain HTTP/)
    assertRefused(await post({ query: 'query Q { roles } subscription S { applicationCreated { id } }', operationName: 'S' }), /Subscriptions are not served over plain HTTP/)
    // The other operation of that document still runs.
    assert.deepEqual((await post({ query: 'query Q { roles } subscription S { applicationCreated { id } }', operationName: 'Q' })).body, { data: { roles: ['ADMIN', 'USER', 'NONE'] } })
  })

  test('pathologically deep or huge documents are refused in the error body before parsing', async () => {
    const deep = 'The document nests selections, arguments or values deeper than the limit of 64 levels.'
    assertRefused(await post({ query: `{ template(name: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) { __typename } }` }), new RegExp(`^${deep.replace(/[.]/g, '\\.')}$`))
    assertRefused(await post({ query: `{ user(id: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}) { __typename } }` }), /deeper than the limit of 64/)
    assertRefused(await post({ query: `{ ${'application(id: 1) { ... on Application { user { '.repeat(500)}` }), /deeper than the limit of 64/)
    assertRefused(await get({ query: `{ template(name: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) { __typename } }` }), /deeper than the limit of 64/)
    assertRefused(await post({ query: `{ roles ${' '.repeat(60_000)} }` }), /longer than the limit of 50000 characters/)
    assertRefused(await post({ query: `{ ${'a '.repeat(12_000)} }` }), /more than the limit of 10000 tokens/)
    // A 30-deep list literal is an ordinary type error, answered by GraphQL (200).
    const moderate = await post({ query: `{ template(name: ${'['.repeat(30)}"x"${']'.repeat(30)}) { __typename } }` })
    assert.equal(moderate.status, 200)
    assert.doesNotMatch(moderate.text, JS_ERROR_TEXT)
  })
})

describe('NUL and lone surrogates in strings', () => {
  const NUL_OR_SURROGATE = /must not contain NUL \(U\+0000\) or unpaired UTF-16 surrogate characters/
  const users = async () => (await gql(app, '{ user(id: {type: "nul", number: 1}) { __typename } }', { auth: headers.admin })).body.data!.user.__typename

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function assertGraphqlRefusal(response: { status: number; body: any; text: string }) {
    // A GraphQL-level error like any other invalid value: 200, no data. (A scalar that also finds
    // the value malformed, such as Long for "1\u0000", adds its own error.)
    assert.equal(response.status, 200, response.text)
    assert.equal(response.body.data ?? null, null, response.text)
    assert.ok(
      response.body.errors.some((error: { message: string }) => NUL_OR_SURROGATE.test(error.message)),
      response.text,
    )
    assert.doesNotMatch(response.text, JS_ERROR_TEXT)
  }

  test('in literals of String, TemplateName and Long arguments and input fields: refused as a validation error', async () => {
    for (const query of [
      'mutation { createUser(userId: {type: "nul\\u0000", number: 1}, role: USER) { __typename } }',
      'mutation { createUser(userId: {type: "nul", number: "1\\u0000"}, role: USER) { __typename } }',
      '{ template(name: "Dev\\u0000offered") { __typename } }',
      'mutation { createTemplate(name: "nul", questions: [{question: "\\u0000", number: 0, multiline: false}]) { __typename } }',
      'mutation { createApplication(templateName: "Empty template", answers: [{number: 0, answer: "a\\u{0}b"}]) { __typename } }',
      'query ($name: TemplateName! = "x\\u0000") { template(name: $name) { __typename } }',
    ]) {
      const response = await post({ query })
      assertGraphqlRefusal(response)
      const refusal = response.body.errors.find((error: { message: string }) => NUL_OR_SURROGATE.test(error.message))
      assert.deepEqual(Object.keys(refusal).sort(), ['locations', 'message'])
    }
    assert.equal(await users(), 'Failure', 'no user was created')
  })

  test('in variables of every string-like type (String, TemplateName, Long as a string, nested inputs, lists): refused', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['mutation ($t: String!) { createUser(userId: {type: $t, number: 1}, role: USER) { __typename } }', { t: 'nul\u0000' }],
      ['mutation ($u: UserIdInput!) { createUser(userId: $u, role: USER) { __typename } }', { u: { type: 'nul', number: '1\u0000' } }],
      ['query ($n: TemplateName!) { template(name: $n) { __typename } }', { n: 'Dev\u0000offered' }],
      [
        'mutation ($a: [AnswerInput!]!) { createApplication(templateName: "Empty template", answers: $a) { __typename } }',
        {
          a: [
            { number: 0, answer: 'ok' },
            { number: 1, answer: '\u0000' },
          ],
        },
      ],
      ['mutation ($t: String!) { createUser(userId: {type: $t, number: 1}, role: USER) { __typename } }', { t: 'nul\uD800' }],
      ['mutation ($t: String!) { createUser(userId: {type: $t, number: 1}, role: USER) { __typename } }', { t: '\uDFFFnul' }],
    ]
    for (const [query, variables] of cases) {
      const response = await post({ query, variables })
      assertGraphqlRefusal(response)
      assert.match(response.body.errors[0].message, /^Variable "\$\w+" got an invalid value/)
      assert.doesNotMatch(response.text, /nul\\u0000|Dev\\u0000/, 'the value is not echoed')
    }
    // Escaped lone surrogates in the JSON text arrive the same way.
    assertGraphqlRefusal(await post('{"query":"mutation ($t: String!) { createUser(userId: {type: $t, number: 1}, role: USER) { __typename } }","variables":{"t":"nul\\ud800"}}'))
    // Over GET too.
    assertGraphqlRefusal(await get({ query: 'query ($n: TemplateName!) { template(name: $n) { __typename } }', variables: JSON.stringify({ n: 'a\u0000' }) }))
    assert.equal(await users(), 'Failure', 'no user was created')
  })

  test('a lone surrogate in a literal is a syntax error (graphql-js), a well-formed pair is data', async () => {
    const lone = await post('{"query":"{ template(name: \\"x\\ud800\\") { __typename } }"}')
    assert.equal(lone.status, 200)
    assert.match(lone.body.errors[0].message, /Syntax Error/)
    const pair = await post({ query: 'mutation { createUser(userId: {type: "emoji😀", number: 1}, role: USER) { ... on User { id { type } } } }' })
    assert.deepEqual(pair.body, { data: { createUser: { id: { type: 'emoji😀' } } } })
  })
})

describe('no CORS', () => {
  test('an OPTIONS preflight to /graphql answers 405 with Allow, in the GraphQL error shape, without CORS headers', async () => {
    for (const preflight of [{}, { origin: 'https://example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' }]) {
      const response = await app.app.inject({ method: 'OPTIONS', url: '/graphql', headers: preflight })
      assertRefused({ status: response.statusCode, body: response.json(), text: response.body }, /^Method OPTIONS is not allowed on \/graphql/, 405)
      assert.equal(response.headers.allow, 'GET, POST')
      assert.match(response.headers['content-type'] as string, /application\/json/)
      assert.deepEqual(
        Object.keys(response.headers).filter((name) => name.startsWith('access-control-')),
        [],
      )
    }
  })

  test("only an operator's explicit CORS_ORIGINS (the kernel's setting) turns CORS on", async () => {
    const withCors = await startDevmarkt({ CORS_ORIGINS: 'https://bot.example' })
    try {
      const response = await withCors.app.inject({ method: 'OPTIONS', url: '/graphql', headers: { origin: 'https://bot.example', 'access-control-request-method': 'POST' } })
      assert.ok(response.statusCode < 300, String(response.statusCode))
      assert.equal(response.headers['access-control-allow-origin'], 'https://bot.example')
    } finally {
      await withCors.close()
    }
  })

  test('a cross-origin POST gets its answer without CORS headers', async () => {
    const response = await app.app.inject({ method: 'POST', url: '/graphql', headers: { origin: 'https://example.org', authorization: headers.admin }, payload: { query: '{ roles }' } })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(
      Object.keys(response.headers).filter((name) => name.startsWith('access-control-')),
      [],
    )
  })
})
