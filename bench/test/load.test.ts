// The harness's body check under load: autocannon against a local server whose answer is either the
// checked body or one that differs by a byte or in length. Counts only; nothing asserts a timing.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import autocannon from 'autocannon'
import { compareBodiesByBytes } from '../lib/load.ts'

/** A server answering `body` in chunks of `chunk` bytes (so a body arrives in several parser callbacks). */
async function serve(body: Buffer, chunk: number) {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
    for (let at = 0; at < body.length; at += chunk) response.write(body.subarray(at, at + chunk))
    response.end()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((resolve) => server.close(resolve)) }
}

async function mismatchesAgainst(checked: Buffer, answered: Buffer): Promise<{ mismatches: number; ok: number }> {
  const server = await serve(answered, 4096)
  try {
    const result = await autocannon({ url: server.url, connections: 2, amount: 20, expectBody: 'same', setupClient: compareBodiesByBytes(checked) })
    return { mismatches: result.mismatches, ok: result['2xx'] }
  } finally {
    await server.close()
  }
}

describe('compareBodiesByBytes', () => {
  const checked = Buffer.from(JSON.stringify({ donations: Array.from({ length: 2000 }, (_, n) => ({ id: `d${n}`, name: `Dönor ${n}` })) }), 'utf8')

  test('the checked body, however it is chunked, is no mismatch', async () => {
    const { mismatches, ok } = await mismatchesAgainst(checked, checked)
    assert.equal(ok, 20)
    assert.equal(mismatches, 0)
  })

  test('one byte changed, a byte missing or a byte more is a mismatch on every response', async () => {
    const changed = Buffer.from(checked)
    changed[changed.length - 10] = changed[changed.length - 10]! ^ 1
    for (const answered of [changed, checked.subarray(0, checked.length - 1), Buffer.concat([checked, Buffer.from(' ')])]) {
      const { mismatches } = await mismatchesAgainst(checked, answered)
      assert.equal(mismatches, 20)
    }
  })
})
