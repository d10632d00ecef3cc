import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseAuthorizationHeader } from './authorization-header.ts'

test('Self takes everything after the first space as the token', () => {
  assert.deepEqual(parseAuthorizationHeader('Self abc.def.ghi'), { method: 'Self', token: 'abc.def.ghi' })
  assert.deepEqual(parseAuthorizationHeader('Self abc test:123'), { method: 'Self', token: 'abc test:123' })
})

test('Foreign needs a token and a type:number target, nothing more', () => {
  assert.deepEqual(parseAuthorizationHeader('Foreign abc discord:1234567890123456789'), { method: 'Foreign', token: 'abc', target: { type: 'discord', number: 1234567890123456789n } })
  for (const header of ['Foreign abc', 'Foreign abc internal:1 extra', 'Foreign abc test_x:1', 'Foreign abc test:-1', 'Foreign abc test:9223372036854775808', 'Foreign abc :1', 'Foreign abc test:']) {
    assert.equal(parseAuthorizationHeader(header), undefined, header)
  }
})

test('anything but "(Self|Foreign) .+" is no credential', () => {
  for (const header of [undefined, '', 'Self', 'Self ', 'self abc', 'SpongeBob abc', 'Bearer abc', 'abc', ' Self abc', 'Self abc\n', 'Self\tabc']) {
    assert.equal(parseAuthorizationHeader(header), undefined, JSON.stringify(header))
  }
})
