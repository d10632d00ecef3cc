import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { gql, headerFixtures, startDevmarkt, type Devmarkt, type HeaderFixtures } from './helpers.ts'

let app: Devmarkt
let headers: HeaderFixtures
before(async () => {
  app = await startDevmarkt()
  headers = await headerFixtures()
})
after(() => app.close())

interface HostileRequest {
  name: string
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  url?: string
  headers?: Record<string, string>
  payload?: string | Buffer
}

const json = (value: unknown) => JSON.stringify(value)
const post = (name: string, payload: string | Buffer, extra: Record<string, string> = {}): HostileRequest => ({ name, payload, headers: { 'content-type': 'application/json', ...extra } })
const query = (name: string, document: string, variables?: unknown, operationName?: unknown) => post(name, json({ query: document, variables, operationName }), { authorization: 'PLACEHOLDER_ADMIN' })

function deepSelection(depth: number) {
  let selection = 'name'
  for (let i = 0; i < depth; i++) selection = `template { ${selection === 'name' ? 'name' : `questions { question }`} } user { applications { ${i % 2 ? 'template { name }' : 'user { role }'} } }`
  return `{ application(id: 1) { ... on Application { user { applications { user { applications { user { applications { user { applications { user { applications { user { applications { user { applications { id } } } } } } } } } } } } } } } } }`
}

