// The GraphQL request guard: envelope types, document limits (non-recursive), operation selection
// and unsafe strings, without an app. Apps wire it in front of their executor (Devmarkt: mercurius).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildSchema, graphql, GraphQLError, parse, subscribe, validate, specifiedRules } from 'graphql'
import {
  findUnsafeString,
  GraphqlRequestError,
  nestingDepthExceeds,
  GraphqlRequestGuard,
  isUnsafeString,
  OperationIndex,
  readGraphqlEnvelope,
  safeStringLiteralsRule,
  scanDocument,
  selectOperation,
  summarizeOperations,
  unsafeVariablesError,
  guardResolvers,
} from '../src/graphql/index.ts'
import { definePermissions, type Principal } from '../src/auth/index.ts'

const limits = { maxDocumentLength: 50_000, maxTokens: 10_000, maxNesting: 64 }
const JS_ERROR_TEXT = /Maximum call stack|Cannot read properties|TypeError|undefined is not|is not iterable|SyntaxError|Unexpected token/

function refusal(run: () => unknown): GraphqlRequestError {
  try {
    run()
  } catch (error) {
    assert.ok(error instanceof GraphqlRequestError, `expected a GraphqlRequestError, got ${String(error)}`)
    assert.equal(error.status, 400)
    assert.doesNotMatch(error.message, JS_ERROR_TEXT)
    return error
  }
  assert.fail('expected a refusal')
}

describe('readGraphqlEnvelope', () => {
  const body = (input: unknown) => readGraphqlEnvelope(input, { encoding: 'object' })
  const get = (input: unknown) => readGraphqlEnvelope(input, { encoding: 'json-text' })

  test('reads a well-formed body; null variables and operationName read as absent', () => {
    assert.deepEqual(body({ query: '{ a }' }), { query: '{ a }', variables: undefined, operationName: undefined })
    assert.deepEqual(body({ query: '{ a }', variables: null, operationName: null, extensions: null }), { query: '{ a }', variables: undefined, operationName: undefined })
    assert.deepEqual(body({ query: 'query A { a }', variables: { x: 1 }, operationName: 'A', extensions: {}, unknownKey: 1 }), { query: 'query A { a }', variables: { x: 1 }, operationName: 'A' })
  })

  test('refuses a query that is missing, null or not a string, arrays included (never coerced)', () => {
    for (const query of [undefined, null, '', 1, true, ['{ a }'], { a: 1 }]) {
      const error = refusal(() => body({ query }))
      assert.equal(error.reason, 'MALFORMED_REQUEST')
      assert.match(error.message, /"query"/)
    }
  })

  test('refuses variables that are not an object or null, and operationName that is not a string or null', () => {
    for (const variables of ['x', '{}', 1, [1], [], true]) assert.match(refusal(() => body({ query: '{ a }', variables })).message, /"variables" must be an object or null/)
    for (const operationName of [1, {}, ['A'], false]) assert.match(refusal(() => body({ query: '{ a }', operationName })).message, /"operationName" must be a string or null/)
    for (const extensions of ['x', 1, [1]]) assert.match(refusal(() => body({ query: '{ a }', extensions })).message, /"extensions"/)
  })

  test('refuses a body that is not one object: null, a string, a number, a batch', () => {
    for (const input of [null, undefined, '{ a }', 12, true]) assert.match(refusal(() => body(input)).message, /must be a JSON object/)
    assert.match(refusal(() => body([{ query: '{ a }' }])).message, /batched requests are not supported/)
  })

  test('GET: variables are JSON text; a repeated parameter (an array) is refused', () => {
    assert.deepEqual(get({ query: '{ a }', variables: '{"x":1}' }).variables, { x: 1 })
    assert.equal(get({ query: '{ a }', variables: 'null' }).variables, undefined)
    assert.equal(get({ query: '{ a }', variables: '' }).variables, undefined)
    assert.match(refusal(() => get({ query: '{ a }', variables: '{' })).message, /"variables" is not valid JSON/)
    assert.match(refusal(() => get({ query: '{ a }', variables: '[1]' })).message, /must be a JSON object or null/)
    assert.match(refusal(() => get({ query: '{ a }', variables: ['{}', '{}'] })).message, /given once/)
    assert.match(refusal(() => get({ query: ['{ a }', '{ a }'] })).message, /"query" must be a string/)
    const exact = readGraphqlEnvelope({ query: '{ a }', variables: '{"n":9223372036854775807}' }, { encoding: 'json-text', parseJson: (text) => JSON.parse(text.replace(/(\d{16,})/g, '"$1"')) })
    assert.deepEqual(exact.variables, { n: '9223372036854775807' })
  })
})

