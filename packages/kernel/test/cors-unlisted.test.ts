// CORS for an origin outside the allowed list: by default no CORS headers; with `first-allowed` the
// list's first origin (the original API Gateway setups CompactConnect copies), `Vary: Origin` either way.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHttpServer, type CorsUnlistedOrigin } from '../src/index.ts'

async function server(corsUnlistedOrigin?: CorsUnlistedOrigin) {
  const { app } = await createHttpServer({ name: 'cors-test', logLevel: 'silent', bodyLimit: 1024, cors: ['https://app.example', 'https://admin.example'], corsUnlistedOrigin })
  app.get('/thing', { config: { public: true }, schema: { response: { 200: { type: 'object', additionalProperties: true } } } }, async () => ({}))
  await app.ready()
  return app
}

describe('CORS for unlisted origins', () => {
  test('by default an unlisted origin gets no CORS headers and a listed one is echoed', async () => {
    const app = await server()
    try {
      const listed = await app.inject({ method: 'GET', url: '/thing', headers: { origin: 'https://admin.example' } })
      assert.equal(listed.headers['access-control-allow-origin'], 'https://admin.example')
      const unlisted = await app.inject({ method: 'GET', url: '/thing', headers: { origin: 'https://evil.example' } })
      assert.equal(unlisted.headers['access-control-allow-origin'], undefined)
    } finally {
      await app.close()
    }
  })

  test('first-allowed echoes a listed origin and answers any other with the first one, preflights and errors too', async () => {
    const app = await server('first-allowed')
    try {
      const listed = await app.inject({ method: 'GET', url: '/thing', headers: { origin: 'https://admin.example' } })
      assert.equal(listed.headers['access-control-allow-origin'], 'https://admin.example')
      assert.match(String(listed.headers.vary), /Origin/)
      const unlisted = await app.inject({ method: 'GET', url: '/thing', headers: { origin: 'https://evil.example' } })
      assert.equal(unlisted.headers['access-control-allow-origin'], 'https://app.example')
      assert.match(String(unlisted.headers.vary), /Origin/)
      const none = await app.inject({ method: 'GET', url: '/thing' })
      assert.equal(none.headers['access-control-allow-origin'], 'https://app.example')
      const preflight = await app.inject({ method: 'OPTIONS', url: '/thing', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } })
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example')
      const missing = await app.inject({ method: 'GET', url: '/nowhere', headers: { origin: 'https://evil.example' } })
      assert.equal(missing.statusCode, 404)
      assert.equal(missing.headers['access-control-allow-origin'], 'https://app.example')
    } finally {
      await app.close()
    }
  })
})
