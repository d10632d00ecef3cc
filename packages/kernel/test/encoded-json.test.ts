// A cached JSON body sent in the coding each client accepts: brotli, gzip or as it is, decoded to
// the same JSON, with `Vary: Accept-Encoding` beside CORS's `Vary: Origin`, and compressed once.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { createHttpServer, EncodedJson, MIN_COMPRESSIBLE_BYTES, negotiateCoding, sendEncodedJson } from '../src/index.ts'

const large = { donations: Array.from({ length: 500 }, (_, index) => ({ id: `donation-${index}`, donorName: 'Ada Lovelace', amount: 1_000 + index })) }
const largeBody = new EncodedJson(JSON.stringify(large))
const smallBody = new EncodedJson(JSON.stringify({ id: 'one' }))

describe('negotiateCoding', () => {
  test('brotli when accepted, then gzip, else as it is', () => {
    assert.equal(negotiateCoding('gzip, deflate, br, zstd', 50_000), 'br')
    assert.equal(negotiateCoding('gzip, deflate', 50_000), 'gzip')
    assert.equal(negotiateCoding('br;q=0, gzip', 50_000), 'gzip')
    assert.equal(negotiateCoding('gzip;q=0.5, br;q=0.2', 50_000), 'gzip')
    assert.equal(negotiateCoding('identity', 50_000), 'identity')
    assert.equal(negotiateCoding('deflate, compress', 50_000), 'identity')
    assert.equal(negotiateCoding('identity;q=0', 50_000), 'identity')
    assert.equal(negotiateCoding('*', 50_000), 'br')
    assert.equal(negotiateCoding(undefined, 50_000), 'identity')
    assert.equal(negotiateCoding('', 50_000), 'identity')
  })

  test('a small body goes as it is whatever is accepted', () => {
    assert.equal(negotiateCoding('br', MIN_COMPRESSIBLE_BYTES - 1), 'identity')
    assert.equal(negotiateCoding('br', MIN_COMPRESSIBLE_BYTES), 'br')
  })
})

describe('sendEncodedJson', () => {
  let app: FastifyInstance
  before(async () => {
    ;({ app } = await createHttpServer({ name: 'encoded-json-test', logLevel: 'silent', bodyLimit: 1024, cors: ['https://app.example'] }))
    const schema = { response: { 200: { type: 'object', additionalProperties: true } } }
    app.get('/large', { config: { public: true }, schema }, (request, reply) => sendEncodedJson(request, reply, largeBody))
    app.get('/small', { config: { public: true }, schema }, (request, reply) => sendEncodedJson(request, reply, smallBody))
    await app.ready()
  })
  after(() => app.close())

  test('brotli for a browser, decoding to the same JSON, with both Vary entries', async () => {
    const response = await app.inject({ method: 'GET', url: '/large', headers: { 'accept-encoding': 'gzip, deflate, br', origin: 'https://app.example' } })
    assert.equal(response.statusCode, 200)
    assert.equal(response.headers['content-encoding'], 'br')
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8')
    assert.equal(Number(response.headers['content-length']), response.rawPayload.byteLength)
    assert.ok(response.rawPayload.byteLength < largeBody.byteLength / 4, 'compressed well below the JSON')
    assert.deepEqual(JSON.parse(brotliDecompressSync(response.rawPayload).toString('utf8')), large)
    const vary = String(response.headers.vary).split(/,\s*/)
    assert.ok(vary.includes('Origin') && vary.includes('Accept-Encoding'), `vary: ${response.headers.vary}`)
    assert.equal(response.headers['access-control-allow-origin'], 'https://app.example')
  })

  test('gzip when only gzip is accepted', async () => {
    const response = await app.inject({ method: 'GET', url: '/large', headers: { 'accept-encoding': 'gzip' } })
    assert.equal(response.headers['content-encoding'], 'gzip')
    assert.deepEqual(JSON.parse(gunzipSync(response.rawPayload).toString('utf8')), large)
    assert.match(String(response.headers.vary), /Accept-Encoding/)
  })

  test('as it is without Accept-Encoding, and for a body too small to be worth it', async () => {
    const plain = await app.inject({ method: 'GET', url: '/large' })
    assert.equal(plain.headers['content-encoding'], undefined)
    assert.deepEqual(plain.json(), large)
    assert.match(String(plain.headers.vary), /Accept-Encoding/, 'the answer still varies with the header')
    const small = await app.inject({ method: 'GET', url: '/small', headers: { 'accept-encoding': 'br' } })
    assert.equal(small.headers['content-encoding'], undefined)
    assert.deepEqual(small.json(), { id: 'one' })
  })

  test('each coding is compressed once and kept with the body', async () => {
    const body = new EncodedJson(JSON.stringify(large))
    const [first, second] = await Promise.all([body.encoded('br'), body.encoded('br')])
    assert.equal(first, second)
    assert.equal(await body.encoded('br'), first)
    assert.equal(await body.encoded('identity'), body.identity)
    assert.notEqual(await body.encoded('gzip'), first)
  })
})
