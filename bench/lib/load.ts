// One operation measured against one running server: fetch it once and check the answer, then a
// warm-up and a measured autocannon run in which every response must be 2xx with that same body.
import { deepStrictEqual } from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import autocannon from 'autocannon'
import type { Measurement } from './results.ts'
import type { RunningServer } from './servers.ts'

export interface Operation {
  name: string
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
  /** Connections for this operation when it differs from the run's (e.g. a 1 MB response). */
  connections?: number
  /** Throws when a parsed response body does not have the shape this operation must return. */
  check(body: unknown): void
}

export interface LoadOptions {
  connections: number
  durationSeconds: number
  warmupSeconds: number
}

export class BenchmarkError extends Error {
  override name = 'BenchmarkError'
}

export interface Answer {
  status: number
  contentType: string
  text: string
  json: unknown
}

/** One request, its status checked (2xx) and its body parsed and checked. */
export async function fetchChecked(server: RunningServer, operation: Operation): Promise<Answer> {
  const response = await fetch(server.url + operation.path, {
    method: operation.method,
    headers: operation.headers,
    body: operation.body,
    signal: AbortSignal.timeout(30_000),
  })
  const text = await response.text()
  const where = `${server.spec.target} ${operation.method} ${operation.path} (${operation.name})`
  if (response.status < 200 || response.status > 299) {
    throw new BenchmarkError(`${where} answered ${response.status}: ${text.slice(0, 2000)}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new BenchmarkError(`${where} did not answer JSON: ${text.slice(0, 500)}`)
  }
  try {
    operation.check(json)
  } catch (error) {
    throw new BenchmarkError(`${where} answered an unexpected body (${(error as Error).message}): ${text.slice(0, 2000)}`)
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? 'application/json', text, json }
}

/** Fails unless another server's answer carries the same JSON as the reference (key order aside). */
export function assertSameJson(reference: Answer, other: Answer, what: string): void {
  try {
    deepStrictEqual(other.json, reference.json)
  } catch (error) {
    throw new BenchmarkError(`${what} does not return the same JSON as Hearth:\n${(error as Error).message.slice(0, 4000)}`)
  }
}

/** What a body compared by `compareBodiesByBytes` is reported as: equal to the checked one, or not. */
const SAME_BODY = 'same'
const OTHER_BODY = 'other'

interface PendingResponse {
  body: string
  /** Bytes of the body received so far, and whether they all equal the checked body's. */
  received?: number
  differs?: boolean
}
interface ResponseQueue {
  peek(): PendingResponse | undefined
  addBody(chunk: Buffer): void
  terminateRequest(): PendingResponse | undefined
}
/** autocannon's per-connection queue of responses in flight (internal; the harness replaces two of its methods). */
const responseQueueOf = (client: autocannon.Client) => (client as unknown as { pipelinedRequests: ResponseQueue }).pipelinedRequests

/**
 * Tells an autocannon client not to keep response bodies. autocannon appends every chunk of a body to
 * a string, decoding it as UTF-8; for a compressed (binary) body that decoding is slow enough to bound
 * the load generator, not the server (`bench/probes/fixed-bytes.ts`). Used where no body is compared.
 */
export function dropBodies(client: autocannon.Client): void {
  responseQueueOf(client).addBody = () => {}
}

/**
 * Compares every response body with the checked one, byte for byte, as its chunks arrive, instead of letting
 * autocannon append them to a string decoded as UTF-8 and compare strings. Each body is still checked whole (a
 * body that differs in one byte, or is shorter or longer, counts as a mismatch); what goes is the decoding, which
 * for a 765 KB body bounded the load generator, not the server (`bench/probes/fixed-bytes.ts`).
 */
export function compareBodiesByBytes(expected: Buffer): (client: autocannon.Client) => void {
  return (client) => {
    const queue = responseQueueOf(client)
    queue.addBody = (chunk) => {
      const pending = queue.peek()
      if (!pending) return
      const at = pending.received ?? 0
      const end = at + chunk.length
      if (end > expected.length || !chunk.equals(expected.subarray(at, end))) pending.differs = true
      pending.received = end
    }
    const terminate = queue.terminateRequest.bind(queue)
    queue.terminateRequest = () => {
      const done = terminate()
      if (done) done.body = !done.differs && (done.received ?? 0) === expected.length ? SAME_BODY : OTHER_BODY
      return done
    }
  }
}

/** Whether the operation asks for a content coding (as browsers do), so its raw answers may be compressed. */
const acceptsCoding = (operation: Operation) => Object.keys(operation.headers ?? {}).some((name) => name.toLowerCase() === 'accept-encoding')

/**
 * One raw request (no client-side decoding), decoded here from the coding the server chose and
 * compared with `expectedBody`: for operations that send `Accept-Encoding`, whose bytes on the wire
 * autocannon cannot compare. Returns the coding and the bytes sent.
 */
export async function checkEncodedAnswer(server: RunningServer, operation: Operation, expectedBody: string): Promise<{ coding: string; bytes: number }> {
  const { coding, raw } = await new Promise<{ coding: string; raw: Buffer }>((resolve, reject) => {
    const outgoing = httpRequest(server.url + operation.path, { method: operation.method, headers: operation.headers, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ coding: String(response.headers['content-encoding'] ?? 'identity'), raw: Buffer.concat(chunks) }))
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end(operation.body)
  })
  const decode: Record<string, (bytes: Buffer) => Buffer> = { identity: (bytes) => bytes, br: brotliDecompressSync, gzip: gunzipSync, deflate: inflateSync }
  const decoded = decode[coding]?.(raw).toString('utf8')
  if (decoded !== expectedBody) {
    throw new BenchmarkError(`${server.spec.target} ${operation.name}: the ${coding} answer does not decode to the checked body`)
  }
  return { coding, bytes: raw.byteLength }
}

/**
 * Warm-up, then the measured run. Any non-2xx, socket error, timeout or body that differs from
 * `expectedBody` fails the benchmark: a benchmark of errors is worthless. Every body is compared byte
 * for byte as it arrives (`compareBodiesByBytes`). An operation that sends `Accept-Encoding` has its
 * answer decoded and compared once before the run instead (`checkEncodedAnswer`), as autocannon sees
 * only the bytes on the wire, and autocannon does not keep its bodies (`dropBodies`).
 */
export async function measure(server: RunningServer, operation: Operation, expectedBody: string, options: LoadOptions): Promise<Measurement> {
  const encoded = acceptsCoding(operation)
  if (encoded) await checkEncodedAnswer(server, operation, expectedBody)
  const base = {
    url: server.url + operation.path,
    method: operation.method,
    headers: { ...(operation.body !== undefined ? { 'content-type': 'application/json' } : {}), ...operation.headers },
    body: operation.body,
    connections: options.connections,
    expectBody: encoded ? undefined : SAME_BODY,
    setupClient: encoded ? dropBodies : compareBodiesByBytes(Buffer.from(expectedBody, 'utf8')),
    timeout: 30,
  }
  const where = `${server.spec.target} ${operation.name}`
  if (options.warmupSeconds > 0) {
    const warm = await autocannon({ ...base, duration: options.warmupSeconds })
    failOnBadResponses(where + ' (warm-up)', warm, { allowNone: true })
  }
  const cpuBefore = server.cpuSeconds()
  const started = process.hrtime.bigint()
  const result = await autocannon({ ...base, duration: options.durationSeconds })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpuAfter = server.cpuSeconds()
  failOnBadResponses(where, result)
  const completed = result['2xx']
  return {
    target: server.spec.target,
    operation: operation.name,
    requestsPerSecond: completed / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: completed,
    serverCpu: cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / seconds : undefined,
    connections: options.connections,
  }
}

function failOnBadResponses(where: string, result: autocannon.Result, options: { allowNone?: boolean } = {}): void {
  const problems: string[] = []
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx responses`)
  if (result.errors > 0) problems.push(`${result.errors} errors`)
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`)
  if (result.mismatches > 0) problems.push(`${result.mismatches} bodies differing from the checked one`)
  if (result['2xx'] === 0 && !options.allowNone) problems.push('no successful response at all')
  if (problems.length > 0) throw new BenchmarkError(`${where}: ${problems.join(', ')}`)
}
