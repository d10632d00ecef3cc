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

export interface GraphiqlOptions {
  /** The page title, e.g. `Devmarkt GraphiQL`. */
  title: string
  /** The query the editor opens with (comments included: tell the user how to authenticate). */
  defaultQuery: string
  /** The variables editor's initial value (shown as JSON). */
  defaultVariables?: Record<string, unknown>
  /** The headers editor's initial value, e.g. `{ Authorization: 'Self <paste a token>' }`. */
  defaultHeaders?: Record<string, string>
  /**
   * Headers filled in the browser from a cookie readable by the page, e.g. Gom's
   * `{ 'X-Csrf-Token': 'csrf-token' }`; the placeholder `<the csrf-token cookie>` when it is absent.
   */
  headersFromCookies?: Record<string, string>
  /** The GraphQL endpoint on this origin. Default `/graphql`. */
  endpoint?: string
  /** Where the page is served. Default `/graphiql` (its script and assets below it). */
  path?: string
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)
// A JSON value inside a script: `<` escaped so no `</script>` can close it; U+2028/9 are JSON-safe in modern engines.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')

function pageHtml(title: string, path: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <link rel="stylesheet" href="${path}/assets/graphiql.min.css">
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${path}/assets/react.production.min.js"></script>
  <script src="${path}/assets/react-dom.production.min.js"></script>
  <script src="${path}/assets/graphiql.min.js"></script>
  <script src="${path}/init.js"></script>
</body>
</html>
`
}

function initScript(options: GraphiqlOptions): string {
  const config = {
    endpoint: options.endpoint ?? '/graphql',
    defaultQuery: options.defaultQuery,
    defaultVariables: options.defaultVariables,
    defaultHeaders: options.defaultHeaders ?? {},
    headersFromCookies: options.headersFromCookies ?? {},
  }
  return `(function () {
  var config = ${scriptJson(config)};
  var headers = {};
  Object.keys(config.defaultHeaders).forEach(function (name) { headers[name] = config.defaultHeaders[name]; });
  Object.keys(config.headersFromCookies).forEach(function (name) {
    var cookie = config.headersFromCookies[name];
    var found = document.cookie.split('; ').filter(function (part) { return part.indexOf(cookie + '=') === 0; })[0];
    headers[name] = found ? decodeURIComponent(found.slice(cookie.length + 1)) : '<the ' + cookie + ' cookie>';
  });
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + config.endpoint });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var props = {
    fetcher: fetcher,
    defaultQuery: config.defaultQuery,
    defaultHeaders: JSON.stringify(headers, null, 2),
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers'
  };
  if (config.defaultVariables) props.defaultVariables = JSON.stringify(config.defaultVariables, null, 2);
  root.render(React.createElement(GraphiQL, props));
})();
`
}

/**
 * GraphiQL for a GraphQL app: `GET <path>` (the page), `<path>/init.js` (its configuration) and
 * `<path>/assets/:name` (React, ReactDOM and GraphiQL from node_modules, never a CDN). Public
 * routes, hidden from OpenAPI. The app decides whether to register it (e.g. not in production).
 */
export function registerGraphiql(app: FastifyInstance, options: GraphiqlOptions): void {
  const path = options.path ?? '/graphiql'
  const page = pageHtml(options.title, path)
  const init = initScript(options)
  const route = { schema: { hide: true }, config: { public: true } }
  app.get(path, route, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page))
  app.get(`${path}/init.js`, route, async (_request, reply) => reply.type('application/javascript; charset=utf-8').send(init))
  app.get<{ Params: { name: string } }>(`${path}/assets/:name`, route, async (request, reply) => {
    const asset = Object.hasOwn(assets, request.params.name) ? assets[request.params.name] : undefined
    if (!asset) return reply.callNotFound()
    return reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(createReadStream(asset.file))
  })
}
