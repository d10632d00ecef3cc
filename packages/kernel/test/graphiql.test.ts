// The kernel's GraphiQL page: its assets from this server, the app's title, query, variables and
// headers in its script, a header filled from a cookie, no path escape through the asset route.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { registerGraphiql } from '../src/graphql/index.ts'

test('GraphiQL serves its page, configuration and assets from this server', async () => {
  const app = Fastify()
  registerGraphiql(app, {
    title: 'Shop <GraphiQL>',
    defaultQuery: '{ shop } # </script>',
    defaultVariables: { sub: 'x' },
    defaultHeaders: { Authorization: 'Self <token>' },
    headersFromCookies: { 'X-Csrf-Token': 'csrf-token' },
    path: '/ide',
    endpoint: '/api/graphql',
  })
  try {
    const page = await app.inject({ method: 'GET', url: '/ide' })
    assert.equal(page.statusCode, 200)
    assert.match(page.headers['content-type'] as string, /text\/html/)
    assert.match(page.body, /<title>Shop &#60;GraphiQL&#62;<\/title>/)
    assert.doesNotMatch(page.body, /https?:\/\//)
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!).sort()
    assert.deepEqual(sources, ['/ide/assets/graphiql.min.css', '/ide/assets/graphiql.min.js', '/ide/assets/react-dom.production.min.js', '/ide/assets/react.production.min.js', '/ide/init.js'])
    for (const source of sources) assert.equal((await app.inject({ method: 'GET', url: source })).statusCode, 200, source)
    const init = (await app.inject({ method: 'GET', url: '/ide/init.js' })).body
    const config = JSON.parse(/var config = (.*);\n/.exec(init)![1]!)
    assert.deepEqual(config, {
      endpoint: '/api/graphql',
      defaultQuery: '{ shop } # </script>',
      defaultVariables: { sub: 'x' },
      defaultHeaders: { Authorization: 'Self <token>' },
      headersFromCookies: { 'X-Csrf-Token': 'csrf-token' },
    })
    assert.doesNotMatch(init, /<\/script>/)
    assert.equal((await app.inject({ method: 'GET', url: '/ide/assets/..%2Fpackage.json' })).statusCode, 404)
  } finally {
    await app.close()
  }
})
