import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * GraphiQL served entirely from this process: the React, ReactDOM and GraphiQL UMD builds come from
 * node_modules, the boot script is ours, and a Content-Security-Policy of 'self' makes sure the
 * page never reaches for a CDN or an external font (GraphiQL's fonts are inlined as data: URLs).
 */

export const GRAPHIQL_ASSET_PREFIX = '/graphiql/assets/';

export const DEFAULT_QUERY = `# Welcome to bk-graph. Press Ctrl+Enter to run the query.
{
  me {
    username
    displayName
  }
  businesses(first: 5) {
    totalCount
    nodes {
      id
      name
    }
  }
}
`;

const BOOT_SCRIPT = `(function () {
  var root = document.getElementById('graphiql');
  // Subscriptions go over WebSocket (graphql-ws) on the same path; queries and mutations over HTTP.
  var ws = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + root.dataset.endpoint;
  var fetcher = GraphiQL.createFetcher({ url: root.dataset.endpoint, subscriptionUrl: ws });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: root.dataset.defaultQuery,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    }),
  );
})();
`;

interface Asset {
  body: Buffer;
  type: string;
}

const JS = 'application/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

function loadAssets(): Map<string, Asset> {
  // Resolved from each package's root: react's `exports` map does not expose its UMD files.
  const file = (pkg: string, path: string, type: string): Asset => ({
    body: readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), path)),
    type,
  });
  return new Map([
    ['react.production.min.js', file('react', 'umd/react.production.min.js', JS)],
    ['react-dom.production.min.js', file('react-dom', 'umd/react-dom.production.min.js', JS)],
    ['graphiql.min.js', file('graphiql', 'graphiql.min.js', JS)],
    ['graphiql.min.css', file('graphiql', 'graphiql.min.css', CSS)],
    ['boot.js', { body: Buffer.from(BOOT_SCRIPT), type: JS }],
  ]);
}

function graphiqlVersion(): string {
  const pkg = JSON.parse(readFileSync(require.resolve('graphiql/package.json'), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0';
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function graphiqlHtml(endpoint: string, version: string): string {
  // The version in each asset URL lets browsers cache them for a year and still see an upgrade.
  const asset = (name: string) => `${GRAPHIQL_ASSET_PREFIX}${name}?v=${encodeURIComponent(version)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bk-graph · GraphiQL</title>
<link rel="stylesheet" href="${asset('graphiql.min.css')}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql" data-endpoint="${escapeAttr(endpoint)}" data-default-query="${escapeAttr(DEFAULT_QUERY)}">Loading GraphiQL…</div>
<script src="${asset('react.production.min.js')}"></script>
<script src="${asset('react-dom.production.min.js')}"></script>
<script src="${asset('graphiql.min.js')}"></script>
<script src="${asset('boot.js')}"></script>
</body>
</html>
`;
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // GraphiQL and CodeMirror set inline styles; the one <style> block above is ours.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** True when a GET comes from a browser that wants a page rather than a GraphQL result. */
export function wantsGraphiql(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('text/html');
}

export function sendGraphiql(reply: FastifyReply, html: string): FastifyReply {
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

/**
 * Registers the asset routes and returns the page; the /graphql GET route (server.ts) decides
 * between the page and Apollo.
 */
export function registerGraphiqlAssets(app: FastifyInstance, endpoint = '/graphql'): { html: string } {
  const assets = loadAssets();
  app.get<{ Params: { name: string } }>(`${GRAPHIQL_ASSET_PREFIX}:name`, async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return reply.code(404).send({ error: 'not found' });
    return reply
      .header('content-type', asset.type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(asset.body);
  });
  return { html: graphiqlHtml(endpoint, graphiqlVersion()) };
}
