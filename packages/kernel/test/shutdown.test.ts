import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { join } from 'node:path'

test('on SIGTERM a server finishes the request in flight, refuses new ones, closes its resources and exits 0', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'slow-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TEST_DATABASE_URL: '' },
  })
  const exited = once(child, 'exit')
  const lines = createInterface({ input: child.stdout! })
  const seen: string[] = []
  const waiters: { prefix: string; resolve: (line: string) => void }[] = []
  lines.on('line', (line) => {
    seen.push(line)
    for (const waiter of waiters.filter((item) => line.startsWith(item.prefix))) waiter.resolve(line)
  })
  const next = (prefix: string) =>
    new Promise<string>((resolve) => {
      const already = seen.find((line) => line.startsWith(prefix))
      if (already) resolve(already)
      else waiters.push({ prefix, resolve })
    })
  try {
    const url = (await next('LISTENING ')).slice('LISTENING '.length)
    const inFlight = fetch(`${url}/slow`)
    await next('IN_FLIGHT')
    child.kill('SIGTERM')
    const response = await inFlight
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { finished: true, answer: 42 })
    const [code] = await exited
    assert.equal(code, 0)
    assert.ok(seen.includes('CLOSED'), 'the onClose callback ran')
    await assert.rejects(fetch(`${url}/health`), 'nothing listens any more')
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
})