describe('scanDocument', () => {
  test('passes ordinary documents, fragments, introspection-like nesting and strings holding brackets', () => {
    assert.equal(scanDocument('{ a }', limits), undefined)
    assert.equal(scanDocument('query Q($x: [[Int!]!] = [[1]]) @d(a: {b: [1, 2]}) { a(b: "{{{{[[[[", c: """ ((( \\""" ]]] """) { ...F } } # {{{{ \n fragment F on Q { b }', limits), undefined)
    const tenDeep = `{ ${'a { '.repeat(10)}b${' }'.repeat(10)} }`
    assert.equal(scanDocument(tenDeep, limits), undefined)
  })

  test('refuses a 5,000-deep list literal, object literal or selection quickly and without recursion', () => {
    for (const source of [
      `{ f(a: ${'['.repeat(5000)}1${']'.repeat(5000)}) }`,
      `{ f(a: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}) }`,
      `{ ${'a { '.repeat(5000)}b${' }'.repeat(5000)} }`,
      '['.repeat(1_000_000),
    ]) {
      const started = performance.now()
      assert.equal(scanDocument(source, { ...limits, maxDocumentLength: 2_000_000, maxTokens: 2_000_000 })?.reason, 'NESTED_TOO_DEEPLY')
      assert.ok(performance.now() - started < 200)
    }
    const atLimit = `{ f(a: ${'['.repeat(62)}1${']'.repeat(62)}) }`
    assert.equal(scanDocument(atLimit, limits), undefined)
    assert.equal(scanDocument(`{ f(a: ${'['.repeat(63)}1${']'.repeat(63)}) }`, limits)?.reason, 'NESTED_TOO_DEEPLY')
  })

  test('refuses a document over the length limit, and one over the token limit', () => {
    assert.equal(scanDocument(`{ a ${' '.repeat(50_000)} }`, limits)?.reason, 'DOCUMENT_TOO_LONG')
    assert.equal(scanDocument(`{ ${'a '.repeat(10_000)} }`, limits)?.reason, 'TOO_MANY_TOKENS')
    // Comments, commas and whitespace are not tokens; strings are one token each.
    assert.equal(scanDocument(`{ a ${'# comment\n'.repeat(1000)}${','.repeat(10_000)} b(c: "${'x'.repeat(20_000)}") }`, limits), undefined)
  })

  test('counts tokens as graphql-js does, closely enough to stay below its maxTokens guard', () => {
    const source = 'query Q($x: Int = -1.5e3, $y: [String!]) @skip(if: false) { a: b(c: $x, d: "s", e: """t""", f: [1, 2.0], g: {h: ENUM}) { ...F ... on T { i } } } fragment F on T { j }'
    let counted = 0
    const bound = (maxTokens: number) => scanDocument(source, { ...limits, maxTokens }) === undefined
    while (!bound(counted)) counted++
    let parserTokens = 0
    while (true) {
      try {
        parse(source, { maxTokens: parserTokens })
        break
      } catch {
        parserTokens++
      }
    }
    assert.ok(Math.abs(counted - parserTokens) <= 1, `scan ${counted}, graphql-js ${parserTokens}`)
  })
})

