// What the generated contract tests share, REST and GraphQL alike.

export type ContractHeaders = Record<string, string>

export interface ContractResponse {
  status: number
  headers: Record<string, string | string[] | number | undefined>
  text: string
  /** The parsed JSON body; `undefined` when the body is empty or not JSON. */
  body: unknown
}

/**
 * Stack frames, file paths, JavaScript error names and messages, and names of the libraries
 * underneath (as whole words: a random id such as `01M8XD2MFNVACEAJVW2K8CTC6G` is no leak).
 */
export const LEAKS =
  /\bat [^\s()]+ \(|\bat (?:file|node):|node:internal|node_modules|\/work\/|\.[cm]?[jt]s:\d+|Maximum call stack|Cannot read propert|Cannot set propert|undefined is not|is not a function|is not iterable|\b(?:TypeError|RangeError|ReferenceError|SyntaxError|EvalError|URIError|AggregateError)\b|\bFST_|\bMER_ERR|\b(?:mercurius|graphql-jit|fastify|ajv|pglite|postgres|drizzle|ECONNREFUSED)\b/i

/** mulberry32: small, fast, and the same sequence for a seed on every machine. */
export function prng(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!, int: (below: number) => Math.floor(next() * below) }
}
