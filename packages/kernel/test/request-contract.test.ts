// The kernel's request contract, through createApp: strict validation, storable input, faithful
// serialisation, every failure in the app's own shape (transport failures included), CORS from the
// route table, personal data kept out of the logs, and routes that must say who may call them.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { redactPersonalData, unstorableValue, type ErrorFormatter } from '../src/index.ts'
import { buildKernelApp } from './kernel-app.ts'

/** A shape unlike Fastify's, so any body that escapes the app's formatter shows. */
const appShape: ErrorFormatter = (error) => ({ status: error.status, body: { problem: { code: error.code, text: error.message } } })
const inAppShape = (body: unknown) => {
  const problem = (body as { problem?: { code?: unknown; text?: unknown } }).problem
  return typeof problem?.code === 'string' && typeof problem.text === 'string' && Object.keys(body as object).length === 1
}

const any = { type: 'object', additionalProperties: true } as const
const nullableInt = { anyOf: [{ type: 'integer', minimum: 0, maximum: 1000 }, { type: 'null' }] }

async function buildApp(env: Record<string, string> = {}, cors: boolean | string[] = true) {
  const { app, logText } = await buildKernelApp('contract', env, { formatError: appShape, cors })
  return { app, raw: logText }
}

describe('request validation: strict bodies, converted text, storable values', () => {
  let app: FastifyInstance
  before(async () => {
    ;({ app } = await buildApp())
    app.post(
      '/pots',
      {
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['amount'],
            properties: { amount: { type: 'integer', minimum: 0, maximum: 1000 }, remaining: nullableInt, label: { type: 'string', maxLength: 50, default: 'unnamed' }, paused: { type: 'boolean' } },
          },
          response: { 200: any },
        },
        config: { public: true },
      },
      async (request) => ({ received: request.body }),
    )
    app.get(
      '/pots/:id',
      {
        schema: {
          params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 1000 } } },
          querystring: { type: 'object', properties: { page: { type: 'integer', minimum: 1, maximum: 100, default: 1 }, q: { type: 'string', maxLength: 20 } } },
          response: { 200: any },
        },
        config: { public: true },
      },
      async (request) => ({ params: request.params, query: request.query }),
    )
    app.get('/unbounded/:n', { schema: { params: { type: 'object', properties: { n: { type: 'integer' } } }, response: { 200: any } }, config: { public: true } }, async (request) => request.params)
    await app.ready()
  })
  after(() => app.close())

  const post = (payload: unknown) => app.inject({ method: 'POST', url: '/pots', payload: payload as object })

  test('a JSON body is never coerced: a numeric string, a boolean and a null stay what they are and are refused', async () => {
    for (const amount of ['2500', '25', true, null]) {
      const response = await post({ amount })
      assert.equal(response.statusCode, 400, `amount ${JSON.stringify(amount)}`)
      assert.ok(inAppShape(response.json()))
      assert.equal(response.json().problem.code, 'VALIDATION_FAILED')
    }
    assert.equal((await post({ amount: 1, paused: 'false' })).statusCode, 400)
  })

  test('null is kept where a field is nullable, and no default is injected into a body', async () => {
    const response = await post({ amount: 5, remaining: null })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json().received, { amount: 5, remaining: null })
  })

  test('path and query text is converted to the declared type, with declared query defaults', async () => {
    const response = await app.inject({ method: 'GET', url: '/pots/12' })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { params: { id: 12 }, query: { page: 1 } })
    for (const url of ['/pots/abc', '/pots/1.5', '/pots/12?page=zero', '/pots/12?page=1e3']) {
      const refused = await app.inject({ method: 'GET', url })
      assert.equal(refused.statusCode, 400, url)
      assert.ok(inAppShape(refused.json()), url)
    }
  })

  test('NUL bytes and lone surrogates are refused in bodies, paths and queries, before any handler', async () => {
    for (const label of ['a\u0000b', 'x\ud800', '\udc00y']) {
      const response = await post({ amount: 1, label })
      assert.equal(response.statusCode, 400, JSON.stringify(label))
      assert.ok(inAppShape(response.json()))
    }
    for (const url of ['/pots/1?q=a%00b', '/unbounded/%00']) {
      const response = await app.inject({ method: 'GET', url })
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${url} → ${response.statusCode}`)
      assert.ok(inAppShape(response.json()), url)
    }
    // A raw JSON document with an escaped lone surrogate and a NUL in a property name.
    for (const payload of ['{"amount":1,"label":"\\ud800"}', '{"amount":1,"la\\u0000bel":"x"}']) {
      const response = await app.inject({ method: 'POST', url: '/pots', payload, headers: { 'content-type': 'application/json' } })
      assert.equal(response.statusCode, 400, payload)
    }
  })

  test('numbers no column can hold are refused even where a schema forgot its bounds', async () => {
    for (const value of ['1e308', String(2 ** 63), '-9007199254740993']) {
      const response = await app.inject({ method: 'GET', url: `/unbounded/${value}` })
      assert.equal(response.statusCode, 400, value)
      assert.ok(inAppShape(response.json()))
    }
    const huge = await app.inject({ method: 'POST', url: '/pots', payload: '{"amount":1e308}', headers: { 'content-type': 'application/json' } })
    assert.equal(huge.statusCode, 400)
  })

  test('unstorableValue walks deep documents without recursion', () => {
    let deep: unknown = 'fine'
    for (let level = 0; level < 100_000; level++) deep = [deep]
    assert.equal(unstorableValue(deep), undefined)
    assert.deepEqual(unstorableValue({ a: [{ b: 'x\u0000' }] }), { instancePath: '/a/0/b', message: 'must not contain NUL characters' })
  })

  test('unstorableValue names the place as a JSON Pointer (~ and / escaped); a bad property name names its object', () => {
    assert.deepEqual(unstorableValue({ 'a/b': { 'c~d': [1, '\ud800'] } }), { instancePath: '/a~1b/c~0d/1', message: 'must be valid Unicode (no lone surrogates)' })
    assert.deepEqual(unstorableValue({ list: [{ 'bad\u0000key': 1 }] }), { instancePath: '/list/0', message: 'must not have a property name with NUL characters or lone surrogates' })
    assert.deepEqual(unstorableValue(2 ** 60), { instancePath: '', message: `must be between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}` })
  })
})

describe('responses: written as their schema says, or refused', () => {
  let app: FastifyInstance
  let raw: () => string
  before(async () => {
    ;({ app, raw } = await buildApp({ RESPONSE_VALIDATION: 'true' }))
    const schema = (amount: unknown) => ({ response: { 200: { type: 'object', properties: { amount } } } })
    app.get('/nullable', { schema: schema(nullableInt), config: { public: true } }, async () => ({ amount: null }))
    app.get('/wrong', { schema: schema({ type: 'integer' }), config: { public: true } }, async () => ({ amount: null, email: 'dana@example.org' }))
    app.get('/extra', { schema: { response: { 200: { type: 'object', additionalProperties: false, properties: { id: { type: 'integer' } } } } }, config: { public: true } }, async () => ({
      id: 1,
      secret: 'kept out',
    }))
    await app.ready()
  })
  after(() => app.close())

  test('a nullable field is written as null', async () => {
    assert.deepEqual((await app.inject('/nullable')).json(), { amount: null })
  })

  test('a null the schema cannot represent is a 500 in the app shape, never a quiet 0', async () => {
    const response = await app.inject('/wrong')
    assert.equal(response.statusCode, 500)
    assert.ok(inAppShape(response.json()))
    assert.doesNotMatch(response.body, /amount|integer|schema/)
    assert.match(raw(), /does not match its schema/)
  })

  test('properties the schema does not list are still dropped', async () => {
    assert.deepEqual((await app.inject('/extra')).json(), { id: 1 })
  })
})

describe('transport failures answer in the app shape', () => {
  let app: FastifyInstance
  let port: number
  before(async () => {
    ;({ app } = await buildApp({ HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1000' }))
    app.get(
      '/things/:id',
      { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 600 } } }, response: { 200: any } }, config: { public: true } },
      async (request) => request.params,
    )
    app.post('/things', { schema: { body: any, response: { 200: any } }, config: { public: true } }, async (request) => ({ received: request.body }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    port = (app.server.address() as { port: number }).port
  })
  after(() => app.close())

  /** Sends raw bytes and reads the whole answer (the server closes the connection). */
  const rawRequest = (bytes: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      let text = ''
      socket.on('data', (chunk) => (text += chunk))
      socket.on('error', reject)
      socket.on('close', () => {
        const [head = '', body = ''] = text.split('\r\n\r\n')
        resolve({ status: Number(head.split(' ')[1]), body })
      })
      socket.write(bytes)
    })

  test('malformed percent-encoding in a path', async () => {
    const response = await app.inject({ method: 'GET', url: '/things/%zz' })
    assert.equal(response.statusCode, 400)
    assert.ok(inAppShape(response.json()))
    assert.doesNotMatch(response.body, /FST_|statusCode/)
  })

  test('a path parameter longer than the router allows', async () => {
    const response = await app.inject({ method: 'GET', url: `/things/${'x'.repeat(2000)}` })
    assert.equal(response.statusCode, 414)
    assert.ok(inAppShape(response.json()))
  })

  test('malformed JSON, an empty JSON body, a wrong content type and an oversized body', async () => {
    const cases = [
      { payload: '{"a":', type: 'application/json', status: 400 },
      { payload: '', type: 'application/json', status: 400 },
      { payload: '<a/>', type: 'application/xml', status: 415 },
      { payload: JSON.stringify({ a: 'x'.repeat(2 * 1024 * 1024) }), type: 'application/json', status: 413 },
    ]
    for (const { payload, type, status } of cases) {
      const response = await app.inject({ method: 'POST', url: '/things', payload, headers: { 'content-type': type } })
      assert.equal(response.statusCode, status, type)
      assert.ok(inAppShape(response.json()), response.body)
      assert.doesNotMatch(response.body, /FST_|Unexpected token|JSON at position/)
    }
  })

  test('headers larger than the server accepts', async () => {
    const response = await rawRequest(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    assert.equal(response.status, 431)
    assert.ok(inAppShape(JSON.parse(response.body)))
  })

  test('a request line that is not HTTP', async () => {
    const response = await rawRequest('GARBAGE\r\n\r\n')
    assert.equal(response.status, 400)
    assert.ok(inAppShape(JSON.parse(response.body)))
  })

  test('a client that stalls while sending its headers is cut off', async () => {
    assert.equal(app.server.headersTimeout, 500)
    assert.equal(app.server.requestTimeout, 1000)
    const started = Date.now()
    const response = await rawRequest('GET /health HTTP/1.1\r\nHost: x\r\n')
    assert.ok(Date.now() - started < 5_000)
    if (response.status) assert.equal(response.status, 408)
  })
})

describe('CORS from the route table', () => {
  let app: FastifyInstance
  before(async () => {
    ;({ app } = await buildApp({}, true))
    for (const method of ['GET', 'PATCH', 'DELETE', 'PUT'] as const) {
      app.route({ method, url: '/items/:id', schema: { response: { 200: any } }, config: { public: true }, handler: async () => ({}) })
    }
    await app.ready()
  })
  after(() => app.close())

  test('a preflight answers every method the routes use and the headers asked for', async () => {
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/items/1',
      headers: { origin: 'https://admin.example', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type, x-anything' },
    })
    assert.equal(response.statusCode, 204)
    assert.equal(response.headers['access-control-allow-origin'], 'https://admin.example')
    const methods = String(response.headers['access-control-allow-methods']).split(/,\s*/)
    for (const method of ['GET', 'PATCH', 'DELETE', 'PUT']) assert.ok(methods.includes(method), method)
    assert.equal(response.headers['access-control-allow-headers'], 'authorization, content-type, x-anything')
  })

  test('an incomplete preflight is answered, not refused with a library body', async () => {
    const response = await app.inject({ method: 'OPTIONS', url: '/items/1', headers: { origin: 'https://admin.example' } })
    assert.ok(response.statusCode < 300)
    assert.doesNotMatch(response.body, /Invalid Preflight/)
  })

  test('error answers carry the CORS headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere', headers: { origin: 'https://admin.example' } })
    assert.equal(response.statusCode, 404)
    assert.equal(response.headers['access-control-allow-origin'], 'https://admin.example')
  })
})

describe('secure by default', () => {
  test('an app with a route that declares neither a permission nor public refuses to start', async () => {
    const { app } = await buildApp()
    try {
      app.get('/open', { schema: { response: { 200: any } } }, async () => ({}))
      await assert.rejects(async () => app.ready(), /GET \/open declares neither a permission nor `public: true`/)
    } finally {
      await app.close().catch(() => {}) // even when the assertion fails, or the file never exits
    }
  })

  test('an app with a route without a response schema for its success refuses to start', async () => {
    const { app } = await buildApp()
    try {
      app.get('/bare', { config: { public: true } }, async () => ({}))
      await assert.rejects(async () => app.ready(), /GET \/bare has no response schema/)
    } finally {
      await app.close().catch(() => {})
    }
  })
})

describe('logs carry no personal data', () => {
  test('e-mail addresses, names, tokens and card data are blanked at any depth', () => {
    const line = redactPersonalData({
      user: { profile: { contact: { email: 'dana@example.org', firstName: 'Dana', phone: '+44 20' } } },
      list: [{ cardNumber: '4242424242424242' }, { note: 'write to dana@example.org please' }],
      header: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      ssnText: 'ssn 123-45-6789',
    })
    const text = JSON.stringify(line)
    for (const secret of ['dana@example.org', 'Dana', '+44 20', '4242424242424242', 'eyJhbGci', '123-45-6789']) assert.ok(!text.includes(secret), secret)
  })

  test('a failed query is logged with its SQL but never its parameters', async () => {
    const { app, raw } = await buildApp()
    app.get('/fails', { schema: { response: { 200: any } }, config: { public: true } }, async () => {
      const cause = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
        code: '23505',
        detail: 'Key (email)=(dana@example.org) already exists.',
      })
      throw Object.assign(new Error('Failed query: insert into users (email, name) values ($1, $2)\nparams: dana@example.org,Dana Scully'), {
        query: 'insert into users (email, name) values ($1, $2)',
        params: ['dana@example.org', 'Dana Scully'],
        cause,
      })
    })
    const response = await app.inject('/fails')
    assert.equal(response.statusCode, 500)
    const log = raw()
    assert.match(log, /insert into users/)
    assert.match(log, /23505/)
    assert.ok(!log.includes('dana@example.org'))
    assert.ok(!log.includes('Scully'))
    await app.close()
  })
})
