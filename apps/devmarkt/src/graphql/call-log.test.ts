import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { buildSchema, graphql } from 'graphql'
import pino from 'pino'
import { failure } from '../modules/shared/failure.ts'
import { logRootFieldCalls } from './call-log.ts'

function capture(level: string) {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)))
      done()
    },
  })
  return { lines, log: pino({ level }, stream) }
}

const schema = () => {
  const built = buildSchema(`
    type Query { roles: [String!] }
    type Failure { code: String }
    type Mutation { deleteUser(number: String!): Boolean, createUser(number: String!): String }
  `)
  built.getQueryType()!.getFields().roles!.resolve = () => ['ADMIN']
  const mutations = built.getMutationType()!.getFields()
  mutations.deleteUser!.resolve = () => false
  mutations.createUser!.resolve = () => failure('DUPLICATED')
  return built
}

const context = { caller: async () => ({ user: { idType: 'internal', userId: 1n }, role: 'ADMIN' }) }

test('a mutation call is logged with the user, the operation, the arguments and the result', async () => {
  const { lines, log } = capture('info')
  const built = schema()
  logRootFieldCalls(built, log as never)
  await graphql({ schema: built, source: 'mutation { deleteUser(number: "12") }', contextValue: context })
  await graphql({ schema: built, source: 'mutation { createUser(number: "13") }', contextValue: context })
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(
    lines.map(({ user, operation, arguments: args, result }) => ({ user, operation, args, result })),
    [
      { user: 'internal:1', operation: 'Mutation.deleteUser', args: { number: '12' }, result: false },
      { user: 'internal:1', operation: 'Mutation.createUser', args: { number: '13' }, result: { failure: ['DUPLICATED'] } },
    ],
  )
})

test('reads are logged only at debug, and left untouched otherwise', async () => {
  const quiet = capture('info')
  const built = schema()
  logRootFieldCalls(built, quiet.log as never)
  assert.deepEqual({ ...(await graphql({ schema: built, source: '{ roles }', contextValue: context })).data }, { roles: ['ADMIN'] })
  assert.equal(quiet.lines.length, 0)

  const verbose = capture('debug')
  const again = schema()
  logRootFieldCalls(again, verbose.log as never)
  await graphql({ schema: again, source: '{ roles }', contextValue: context })
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(
    verbose.lines.map((line) => [line.operation, line.result]),
    [['Query.roles', { items: 1 }]],
  )
})
