import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseJsonPreservingLargeIntegers, quoteLargeIntegers, stringifyWithBigInt } from './json.ts'

test('BigInt is written as an exact bare number; everything else as JSON.stringify does', () => {
  assert.equal(stringifyWithBigInt({ a: 1, b: 'x' }), '{"a":1,"b":"x"}')
  assert.equal(stringifyWithBigInt({ n: 9223372036854775807n, m: -9223372036854775808n, s: 'bigint-1:2' }), '{"n":9223372036854775807,"m":-9223372036854775808,"s":"bigint-1:2"}')
})

test('integer literals beyond 2^53 outside strings become strings before parsing', () => {
  assert.deepEqual(parseJsonPreservingLargeIntegers('{"a":9223372036854775807,"b":[-12345678901234567],"c":"12345678901234567","d":1.5e300,"e":9007199254740991}'), {
    a: '9223372036854775807',
    b: ['-12345678901234567'],
    c: '12345678901234567',
    d: 1.5e300,
    e: 9007199254740991,
  })
  assert.equal(quoteLargeIntegers('{"q":"a \\" 12345678901234567890"}'), '{"q":"a \\" 12345678901234567890"}')
  assert.throws(() => parseJsonPreservingLargeIntegers('{"a":'))
})
