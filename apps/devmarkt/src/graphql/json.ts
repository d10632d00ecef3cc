import { randomBytes } from 'node:crypto'

const marker = `bigint-${randomBytes(12).toString('hex')}:`
const markerPattern = new RegExp(`"${marker}(-?\\d+)"`, 'g')

const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? `${marker}${value}` : value)

/**
 * JSON.stringify that writes BigInt as a bare, exact JSON number (Node 20 has no JSON.rawJSON).
 * The fast path is plain JSON.stringify; only a payload holding a BigInt (a `Long` beyond 2^53)
 * takes the replacer path, where each BigInt becomes a string tagged with a per-process random
 * marker that is then unquoted. Client strings cannot forge the marker.
 */
export function stringifyWithBigInt(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/.test(error.message)) throw error
    return JSON.stringify(value, replacer).replace(markerPattern, '$1')
  }
}

/**
 * Integer literals beyond 2^53 in JSON text would lose digits in JSON.parse. Every such literal
 * outside a string is turned into a string before parsing; the only 64-bit input type (`Long`)
 * accepts numeric strings, and any other numeric input that large is invalid either way.
 */
export function quoteLargeIntegers(text: string): string {
  if (!/\d{16}/.test(text)) return text
  let out = ''
  let start = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (inString) {
      if (char === '\\') i++
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') {
      inString = true
      continue
    }
    if (char === '-' || (char >= '0' && char <= '9')) {
      let end = i + 1
      while (end < text.length && /[0-9eE.+-]/.test(text[end]!)) end++
      const token = text.slice(i, end)
      if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += text.slice(start, i) + `"${token}"`
        start = end
      }
      i = end - 1
    }
  }
  return out + text.slice(start)
}

export function parseJsonPreservingLargeIntegers(text: string): unknown {
  return JSON.parse(quoteLargeIntegers(text))
}