/** A reproducible pseudo-random generator, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed / 0x7fffffff
  }
}

function randomDocuments(count: number): string[] {
  const random = prng(20261122)
  const tokens = [
    '{',
    '}',
    '(',
    ')',
    '[',
    ']',
    ':',
    '...',
    '$',
    '@',
    '!',
    '=',
    '"x"',
    '"""',
    '0',
    '-1',
    '1e999',
    'query',
    'mutation',
    'subscription',
    'fragment',
    'on',
    'templates',
    'template',
    'name',
    'questions',
    'application',
    'id',
    'user',
    'roles',
    '__schema',
    '__typename',
    'createTemplate',
    'Auth',
    'null',
    'true',
    '#',
    '\n',
    '\u0000',
    '\uffff',
    '😀',
    '\\',
    ',',
  ]
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(random() * 40) }, () => tokens[Math.floor(random() * tokens.length)]).join(' '))
}

function hostileRequests(): HostileRequest[] {
  const requests: HostileRequest[] = [
    // not JSON, or not the right JSON
    post('truncated JSON', '{"query": "{ roles }"'),
    post('empty body', ''),
    post('JSON null', 'null'),
    post('JSON array', '[{"query":"{ roles }"}]'),
    post('JSON string', '"{ roles }"'),
    post('JSON number', '12345678901234567890123'),
    post('query is a number', json({ query: 5 })),
    post('query is null', json({ query: null })),
    post('no query', json({})),
    post('variables is a string', json({ query: '{ roles }', variables: 'x' })),
    post('variables is an array', json({ query: '{ roles }', variables: [1] })),
    post('operationName is an object', json({ query: '{ roles }', operationName: {} })),
    post('deeply nested JSON', '['.repeat(100_000) + ']'.repeat(100_000)),
    post('deeply nested variables', json({ query: 'query ($u: UserIdInput!) { user(id: $u) { __typename } }' }).replace('}', `,"variables":{"u":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`)),
    post('__proto__ in variables', '{"query":"query ($u: UserIdInput!) { user(id: $u) { __typename } }","variables":{"u":{"__proto__":{"type":"x"},"type":"testuser","number":1}}}', {
      authorization: 'PLACEHOLDER_ADMIN',
    }),
    post('body over the limit', Buffer.alloc(2 * 1024 * 1024, 'a')),
    post('invalid UTF-8', Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d])),
    // wrong content types
    { name: 'text/plain', payload: '{ roles }', headers: { 'content-type': 'text/plain' } },
    { name: 'form', payload: 'query=%7B+roles+%7D', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { name: 'multipart', payload: '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ roles }\r\n--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' } },
    { name: 'xml', payload: '<query>{ roles }</query>', headers: { 'content-type': 'application/xml' } },
    { name: 'content type with garbage parameters', payload: json({ query: '{ roles }' }), headers: { 'content-type': 'application/json; charset=ebcdic; ;;=' } },
    // documents
    query('syntax error', '{ roles'),
    query('unknown field', '{ secrets }'),
    query('unknown operation name', 'query A { roles }', undefined, 'B'),
    query('two anonymous operations', '{ roles } { roles }'),
    query('subscription over HTTP', 'subscription { applicationDeleted }'),
    query('fragment cycle', '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
    query('too deep', deepSelection(3)),
    query('too long', `{ roles ${' '.repeat(60_000)} }`),
    query('too many tokens', `{ ${'__typename '.repeat(20_000)} }`),
    query('many aliases', `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: roles`).join(' ')} }`),
    query('directive on the wrong place', '{ roles @Auth(role: "user") }'),
    query('skip with a variable of the wrong type', 'query ($b: Boolean!) { roles @skip(if: $b) }', { b: 'yes' }),
    query('introspection, deep', '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }'),
    // wrong variable types
    query('ApplicationId as an object', 'query ($id: ApplicationId!) { application(id: $id) { __typename } }', { id: {} }),
    query('ApplicationId huge', 'query ($id: ApplicationId!) { application(id: $id) { __typename } }', { id: 1e100 }),
    query('ApplicationId negative', 'query ($id: ApplicationId!) { application(id: $id) { __typename } }', { id: -1 }),
    query('TemplateName as a list', 'query ($n: TemplateName!) { template(name: $n) { __typename } }', { n: ['a'] }),
    query('Long as a float string', 'query ($u: UserIdInput!) { user(id: $u) { __typename } }', { u: { type: 'x', number: '1.5' } }),
    query('Long as a boolean', 'query ($u: UserIdInput!) { user(id: $u) { __typename } }', { u: { type: 'x', number: true } }),
    query('enum as a number', 'mutation ($s: ApplicationStatus!) { processApplication(id: 1, status: $s) }', { s: 3 }),
    query('unknown input field', 'query ($u: UserIdInput!) { user(id: $u) { __typename } }', { u: { type: 'x', number: 1, admin: true } }),
    query('answers not a list of objects', 'mutation ($a: [AnswerInput!]!) { createApplication(templateName: "Dev offered", answers: $a) { __typename } }', { a: [null, 1, 'x'] }),
    // GET
    { name: 'GET without query', method: 'GET', url: '/graphql' },
    { name: 'GET with broken variables', method: 'GET', url: `/graphql?query=${encodeURIComponent('{ roles }')}&variables=%7B` },
    { name: 'GET with repeated query parameters', method: 'GET', url: '/graphql?query=%7Broles%7D&query=%7Broles%7D' },
    { name: 'GET with a bad percent escape', method: 'GET', url: '/graphql?query=%E0%A4%A' },
    // methods and paths
    { name: 'PUT', method: 'PUT', url: '/graphql', payload: '{}', headers: { 'content-type': 'application/json' } },
    { name: 'DELETE', method: 'DELETE', url: '/graphql' },
    { name: 'unknown path', method: 'GET', url: '/graphql/../../etc/passwd' },
    { name: 'plain GET on the WebSocket path', method: 'GET', url: '/graphql-ws' },
  ]
  // garbage headers
  for (const header of [
    'Self',
    'Self ',
    'Foreign',
    'Foreign  ',
    'Foreign a b c',
    `Self ${'a'.repeat(50_000)}`,
    'Self eyJhbGciOiJub25lIn0.e30.',
    'Self ...',
    'Foreign x internal:99999999999999999999999',
    'Self \u00ff\u00fe',
    '\u0000',
  ]) {
    requests.push(post(`Authorization ${JSON.stringify(header.slice(0, 40))}`, json({ query: '{ roles templates { name } }' }), { authorization: header }))
  }
  for (const [index, document] of randomDocuments(150).entries()) requests.push(query(`random document ${index}`, document))
  return requests
}

test('hostile and malformed requests get 4xx or a GraphQL error, never a 5xx or a stack trace, and the server keeps answering', async () => {
  const failures: string[] = []
  for (const request of hostileRequests()) {
    const requestHeaders = { ...request.headers }
    if (requestHeaders.authorization === 'PLACEHOLDER_ADMIN') requestHeaders.authorization = headers.admin
    let response
    try {
      response = await app.app.inject({ method: request.method ?? 'POST', url: request.url ?? '/graphql', headers: requestHeaders, payload: request.payload })
    } catch (error) {
      // inject refuses some header values itself (they could not arrive over HTTP either)
      if (/Invalid character in header/.test((error as Error).message)) continue
      throw error
    }
    const problems: string[] = []
    if (response.statusCode >= 500) problems.push(`status ${response.statusCode}`)
    if (/\bat [\w.<>]+ \(|node:internal|\/work\/|\.ts:\d+/.test(response.body)) problems.push('stack trace or path in body')
    if (response.statusCode === 200) {
      const body = response.json()
      if (typeof body !== 'object' || body === null || (!('data' in body) && !('errors' in body))) problems.push('200 without a GraphQL body')
    } else if (response.body.length > 0 && !String(response.headers['content-type'] ?? '').includes('json')) {
      problems.push(`non-JSON error body (${response.headers['content-type']})`)
    }
    if (problems.length > 0) failures.push(`${request.name}: ${problems.join(', ')} → ${response.statusCode} ${response.body.slice(0, 200)}`)
  }
  assert.deepEqual(failures, [])

  const healthy = await gql(app, '{ roles templates { name } }', { auth: headers.admin })
  assert.deepEqual(healthy.body, { data: { roles: ['ADMIN', 'USER', 'NONE'], templates: [{ name: 'Dev offered' }, { name: 'Dev searched' }, { name: 'Empty template' }] } })
})

test('specific refusals say what is wrong', async () => {
  const tooLong = await gql(app, `{ roles ${' '.repeat(60_000)} }`, { auth: headers.admin })
  assert.equal(tooLong.status, 200) // spec §5.1: the error is in the body
  assert.match(tooLong.body.errors![0].message, /longer than the limit/)
  const tooDeep = await gql(app, deepSelection(3), { auth: headers.admin })
  assert.match(tooDeep.body.errors![0].message, /nested deeper than the limit of 15/)
  const bodyTooLarge = await app.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: Buffer.alloc(2 * 1024 * 1024, 'a') })
  assert.equal(bodyTooLarge.statusCode, 413)
  const invalidJson = await app.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: '{' })
  assert.equal(invalidJson.statusCode, 400)
  assert.deepEqual(invalidJson.json(), { data: null, errors: [{ message: 'Request body is not valid JSON' }] })
  const wrongType = await app.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'text/plain' }, payload: '{ roles }' })
  assert.equal(wrongType.statusCode, 415)
  const introspection = await gql(app, '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }')
  assert.equal(introspection.body.errors, undefined) // GraphiQL's introspection depth stays allowed
})