describe('operation selection', () => {
  const summary = (source: string) => summarizeOperations(parse(source))

  test('picks the named operation, or the only one', () => {
    assert.equal(selectOperation(summary('{ a }'), undefined), 'query')
    assert.equal(selectOperation(summary('query A { a } mutation B { b } subscription C { c }'), 'B'), 'mutation')
    assert.equal(selectOperation(summary('query A { a } fragment F on Q { a }'), undefined), 'query')
  })

  test('refuses an unknown name, several operations without a name, and a document without operations', () => {
    assert.equal(refusal(() => selectOperation(summary('query A { a }'), 'B')).reason, 'UNKNOWN_OPERATION')
    assert.equal(refusal(() => selectOperation(summary('{ a }'), 'A')).message, 'Unknown operation named "A".')
    assert.equal(refusal(() => selectOperation(summary('query A { a } query B { b }'), undefined)).reason, 'OPERATION_NAME_REQUIRED')
    assert.equal(refusal(() => selectOperation(summary('{ a } { b }'), undefined)).reason, 'OPERATION_NAME_REQUIRED')
    assert.equal(refusal(() => selectOperation(summary('fragment F on Q { a }'), undefined)).reason, 'NO_OPERATION')
  })

  test('OperationIndex remembers documents (syntax errors as the error) and forgets the first remembered beyond its bound', () => {
    const index = new OperationIndex(2)
    const first = index.summaryOf('{ a }')
    const broken = index.summaryOf('{ a')
    assert.ok(broken instanceof GraphQLError)
    assert.match(broken.message, /^Syntax Error: Expected Name, found <EOF>\.$/)
    assert.deepEqual(broken.locations, [{ line: 1, column: 4 }])
    assert.equal(index.summaryOf('{ a }'), first) // the same object: not parsed again (and not moved: first in, first out)
    index.summaryOf('{ b }') // evicts the first remembered, '{ a }', although it was just used
    const again = index.summaryOf('{ a }')
    assert.notEqual(again, first, 'parsed once more after its eviction')
    assert.deepEqual(again, first)
    assert.equal(index.summaryOf('{ a }'), again)
    assert.notEqual(index.summaryOf('query { a }'), first)
    let checks = 0
    index.summaryOf('{ c }', () => checks++)
    index.summaryOf('{ c }', () => checks++)
    assert.equal(checks, 1, 'beforeParse runs on a miss only')
    assert.throws(() => index.summaryOf('{ d }', () => assert.fail('refused')), /refused/)
    assert.throws(() => index.summaryOf('{ d }', () => assert.fail('refused again')), /refused again/, 'a refused document is not remembered')
  })
})

describe('GraphqlRequestGuard', () => {
  const guard = new GraphqlRequestGuard(limits)
  const http = (input: unknown) => guard.check(input, { encoding: 'object', transport: 'http' })

  test('answers the envelope and the operation to run', () => {
    assert.deepEqual(http({ query: 'query A { a } mutation B { b }', operationName: 'B', variables: { x: 1 } }), {
      query: 'query A { a } mutation B { b }',
      operationName: 'B',
      variables: { x: 1 },
      operation: 'mutation',
      syntaxError: undefined,
    })
  })

  test('a document that does not parse comes back with its syntax error (for the app to answer), whatever the operationName', () => {
    for (const input of [{ query: '{ a' }, { query: '{ a', operationName: 'X' }, { query: '1' }, { query: '{"kind":"Document","definitions":[]}' }]) {
      const checked = http(input)
      assert.equal(checked.operation, undefined)
      assert.ok(checked.syntaxError instanceof GraphQLError)
      assert.match(checked.syntaxError.message, /^Syntax Error: /)
    }
    assert.equal(http({ query: '{ a }' }).syntaxError, undefined)
  })

  test('refuses variables nested deeper than maxNesting, before any coercion recurses into them', () => {
    const deep = (depth: number) => {
      let value: unknown = 'x'
      for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value }
      return value
    }
    assert.equal(http({ query: '{ a }', variables: { v: deep(63) } }).operation, 'query')
    const error = refusal(() => http({ query: '{ a }', variables: { v: deep(64) } }))
    assert.equal(error.reason, 'NESTED_TOO_DEEPLY')
    assert.equal(error.message, 'The variables nest lists or objects deeper than the limit of 64 levels.')
    assert.equal(refusal(() => http({ query: '{ a }', variables: { v: deep(100_000) } })).reason, 'NESTED_TOO_DEEPLY')
    assert.equal(nestingDepthExceeds({ a: [1, { b: 2 }] }, 3), false)
    assert.equal(nestingDepthExceeds({ a: [1, { b: [] }] }, 3), true)
  })

  test('refuses a subscription over HTTP, not over a WebSocket', () => {
    assert.equal(refusal(() => http({ query: 'subscription { s }' })).reason, 'SUBSCRIPTION_OVER_HTTP')
    assert.equal(refusal(() => guard.check({ query: 'query A { a } subscription S { s }', operationName: 'S' }, { encoding: 'json-text', transport: 'http' })).reason, 'SUBSCRIPTION_OVER_HTTP')
    assert.equal(guard.check({ query: 'subscription { s }' }, { encoding: 'object', transport: 'websocket' }).operation, 'subscription')
  })

  test('refuses deep and huge documents before parsing them', () => {
    assert.equal(refusal(() => http({ query: `{ f(a: ${'['.repeat(5000)}1${']'.repeat(5000)}) }` })).reason, 'NESTED_TOO_DEEPLY')
    assert.equal(refusal(() => http({ query: `{ f(a: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}) }` })).reason, 'NESTED_TOO_DEEPLY')
    assert.equal(refusal(() => http({ query: `{ a ${' '.repeat(60_000)} }` })).reason, 'DOCUMENT_TOO_LONG')
    assert.equal(refusal(() => http({ query: `{ ${'a '.repeat(20_000)} }` })).reason, 'TOO_MANY_TOKENS')
  })

  test('every refusal is a GraphqlRequestError with status 400 and a message free of JavaScript error text', () => {
    for (const input of [{ query: 1 }, { query: null }, {}, { query: ['{ a }'] }, { query: '{ a }', operationName: 'Z' }, { query: '{ a }', variables: 'x' }]) refusal(() => http(input))
  })
})

