/** The largest document a GraphQL endpoint will look at, measured before graphql-js parses it. */
export interface DocumentLimits {
  /** Longest document, in UTF-16 code units. */
  maxDocumentLength: number
  /** Most lexical tokens (names, numbers, strings, punctuators; commas and comments are free). */
  maxTokens: number
  /**
   * Deepest nesting of `{`, `[` and `(` taken together: selection sets, argument lists, list and
   * object literals. graphql-js parses, validates and coerces these recursively, so a document like
   * `[[[[…5000…]]]]` must be refused before it gets there.
   */
  maxNesting: number
}

export type DocumentProblem = { reason: 'DOCUMENT_TOO_LONG'; message: string } | { reason: 'TOO_MANY_TOKENS'; message: string } | { reason: 'NESTED_TOO_DEEPLY'; message: string }

const enum Char {
  Tab = 9,
  LineFeed = 10,
  CarriageReturn = 13,
  Space = 32,
  Quote = 34,
  Hash = 35,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Backslash = 92,
  OpenParen = 40,
  CloseParen = 41,
  OpenBracket = 91,
  CloseBracket = 93,
  OpenBrace = 123,
  CloseBrace = 125,
  Bom = 0xfeff,
}

const isDigit = (code: number) => code >= 48 && code <= 57
const isNameContinue = (code: number) => isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95

/**
 * One linear pass over a document's characters, with GraphQL's lexical rules for what is skipped
 * (strings, block strings, comments), that measures its length, token count and deepest nesting.
 * No recursion and no allocation per token, so it is safe on any input and cheap on the hot path;
 * it stops at the first limit passed. The count is close to graphql-js' own token count (it is a
 * safety bound, not a parser: malformed documents are left to the parser to report).
 */
export function scanDocument(source: string, limits: DocumentLimits): DocumentProblem | undefined {
  if (source.length > limits.maxDocumentLength) {
    return { reason: 'DOCUMENT_TOO_LONG', message: `The document is longer than the limit of ${limits.maxDocumentLength} characters.` }
  }
  const length = source.length
  let tokens = 0
  let depth = 0
  let i = 0
  while (i < length) {
    const code = source.charCodeAt(i)
    if (code === Char.Space || code === Char.Tab || code === Char.LineFeed || code === Char.CarriageReturn || code === Char.Comma || code === Char.Bom) {
      i++
      continue
    }
    if (code === Char.Hash) {
      while (i < length && source.charCodeAt(i) !== Char.LineFeed && source.charCodeAt(i) !== Char.CarriageReturn) i++
      continue
    }
    if (++tokens > limits.maxTokens) {
      return { reason: 'TOO_MANY_TOKENS', message: `The document has more than the limit of ${limits.maxTokens} tokens.` }
    }
    if (code === Char.OpenBrace || code === Char.OpenBracket || code === Char.OpenParen) {
      if (++depth > limits.maxNesting) {
        return { reason: 'NESTED_TOO_DEEPLY', message: `The document nests selections, arguments or values deeper than the limit of ${limits.maxNesting} levels.` }
      }
      i++
    } else if (code === Char.CloseBrace || code === Char.CloseBracket || code === Char.CloseParen) {
      if (depth > 0) depth--
      i++
    } else if (code === Char.Quote) {
      i = source.startsWith('"""', i) ? skipBlockString(source, i + 3) : skipString(source, i + 1)
    } else if (code === Char.Dot && source.startsWith('...', i)) {
      i += 3
    } else if (code === Char.Minus || isDigit(code) || isNameContinue(code)) {
      // A name or a number (numbers may carry letters: 1e5); both end at the first other character.
      i++
      while (i < length) {
        const next = source.charCodeAt(i)
        if (isNameContinue(next) || next === Char.Dot || ((next === Char.Minus || next === 43) && (source.charCodeAt(i - 1) | 0x20) === 101)) i++
        else break
      }
    } else {
      i++ // a punctuator or a character the parser will refuse
    }
  }
  return undefined
}

/**
 * Whether a JSON-like value (variables) nests arrays and objects deeper than `maxNesting`; checked
 * with an explicit stack, so the check itself cannot overflow.
 */
export function nestingDepthExceeds(value: unknown, maxNesting: number): boolean {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!
    if (typeof current !== 'object' || current === null) continue
    if (depth + 1 > maxNesting) return true
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
    }
  }
  return false
}

/** Index after a `"…"` string; an unterminated string ends at the line's end (the parser reports it). */
function skipString(source: string, i: number): number {
  while (i < source.length) {
    const code = source.charCodeAt(i)
    if (code === Char.Quote) return i + 1
    if (code === Char.LineFeed || code === Char.CarriageReturn) return i
    i += code === Char.Backslash ? 2 : 1
  }
  return i
}

/** Index after a `"""…"""` block string (`\"""` does not end it). */
function skipBlockString(source: string, i: number): number {
  for (;;) {
    const end = source.indexOf('"""', i)
    if (end < 0) return source.length
    if (source.charCodeAt(end - 1) === Char.Backslash) {
      i = end + 3
      continue
    }
    return end + 3
  }
}
