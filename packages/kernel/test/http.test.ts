// createApp end to end through inject(): the one error handler in the app's wire format, body limits,
// the operational routes, request ids, metrics, log redaction, the permission hook and QA routes.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import {
  definePermissions,
  errors,
  HearthError,
  hearthPermissions,
  PLUGIN,
  registerPermissionHook,
  registerQaRoutes,
  signHs256,
  createJwtVerifier,
  TokenInvalidError,
  type ErrorFormatter,
} from '../src/index.ts'
import { buildKernelApp as buildKernelAppIn, type KernelApp } from './kernel-app.ts'

/** A wire format unlike the default, to show every error goes through the app's formatter. */
const graphqlLikeFormat: ErrorFormatter = (error) => ({
  status: error.status,
  body: { errors: [{ message: error.message, extensions: { code: error.code } }] },
  headers: { 'x-error-code': error.code },
})

/** The kernel's test app in the GraphQL-like format above. */
const buildKernelApp = (env: Record<string, string> = {}, options: { readinessChecks?: Record<string, () => Promise<void>> } = {}) =>
  buildKernelAppIn('http', env, { formatError: graphqlLikeFormat, readinessChecks: options.readinessChecks })

describe('createApp: errors in the app format', () => {
  let kernel: KernelApp
  before(async () => {
    kernel = await buildKernelApp({ BODY_LIMIT: '2048' })
    const { app } = kernel
    app.post(
      '/widgets',
      {
        schema: {
          body: {
            type: 'object',
            required: ['name', 'count'],
            additionalProperties: false,
            properties: { name: { type: 'string', minLength: 1 }, count: { type: 'integer', minimum: 0 } },
          },
          response: { 200: { type: 'object', additionalProperties: true } },
        },
        config: { public: true },
      },
      async (request) => ({ received: request.body }),
    )
    app.get(
      '/widgets/:id',
      { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } }, response: { 200: { type: 'object', additionalProperties: true } } }, config: { public: true } },
      async (request) => ({
        id: (request.params as { id: number }).id,
      }),
    )
    app.get('/boom', { schema: { response: { 200: { type: 'object', additionalProperties: true } } }, config: { public: true } }, async () => {
      throw new Error('connection string postgres://admin:hunter2@db failed at line 12')
    })
    app.get('/conflict', { schema: { response: { 200: { type: 'object', additionalProperties: true } } }, config: { public: true } }, async () => {
      throw errors.conflict('That name is taken')
    })
    await app.ready()
  })
  after(() => kernel.app.close())

  test('a validation error is a 400 in the app format, naming the field', async () => {
    const response = await kernel.app.inject({ method: 'POST', url: '/widgets', payload: { name: 'a', count: -1 } })
    assert.equal(response.statusCode, 400)
    assert.equal(response.headers['x-error-code'], 'VALIDATION_FAILED')
    const body = response.json() as { errors: { message: string; extensions: { code: string } }[] }
    assert.equal(body.errors[0]!.extensions.code, 'VALIDATION_FAILED')
    assert.match(body.errors[0]!.message, /count/)
  })

  test('a missing field, an unknown field and a wrong param type are 400s too', async () => {
    for (const payload of [{ name: 'a' }, { name: 'a', count: 1, extra: true }, { name: 'a', count: 'many' }]) {
      const response = await kernel.app.inject({ method: 'POST', url: '/widgets', payload })
      assert.equal(response.statusCode, 400, JSON.stringify(payload))
      assert.equal(response.headers['x-error-code'], 'VALIDATION_FAILED')
    }
    const param = await kernel.app.inject({ method: 'GET', url: '/widgets/abc' })
    assert.equal(param.statusCode, 400)
    assert.equal(param.headers['x-error-code'], 'VALIDATION_FAILED')
  })

  test('invalid JSON is a 400 INVALID_JSON', async () => {
    const response = await kernel.app.inject({ method: 'POST', url: '/widgets', headers: { 'content-type': 'application/json' }, payload: '{"name": "a",' })
    assert.equal(response.statusCode, 400)
    assert.deepEqual((response.json() as { errors: { extensions: unknown }[] }).errors[0]!.extensions, { code: 'INVALID_JSON' })
  })

  test('a body over BODY_LIMIT is a 413 in the app format', async () => {
    const response = await kernel.app.inject({ method: 'POST', url: '/widgets', payload: { name: 'x'.repeat(4096), count: 1 } })
    assert.equal(response.statusCode, 413)
    assert.deepEqual(response.json(), { errors: [{ message: 'Request body is too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] })
  })

  test('an unsupported content type is a 415 in the app format', async () => {
    const response = await kernel.app.inject({ method: 'POST', url: '/widgets', headers: { 'content-type': 'application/xml' }, payload: '<a/>' })
    assert.equal(response.statusCode, 415)
    assert.equal(response.headers['x-error-code'], 'UNSUPPORTED_MEDIA_TYPE')
  })

  test('an unknown route is a 404 in the app format', async () => {
    const response = await kernel.app.inject({ method: 'GET', url: '/nothing/here?x=1' })
    assert.equal(response.statusCode, 404)
    assert.deepEqual(response.json(), { errors: [{ message: 'Route GET /nothing/here not found', extensions: { code: 'NOT_FOUND' } }] })
  })

  test('a thrown plain Error is a 500 that leaks neither its message nor a stack', async () => {
    const response = await kernel.app.inject({ method: 'GET', url: '/boom' })
    assert.equal(response.statusCode, 500)
    assert.deepEqual(response.json(), { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL' } }] })
    assert.ok(!response.body.includes('hunter2'))
    assert.ok(!/\bat .*\.ts:\d+/.test(response.body), 'no stack frames')
    const logged = kernel.logLines().find((line) => line.msg === 'request failed')
    assert.ok(logged, 'the failure is logged for operators')
  })

  test('a HearthError thrown by a service keeps its status and message', async () => {
    const response = await kernel.app.inject({ method: 'GET', url: '/conflict' })
    assert.equal(response.statusCode, 409)
    assert.deepEqual(response.json(), { errors: [{ message: 'That name is taken', extensions: { code: 'CONFLICT' } }] })
  })
})

describe('createApp: operational routes, request ids, metrics, logs', () => {
  let kernel: KernelApp
  let queueDown = false
  before(async () => {
    kernel = await buildKernelApp(
      {},
      {
        readinessChecks: {
          queue: async () => {
            if (queueDown) throw new Error('queue unreachable')
          },
        },
      },
    )
    kernel.app.get('/widgets/:id', { schema: { response: { 200: { type: 'object', additionalProperties: true } } }, config: { public: true } }, async (request) => ({
      id: (request.params as { id: string }).id,
    }))
    kernel.app.post('/echo', { schema: { response: { 200: { type: 'object', additionalProperties: true } } }, config: { public: true } }, async (request) => {
      request.log.info({ headers: request.headers }, 'headers seen')
      request.log.info({ body: request.body }, 'body seen')
      return { ok: true }
    })
    await kernel.app.ready()
  })
  after(() => kernel.app.close())

  test('/health answers UP', async () => {
    const response = await kernel.app.inject({ method: 'GET', url: '/health' })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { status: 'UP' })
  })

  test('/ready is UP when every check passes and 503 DOWN naming the failing one', async () => {
    const up = await kernel.app.inject({ method: 'GET', url: '/ready' })
    assert.equal(up.statusCode, 200)
    assert.deepEqual(up.json(), { status: 'UP', checks: { database: 'UP', queue: 'UP' } })
    queueDown = true
    try {
      const down = await kernel.app.inject({ method: 'GET', url: '/ready' })
      assert.equal(down.statusCode, 503)
      assert.deepEqual(down.json(), { status: 'DOWN', checks: { database: 'UP', queue: 'DOWN' } })
    } finally {
      queueDown = false
    }
  })

  test('/ready is 503 when the database is gone', async () => {
    const other = await buildKernelApp()
    try {
      await other.app.hearth.database.close()
      const response = await other.app.inject({ method: 'GET', url: '/ready' })
      assert.equal(response.statusCode, 503)
      assert.deepEqual(response.json(), { status: 'DOWN', checks: { database: 'DOWN' } })
    } finally {
      await other.app.close()
    }
  })

  test('x-request-id is echoed when given, generated otherwise, and on every log line of the request', async () => {
    const given = await kernel.app.inject({ method: 'GET', url: '/widgets/7', headers: { 'x-request-id': 'trace-abc-123' } })
    assert.equal(given.headers['x-request-id'], 'trace-abc-123')
    const generated = await kernel.app.inject({ method: 'GET', url: '/widgets/8' })
    assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/)
    const access = kernel.logLines().filter((line) => line.msg === 'request' && line.reqId === 'trace-abc-123')
    assert.equal(access.length, 1, 'one access line per request')
    assert.deepEqual(access[0]!.req, { method: 'GET', url: '/widgets/7' })
    assert.equal(access[0]!.route, '/widgets/:id')
    assert.deepEqual(access[0]!.res, { statusCode: 200 })
  })

  test('/metrics counts a request under its route pattern, not its URL', async () => {
    await kernel.app.inject({ method: 'GET', url: '/widgets/41' })
    await kernel.app.inject({ method: 'GET', url: '/widgets/42' })
    await new Promise((resolve) => setImmediate(resolve))
    const response = await kernel.app.inject({ method: 'GET', url: '/metrics' })
    assert.equal(response.statusCode, 200)
    assert.match(String(response.headers['content-type']), /^text\/plain/)
    const line = response.body.split('\n').find((text) => text.startsWith('http_requests_total{') && text.includes('route="/widgets/:id"') && text.includes('status_code="200"'))
    assert.ok(line, 'a counter line for the route')
    assert.ok(Number(line.split(' ').at(-1)) >= 2)
    assert.ok(line.includes('app="kernel-http"'))
    assert.ok(!response.body.includes('/widgets/41'), 'ids never become labels')
    assert.match(response.body, /http_request_duration_seconds_bucket\{[^}]*route="\/widgets\/:id"/)
  })

  test('authorization, cookies, passwords and tokens never reach the logs', async () => {
    await kernel.app.inject({
      method: 'POST',
      url: '/echo',
      headers: { authorization: 'Bearer top-secret-token', cookie: 'session=cookie-secret', 'x-request-id': 'redaction-test' },
      payload: { name: 'visible', password: 'hunter2', token: 'tok-secret' },
    })
    const lines = kernel.logLines().filter((line) => line.reqId === 'redaction-test')
    assert.ok(lines.length >= 3)
    const text = JSON.stringify(lines)
    for (const secret of ['top-secret-token', 'cookie-secret', 'hunter2', 'tok-secret']) assert.ok(!text.includes(secret), secret)
    const { headers } = lines.find((line) => line.msg === 'headers seen') as { headers: Record<string, string> }
    assert.equal(headers.authorization, '[redacted]')
    assert.equal(headers.cookie, '[redacted]')
    assert.equal(headers['x-request-id'], 'redaction-test')
    assert.deepEqual(lines.find((line) => line.msg === 'body seen')!.body, { name: 'visible', password: '[redacted]', token: '[redacted]' })
  })
})

describe('the permission hook', () => {
  const secret = 'permission-hook-test-secret-0123456789'
  const permissions = definePermissions({
    reader: ['widget.read'],
    editor: ['widget.read', 'widget.edit'],
  })
  const verify = createJwtVerifier({ key: { kind: 'secret', secret }, algorithms: ['HS256'] })
  let kernel: KernelApp

  before(async () => {
    kernel = await buildKernelApp()
    registerPermissionHook(kernel.app, {
      permissions,
      async authenticate(request) {
        const header = request.headers.authorization
        if (header === undefined) return undefined
        try {
          const claims = await verify(header.replace(/^Bearer /, ''))
          return { roles: claims.roles as string[], permissions: claims.permissions as string[] | undefined }
        } catch (error) {
          if (error instanceof TokenInvalidError) throw errors.unauthorized('Invalid token')
          throw error
        }
      },
      forbidden: (permission) => new HearthError('FORBIDDEN', `Missing permission ${permission}`, 403),
    })
    kernel.app.get('/public', { schema: { response: { 200: { type: 'object', additionalProperties: true } } }, config: { public: true } }, async () => ({ ok: true }))
    kernel.app.get('/widgets', { schema: { response: { 200: { type: 'object', additionalProperties: true } } }, config: { permission: 'widget.read' } }, async (request) => ({
      roles: request.principal?.roles,
    }))
    kernel.app.delete('/widgets/1', { schema: { response: { 200: { type: 'object', additionalProperties: true } } }, config: { permission: 'widget.edit' } }, async () => ({ deleted: true }))
    kernel.app.patch('/widgets/1', { schema: { response: { 200: { type: 'object', additionalProperties: true } } }, config: { permission: ['widget.edit', 'widget.own'] } }, async () => ({
      patched: true,
    }))
    await kernel.app.ready()
  })
  after(() => kernel.app.close())

  const bearer = async (claims: Record<string, unknown>) => ({ authorization: `Bearer ${await signHs256(claims, secret, { expiresIn: '5m' })}` })

  test('a route without a permission is open to anyone', async () => {
    assert.equal((await kernel.app.inject({ method: 'GET', url: '/public' })).statusCode, 200)
  })

  test('a role that grants the permission is allowed, and the principal reaches the handler', async () => {
    const response = await kernel.app.inject({ method: 'GET', url: '/widgets', headers: await bearer({ roles: ['reader'] }) })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { roles: ['reader'] })
    const editor = await kernel.app.inject({ method: 'DELETE', url: '/widgets/1', headers: await bearer({ roles: ['editor'] }) })
    assert.equal(editor.statusCode, 200)
  })

  test('no credentials is a 401 in the app format', async () => {
    const response = await kernel.app.inject({ method: 'GET', url: '/widgets' })
    assert.equal(response.statusCode, 401)
    assert.deepEqual(response.json(), { errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHORIZED' } }] })
  })

  test('an invalid token is a 401 too', async () => {
    const response = await kernel.app.inject({ method: 'GET', url: '/widgets', headers: { authorization: 'Bearer nonsense' } })
    assert.equal(response.statusCode, 401)
    assert.equal(response.headers['x-error-code'], 'UNAUTHORIZED')
  })

  test('a role without the permission is a 403 naming it; an unknown role grants nothing', async () => {
    const reader = await kernel.app.inject({ method: 'DELETE', url: '/widgets/1', headers: await bearer({ roles: ['reader'] }) })
    assert.equal(reader.statusCode, 403)
    assert.deepEqual(reader.json(), { errors: [{ message: 'Missing permission widget.edit', extensions: { code: 'FORBIDDEN' } }] })
    const stranger = await kernel.app.inject({ method: 'GET', url: '/widgets', headers: await bearer({ roles: ['admin'] }) })
    assert.equal(stranger.statusCode, 403)
  })

  test('a permission granted directly (a token scope) is enough', async () => {
    const response = await kernel.app.inject({ method: 'DELETE', url: '/widgets/1', headers: await bearer({ roles: [], permissions: ['widget.edit'] }) })
    assert.equal(response.statusCode, 200)
  })

  test('a list of permissions means any of them', async () => {
    const reader = await kernel.app.inject({ method: 'PATCH', url: '/widgets/1', headers: await bearer({ roles: ['reader'] }) })
    assert.equal(reader.statusCode, 403)
    assert.deepEqual(reader.json(), { errors: [{ message: 'Missing permission widget.edit or widget.own', extensions: { code: 'FORBIDDEN' } }] })
    const owner = await kernel.app.inject({ method: 'PATCH', url: '/widgets/1', headers: await bearer({ roles: [], permissions: ['widget.own'] }) })
    assert.equal(owner.statusCode, 200)
    const editor = await kernel.app.inject({ method: 'PATCH', url: '/widgets/1', headers: await bearer({ roles: ['editor'] }) })
    assert.equal(editor.statusCode, 200)
  })

  test('definePermissions answers who may do what', () => {
    assert.equal(permissions.allows(['reader'], 'widget.edit'), false)
    assert.equal(permissions.allows('editor', 'widget.edit'), true)
    assert.equal(permissions.allows(undefined, 'widget.read'), false)
    assert.deepEqual(permissions.permissionsOf(['reader', 'editor']).sort(), ['widget.edit', 'widget.read'])
  })
})

describe('QA routes', () => {
  test('exist in QA mode: seedDatabase answers once seeded, token mints what the app accepts', async () => {
    const kernel = await buildKernelApp({ HEARTH_ENV: 'qa' })
    let seeded = 0
    try {
      registerQaRoutes(kernel.app, kernel.app.hearth.config, {
        seedDatabase: async () => {
          seeded += 1
        },
        mintToken: async (claims) => `token-for-${claims.sub}`,
      })
      const seed = await kernel.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
      assert.equal(seed.statusCode, 204)
      assert.equal(seeded, 1)
      const token = await kernel.app.inject({ method: 'POST', url: '/qa/token', payload: { sub: 'user-1', role: 'admin' } })
      assert.equal(token.statusCode, 200)
      assert.deepEqual(token.json(), { token: 'token-for-user-1' })
      const noSubject = await kernel.app.inject({ method: 'POST', url: '/qa/token', payload: { role: 'admin' } })
      assert.equal(noSubject.statusCode, 400)
    } finally {
      await kernel.app.close()
    }
  })

  test('are absent outside QA mode', async () => {
    for (const env of ['development', 'production']) {
      const kernel = await buildKernelApp(env === 'production' ? { HEARTH_ENV: env, DATABASE_URL: 'postgres://unused/db' } : { HEARTH_ENV: env })
      let seeded = 0
      try {
        registerQaRoutes(kernel.app, kernel.app.hearth.config, {
          seedDatabase: async () => {
            seeded += 1
          },
          mintToken: async () => 'never',
        })
        for (const url of ['/qa/seedDatabase', '/qa/token']) {
          const response = await kernel.app.inject({ method: 'POST', url, payload: { sub: 'x' } })
          assert.equal(response.statusCode, 404, `${env} ${url}`)
        }
        assert.equal(seeded, 0)
      } finally {
        await kernel.app.close()
      }
    }
  })
})

describe('the permission hook, authenticating early', () => {
  let kernel: KernelApp
  const seen: string[] = []

  before(async () => {
    kernel = await buildKernelApp()
    registerPermissionHook(kernel.app, {
      permissions: definePermissions({ member: ['widget.make'] }),
      authenticateAt: 'onRequest',
      authenticatePublic: (request) => request.headers.authorization !== undefined,
      async authenticate(request) {
        const header = request.headers.authorization
        if (header === undefined) return undefined
        if (header !== 'Bearer member') throw errors.unauthorized('Bad token')
        seen.push(request.url)
        return { roles: ['member'] }
      },
      unauthorized: () => errors.unauthorized('Sign in first'),
    })
    const body = { type: 'object', properties: { size: { type: 'integer' } }, required: ['size'] }
    const ok = { response: { 200: { type: 'object', additionalProperties: true } } }
    kernel.app.post('/widgets', { schema: { body, ...ok }, config: { permission: 'widget.make' } }, async () => ({ made: true }))
    kernel.app.get('/open', { schema: ok, config: { public: true } }, async (request) => ({ principal: request.principal?.roles ?? null }))
    await kernel.app.ready()
  })
  after(() => kernel.app.close())

  test('an anonymous caller is refused before the body is validated', async () => {
    const response = await kernel.app.inject({ method: 'POST', url: '/widgets', payload: { size: 'not a number' } })
    assert.equal(response.statusCode, 401)
    assert.equal(response.json().errors[0].message, 'Sign in first')
  })

  test('a signed-in caller with a bad body gets the validation error', async () => {
    const response = await kernel.app.inject({ method: 'POST', url: '/widgets', headers: { authorization: 'Bearer member' }, payload: { size: 'x' } })
    assert.equal(response.statusCode, 400)
  })

  test('a credential presented on a public route is verified: a bad one is refused, a good one is known', async () => {
    assert.equal((await kernel.app.inject({ method: 'GET', url: '/open', headers: { authorization: 'Bearer forged' } })).statusCode, 401)
    const known = await kernel.app.inject({ method: 'GET', url: '/open', headers: { authorization: 'Bearer member' } })
    assert.deepEqual(known.json(), { principal: ['member'] })
    assert.deepEqual((await kernel.app.inject({ method: 'GET', url: '/open' })).json(), { principal: null })
  })

  test('authenticating after the check is a programming error caught at registration', async () => {
    const other = await buildKernelApp()
    assert.throws(() => registerPermissionHook(other.app, { authenticate: async () => undefined, authenticateAt: 'preHandler', stage: 'onRequest' }), /must not come after/)
    await other.app.close()
  })
})

describe('kernel plugins', () => {
  test('the permission plugin declares that it needs the hearth context: without it the app refuses to start, naming both', async () => {
    const bare = Fastify()
    bare.register(hearthPermissions, { authenticate: async () => undefined })
    await assert.rejects(async () => {
      await bare.ready()
    }, /'hearth' required by 'hearth-permissions'|hearth-context/)
    await bare.close()
  })

  test('on a kernel app it registers, and app.hearth was there before it', async () => {
    const kernel = await buildKernelApp()
    assert.ok(kernel.app.hasPlugin(PLUGIN.context) && kernel.app.hasPlugin(PLUGIN.routes))
    await kernel.app.register(hearthPermissions, { authenticate: async () => undefined })
    assert.ok(kernel.app.hasPlugin(PLUGIN.permissions))
    await kernel.app.close()
  })
})