describe('unsafe strings', () => {
  test('NUL and unpaired surrogates (high or low, anywhere) are unsafe; pairs and other controls are not', () => {
    for (const unsafe of ['\u0000', 'a\u0000b', '\uD800', 'a\uDC00', '\uDBFF x', 'x\uD83D']) assert.ok(isUnsafeString(unsafe), JSON.stringify(unsafe))
    for (const safe of ['', 'abc', '😀', '\uD83D\uDE00', '\u0001\u001f\u007f', 'ä\uFFFF', '\n\t']) assert.ok(!isUnsafeString(safe), JSON.stringify(safe))
  })

  test('findUnsafeString gives the path, checks keys, and walks any depth without recursion', () => {
    assert.equal(findUnsafeString({ a: [{ b: 'ok' }, { b: 'x\u0000' }] }), 'a[1].b')
    assert.equal(findUnsafeString('\uD800'), '')
    assert.equal(findUnsafeString({ ok: 1, 'k\u0000': 1 }), '(a key)')
    assert.equal(findUnsafeString({ a: 1, b: [true, null, 2.5, '😀'] }), undefined)
    let deep: unknown = 'bad\u0000'
    for (let i = 0; i < 200_000; i++) deep = [deep]
    assert.equal(findUnsafeString(deep)?.length, 200_000 * 3)
  })

  test('unsafeVariablesError names the variable and position, never the value', () => {
    assert.equal(
      unsafeVariablesError({ a: 'fine', u: { type: 'secret\u0000value' } })?.message,
      'Variable "$u" got an invalid value at "type"; strings must not contain NUL (U+0000) or unpaired UTF-16 surrogate characters.',
    )
    assert.equal(unsafeVariablesError({ s: '\uDC00' })?.message, 'Variable "$s" got an invalid value; strings must not contain NUL (U+0000) or unpaired UTF-16 surrogate characters.')
    assert.equal(unsafeVariablesError({ a: 'fine' }), undefined)
    assert.equal(unsafeVariablesError(undefined), undefined)
  })

  test('safeStringLiteralsRule refuses NUL escapes in arguments, input fields, lists and variable defaults, for any scalar', () => {
    const schema = buildSchema('scalar Name input In { s: String, n: Name } type Query { f(s: String, id: ID, n: Name, i: In, l: [String]): Int }')
    const errorsOf = (source: string) => validate(schema, parse(source), [...specifiedRules, safeStringLiteralsRule]).map((error) => error.message)
    const refused = 'String literals must not contain NUL (U+0000) or unpaired UTF-16 surrogate characters.'
    for (const source of [
      '{ f(s: "a\\u0000") }',
      '{ f(id: "\\u0000") }',
      '{ f(n: "\\u{0}") }',
      '{ f(i: {s: "x", n: "\\u0000"}) }',
      '{ f(l: ["ok", "\\u0000"]) }',
      'query ($s: String = "\\u0000") { f(s: $s) }',
    ]) {
      assert.deepEqual(errorsOf(source), [refused], source)
    }
    assert.deepEqual(errorsOf('{ f(s: "\\uD83D\\uDE00 ok", l: ["\\u0001"]) }'), [])
    // A raw NUL inside a string or block string parses (graphql-js allows it), so the rule catches
    // it too; graphql-js itself refuses a lone surrogate, raw or escaped.
    assert.deepEqual(errorsOf('{ f(s: "a\u0000b") }'), [refused])
    assert.deepEqual(errorsOf('{ f(s: """a\u0000b""") }'), [refused])
    assert.throws(() => parse('{ f(s: "\\uD800") }'), /Invalid Unicode escape sequence/)
    assert.throws(() => parse('{ f(s: "\uD800") }'), /Invalid character within String/)
  })
})

