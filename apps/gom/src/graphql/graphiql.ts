import { createReadStream } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'

const require = createRequire(import.meta.url)
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`))

/** GraphiQL's browser bundles, served from node_modules: the page works offline (no CDN). */
const assets: Record<string, { file: string; type: string }> = {
  'react.production.min.js': { file: join(packageDir('react'), 'umd', 'react.production.min.js'), type: 'application/javascript; charset=utf-8' },
  'react-dom.production.min.js': { file: join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), type: 'application/javascript; charset=utf-8' },
  'graphiql.min.js': { file: join(packageDir('graphiql'), 'graphiql.min.js'), type: 'application/javascript; charset=utf-8' },
  'graphiql.min.css': { file: join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
}

const page = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Gom GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/react.production.min.js"></script>
  <script src="/graphiql/assets/react-dom.production.min.js"></script>
  <script src="/graphiql/assets/graphiql.min.js"></script>
  <script src="/graphiql/init.js"></script>
</body>
</html>
`

const init = `(function () {
  var defaultQuery = [
    '# Gom. GraphQL needs a signed-in session: sign in first (the start banner has the logins),',
    '# e.g. GET /auth/ping, then POST /auth/login with the X-Csrf-Token header, in this browser.',
    '# POST requests also need the X-Csrf-Token header (the csrf-token cookie value): see Headers.',
    'query Orders($sub: String) {',
    '  ordersConnection(where: { assignedTo: { extUid: $sub } }, orderBy: createdAt_DESC, first: 15) {',
    '    aggregate { count }',
    '    edges { node { uid name stage issuedTo { name1 lastName1 } items { description quantity pricing { amount currency } } } }',
    '  }',
    '}',
    ''
  ].join('\\n');
  var csrf = (document.cookie.match(/(?:^|; )csrf-token=([^;]*)/) || [])[1];
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: defaultQuery,
    defaultVariables: '{\\n  "sub": "auth0|60a000000000000000000001"\\n}',
    defaultHeaders: '{\\n  "X-Csrf-Token": "' + (csrf ? decodeURIComponent(csrf) : '<the csrf-token cookie>') + '"\\n}',
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers'
  }));
})();
`

export function registerGraphiql(app: FastifyInstance): void {
  app.get('/graphiql', { schema: { hide: true }, config: { public: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page))
  app.get('/graphiql/init.js', { schema: { hide: true }, config: { public: true } }, async (_request, reply) => reply.type('application/javascript; charset=utf-8').send(init))
  app.get<{ Params: { name: string } }>('/graphiql/assets/:name', { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
    const asset = Object.hasOwn(assets, request.params.name) ? assets[request.params.name] : undefined
    if (!asset) return reply.callNotFound()
    return reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(createReadStream(asset.file))
  })
}
