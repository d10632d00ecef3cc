// graphqlErrorPathsHook: a route declaring mercurius' response schema (errors[].path as strings)
// serialises a list index as a number once the hook has widened the declaration.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { graphqlErrorPathsHook } from '../src/graphql/index.ts'

const mercuriusLikeResponse = {
  200: {
    type: 'object',
    properties: {
      data: { type: ['object', 'null'], additionalProperties: true },
      errors: { type: 'array', items: { type: 'object', properties: { message: { type: 'string' }, path: { type: 'array', items: { type: 'string' } } } } },
    },
  },
}
const answer = { data: null, errors: [{ message: 'x', path: ['orders', 0, 'node'] }] }

test('errors[].path keeps list indexes as integers with the hook, and loses them without it', async () => {
  for (const hooked of [true, false]) {
    const app = Fastify()
    await app.register(async (scope) => {
      if (hooked) scope.addHook('onRoute', graphqlErrorPathsHook)
      scope.post('/graphql', { schema: { response: structuredClone(mercuriusLikeResponse) } }, async () => answer)
    })
    const body = (await app.inject({ method: 'POST', url: '/graphql' })).json()
    assert.deepEqual(body.errors[0].path, hooked ? ['orders', 0, 'node'] : ['orders', '0', 'node'])
    await app.close()
  }
})