describe('guardResolvers', () => {
  const schema = buildSchema('type Query { open: String, notes: String, admin: String } type Subscription { ticks: String }')
  const fields = schema.getQueryType()!.getFields()
  fields.open!.resolve = () => 'open'
  fields.notes!.resolve = () => 'notes'
  fields.admin!.resolve = () => 'admin'
  schema.getSubscriptionType()!.getFields().ticks!.subscribe = async function* () {
    yield { ticks: 'tick' }
  }
  const roles = definePermissions({ reader: ['notes.read'], admin: ['notes.read', 'admin.read'] })
  guardResolvers<{ roles?: string[] }, Principal>(
    schema,
    { 'Query.notes': 'notes.read', 'Query.admin': ['admin.read', 'root'], 'Subscription.ticks': 'notes.read' },
    {
      permissions: roles,
      principalOf: (context) => (context.roles ? { roles: context.roles } : undefined),
      unauthorized: () => new Error('sign in'),
      forbidden: (permission, _principal, info) => new Error(`${info.fieldName} needs ${permission}`),
    },
  )
  const run = async (source: string, roles?: string[]) => JSON.parse(JSON.stringify(await graphql({ schema, source, contextValue: { roles } })))

  test('an unguarded field is open; a guarded one refuses the anonymous caller', async () => {
    assert.deepEqual(await run('{ open }'), { data: { open: 'open' } })
    const anonymous = await run('{ notes }')
    assert.equal(anonymous.errors[0].message, 'sign in')
  })

  test('a role granting the permission passes; lacking it is refused naming what is needed ("any of")', async () => {
    assert.deepEqual(await run('{ notes }', ['reader']), { data: { notes: 'notes' } })
    assert.equal((await run('{ admin }', ['reader'])).errors[0].message, 'admin needs admin.read or root')
    assert.deepEqual(await run('{ admin }', ['admin']), { data: { admin: 'admin' } })
  })

  test("a subscription's subscribe is guarded", async () => {
    const refused = await subscribe({ schema, document: parse('subscription { ticks }'), contextValue: {} })
    assert.ok('errors' in refused)
    assert.equal(refused.errors?.[0]?.message, 'sign in')
    const allowed = (await subscribe({ schema, document: parse('subscription { ticks }'), contextValue: { roles: ['reader'] } })) as AsyncIterableIterator<unknown>
    assert.deepEqual(JSON.parse(JSON.stringify((await allowed.next()).value)), { data: { ticks: 'tick' } })
  })

  test('a table naming no field of the schema is refused', () => {
    assert.throws(() => guardResolvers(schema, { 'Query.nothing': 'x' }, { principalOf: () => undefined, unauthorized: () => new Error(), forbidden: () => new Error() }), /not a field/)
  })
})
