import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startRaise, type RaiseTestContext } from './helpers.ts'
import { DEMO_FUNDRAISER_ID } from '../seeds/demo.ts'

let ctx: RaiseTestContext
before(async () => {
  ctx = await startRaise()
})
after(() => ctx.close())

test('POST /qa/seedDatabase wipes and loads the QA seed (the demo data of §7)', async () => {
  await ctx.request('POST', '/admin/groups', { body: { name: 'Wiped' } })
  const seeded = await ctx.app.inject({ method: 'POST', url: '/qa/seedDatabase' })
  assert.equal(seeded.statusCode, 204)
  const fundraiser = await ctx.request('GET', `/public/fundraisers/${DEMO_FUNDRAISER_ID}`, { token: null })
  assert.equal(fundraiser.body.totalRaised, 52050)
  assert.equal(fundraiser.body.donations.length, 3)
  const groups = (await ctx.request('GET', '/admin/groups')).body.map((group: { name: string }) => group.name).sort()
  assert.deepEqual(groups, ['Demo', 'National', 'NationalTech'])
})

test('POST /qa/token mints an access token the app accepts', async () => {
  const minted = await ctx.app.inject({ method: 'POST', url: '/qa/token', payload: { sub: 'qa@example.com', groups: ['01GPY6D06N6EHEE0RGRNZJ60K7'] } })
  assert.equal(minted.statusCode, 200)
  const profile = await ctx.request('GET', '/admin/login', { token: minted.json().token })
  assert.equal(profile.body.email, 'qa@example.com')
})

test('serves the committed OpenAPI 3.1 contract with all 28 operations, and /docs', async () => {
  const served = await ctx.app.inject({ method: 'GET', url: '/openapi.json' })
  const document = served.json()
  assert.equal(document.openapi, '3.1.0')
  const committed = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'openapi.json'), 'utf8'))
  const operations = (doc: { paths: Record<string, Record<string, { operationId?: string }>> }) =>
    Object.values(doc.paths)
      .flatMap((methods) => Object.values(methods).map((operation) => operation.operationId))
      .filter(Boolean)
      .sort()
  assert.equal(operations(committed).length, 28)
  assert.deepEqual(
    operations(document).filter((id) => id !== 'devConfirmPaymentIntent'),
    operations(committed),
  )
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/docs/' })).statusCode, 200)
})

test('CORS allows any origin, and every response carries X-Raise-Version', async () => {
  const response = await ctx.app.inject({ method: 'GET', url: '/public/status', headers: { origin: 'https://www.joinraise.org' } })
  assert.equal(response.headers['access-control-allow-origin'], 'https://www.joinraise.org')
  assert.equal(response.headers['x-raise-version'], 'hearth-0.1.0')
  assert.deepEqual(response.json(), { message: 'Service online' })
})

test('every route answers malformed input with a 4xx in the original shape', async () => {
  const document = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { in: string; name: string }[] }>>
  }
  const token = await ctx.token(['01GPY6D06N6EHEE0RGRNZJ60K7', '01GPY6D06NTBC0674WHR7H60YT'])
  let checked = 0
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const hasParams = (operation.parameters ?? []).some((parameter) => parameter.in === 'path')
      const validIds = path.replace(/\{[^}]+\}/g, '01H0000000000000000000000Z')
      if (operation.requestBody) {
        const response = await ctx.request(method.toUpperCase(), validIds, { token, body: '[1, "not an object"]' })
        assert.equal(response.status, 400, `${method} ${path}: ${JSON.stringify(response.body)}`)
        assert.equal(response.body.message, 'Event object failed validation')
        checked++
      }
      if (hasParams && !/objectId|subjectId/.test(path)) {
        const badIds = path.replace(/\{[^}]+\}/g, 'not-a-ulid')
        const response = await ctx.request(method.toUpperCase(), badIds, { token, ...(operation.requestBody ? { body: {} } : {}) })
        assert.equal(response.status, 400, `${method} ${badIds}: ${JSON.stringify(response.body)}`)
        assert.equal(typeof response.body.message, 'string')
        checked++
      }
    }
  }
  assert.ok(checked >= 25, `checked ${checked}`)
})
