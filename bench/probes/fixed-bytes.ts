// A probe of what this machine's loopback and load generator allow for a response of a given size,
// with no application in the way (not a scenario: nothing is written to RESULTS.md). For each size, a
// child process runs bare Fastify answering the same bytes from memory, and autocannon, in this process
// as in the scenarios, loads it with 50 connections for 8 s, four ways: random bytes (what a
// compressed body looks like), ASCII text (what JSON looks like), both kept by autocannon (which
// appends every chunk of a body to a string, decoding it as UTF-8); random bytes with autocannon told
// not to keep the body (as the harness does for compressed answers); and ASCII text compared byte for
// byte as it arrives (`compareBodiesByBytes`, as the harness does for every other answer). Then, when
// wrk (a load generator written in C, Debian's package `wrk`) is on PATH, the ASCII text loaded by wrk
// with two threads, its bodies not compared: how much of the bound is autocannon's, a JavaScript
// client sharing the machine's two cores with the server:
// `node --import tsx bench/probes/fixed-bytes.ts 9749 89144 764872`.
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { once } from 'node:events'
import autocannon from 'autocannon'
import { compareBodiesByBytes, dropBodies } from '../lib/load.ts'
import { freePort } from '../lib/servers.ts'

const SERVER = `
const Fastify = require('fastify')
const size = Number(process.argv[1])
const bytes = process.argv[3] === 'ascii' ? Buffer.alloc(size, 'abcdefghij') : require('node:crypto').randomBytes(size)
const app = Fastify({ logger: false })
app.get('/bytes', (request, reply) => reply.type('application/octet-stream').send(bytes))
app.listen({ host: '127.0.0.1', port: Number(process.argv[2]) }).then(() => console.log('ready'))
`

const ways = [
  { name: 'random bytes', content: 'random', bodies: 'kept' },
  { name: 'ASCII text', content: 'ascii', bodies: 'kept' },
  { name: 'random bytes, body not kept', content: 'random', bodies: 'dropped' },
  { name: 'ASCII text, compared byte for byte', content: 'ascii', bodies: 'compared' },
] as const
for (const size of process.argv.slice(2).map(Number)) {
  for (const way of ways) {
    const port = await freePort()
    const child = spawn(process.execPath, ['-e', SERVER, String(size), String(port), way.content], { stdio: ['ignore', 'pipe', 'inherit'] })
    await once(child.stdout!, 'data')
    const compared = way.bodies === 'compared'
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/bytes`,
      connections: 50,
      duration: 8,
      expectBody: compared ? 'same' : undefined,
      setupClient: way.bodies === 'dropped' ? dropBodies : compared ? compareBodiesByBytes(Buffer.alloc(size, 'abcdefghij')) : undefined,
    })
    if (result.mismatches > 0) throw new Error(`${result.mismatches} bodies differed`)
    const rate = result['2xx'] / result.duration
    console.log(
      `${size.toLocaleString('en-US')} bytes, ${way.name}: ${Math.round(rate).toLocaleString('en-US')} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${Math.round((rate * size) / 1e6)} MB/s`,
    )
    child.kill()
    await once(child, 'exit')
  }
  await withWrk(size)
}

/** The ASCII body loaded by wrk (2 threads, 50 connections, 8 s), when wrk is installed. */
async function withWrk(size: number) {
  const port = await freePort()
  const child = spawn(process.execPath, ['-e', SERVER, String(size), String(port), 'ascii'], { stdio: ['ignore', 'pipe', 'inherit'] })
  await once(child.stdout!, 'data')
  try {
    const { stdout } = await promisify(execFile)('wrk', ['-t2', '-c50', '-d8s', '--latency', `http://127.0.0.1:${port}/bytes`])
    const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1])
    const latency = (percent: string) => new RegExp(`^\\s+${percent}%\\s+(\\S+)`, 'm').exec(stdout)?.[1]
    const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1]
    if (non2xx) throw new Error(`wrk saw ${non2xx} non-2xx answers`)
    console.log(
      `${size.toLocaleString('en-US')} bytes, ASCII text, wrk (C, 2 threads), bodies not compared: ${Math.round(rate).toLocaleString('en-US')} req/s, p50 ${latency('50')}, p99 ${latency('99')}, ${Math.round((rate * size) / 1e6)} MB/s`,
    )
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    console.log('wrk is not installed (apt-get install wrk): its rows are left out')
  } finally {
    child.kill()
    await once(child, 'exit')
  }
}
