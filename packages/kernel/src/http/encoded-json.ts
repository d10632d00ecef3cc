import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import { Negotiator } from '@fastify/accept-negotiator'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * Below this many bytes a body goes as it is: compressing it saves less than the headers it adds
 * (the threshold `@fastify/compress` uses too).
 */
export const MIN_COMPRESSIBLE_BYTES = 1024

/**
 * Brotli's quality for bodies compressed once and sent many times: 5 is within a few per cent of
 * the best size on JSON and about a quarter of quality 9's CPU (≈ 15 ms for 1 MB on this class of
 * machine, on libuv's thread pool, not the event loop).
 */
const BROTLI_QUALITY = 5

type ContentCoding = 'br' | 'gzip' | 'identity'

// No cache of parsed headers: a client could fill it with distinct ones, and parsing one is cheap.
// With equal weights, the order here decides: brotli first, as browsers all accept it.
const negotiator = new Negotiator<ContentCoding>({ supportedValues: ['br', 'gzip', 'identity'] })

const compressBrotli = promisify(brotliCompress)
const compressGzip = promisify(gzip)

/**
 * A JSON body written once and sent many times (a cached view), in whichever content coding each
 * client accepts (`Accept-Encoding`: brotli, then gzip, else as it is). Each coding is computed the
 * first time a client asks for it and kept with the body, so a cache of `EncodedJson` compresses a
 * view once per coding, not once per request. Clients see the same JSON either way: browsers and
 * HTTP libraries decode the coding they asked for.
 */
export class EncodedJson {
  /** The UTF-8 JSON, sent to clients that accept no coding we offer. */
  readonly identity: Buffer
  private readonly codings = new Map<'br' | 'gzip', Promise<Buffer>>()

  constructor(json: string | Buffer) {
    this.identity = typeof json === 'string' ? Buffer.from(json, 'utf8') : json
  }

  /** The bytes a cache should count for this body (each compressed copy is a fraction of it). */
  get byteLength(): number {
    return this.identity.byteLength
  }

  /** The body in `coding`, compressed on first use; concurrent first uses share one compression. */
  encoded(coding: ContentCoding): Promise<Buffer> {
    if (coding === 'identity') return Promise.resolve(this.identity)
    let bytes = this.codings.get(coding)
    if (bytes === undefined) {
      bytes =
        coding === 'br'
          ? compressBrotli(this.identity, {
              params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: this.identity.byteLength },
            })
          : compressGzip(this.identity)
      // A failed compression is not kept: the next request tries again.
      bytes.catch(() => this.codings.delete(coding))
      this.codings.set(coding, bytes)
    }
    return bytes
  }
}

/** The coding to answer `accept-encoding` with for a body of `byteLength` bytes. */
export function negotiateCoding(acceptEncoding: string | undefined, byteLength: number): ContentCoding {
  if (acceptEncoding === undefined || byteLength < MIN_COMPRESSIBLE_BYTES) return 'identity'
  // `null`: nothing acceptable was offered (`identity;q=0` alone, or only unknown codings). The
  // representation as it is stays the answer, as most servers do, rather than a 406.
  return negotiator.negotiate(acceptEncoding) ?? 'identity'
}

/**
 * Sends `body` as `application/json` in the coding the request accepts, with `Vary: Accept-Encoding`
 * (kept beside any `Vary` already set, such as CORS's `Origin`) so that shared caches keep the
 * codings apart. If compressing fails, the body goes as it is.
 */
export async function sendEncodedJson(request: FastifyRequest, reply: FastifyReply, body: EncodedJson): Promise<FastifyReply> {
  reply.type('application/json; charset=utf-8')
  if (body.byteLength < MIN_COMPRESSIBLE_BYTES) return reply.send(body.identity)
  const vary = reply.getHeader('vary')
  reply.header('vary', vary === undefined || vary === '' ? 'Accept-Encoding' : `${String(vary)}, Accept-Encoding`)
  const coding = negotiateCoding(request.headers['accept-encoding'], body.byteLength)
  if (coding === 'identity') return reply.send(body.identity)
  let bytes: Buffer
  try {
    bytes = await body.encoded(coding)
  } catch (error) {
    request.log.warn({ err: error, coding }, 'compressing a response failed; sent as it is')
    return reply.send(body.identity)
  }
  return reply.header('content-encoding', coding).send(bytes)
}
