import { createHash } from 'node:crypto';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { escapeHtml } from './html.js';

/** Where the gateway serves GraphiQL's files, below a version that changes with their content. */
const GRAPHIQL_ASSETS_PATH = '/graphiql/';

export interface GraphiQLExample {
  query: string;
  /** The variables GraphiQL opens with beside the query. */
  variables?: Record<string, unknown> | undefined;
}

export interface GatewayGraphiQL {
  /** Serves the scripts, stylesheet, editor workers and favicon the page loads. */
  plugin: Plugin;
  /** yoga's `renderGraphiQL`: the page, opening on the example. */
  render: (options: GraphiQLOptions) => Promise<string>;
}

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
}

interface Assets {
  version: string;
  files: Map<string, Asset>;
}

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const utf8 = (text: string) => new TextEncoder().encode(text);

let loaded: Promise<Assets> | undefined;

/**
 * yoga's self-contained GraphiQL build (@graphql-yoga/render-graphiql), fonts and icons
 * inlined, split into files of our own origin so that the page works offline and the
 * browser caches them. Loaded on first use: 9 MB that most gateway processes never serve.
 */
function assets(): Promise<Assets> {
  loaded ??= import('@graphql-yoga/render-graphiql/graphiql').then((build) => {
    const files = new Map<string, Asset>([
      ['graphiql.js', { body: utf8(build.js), type: JAVASCRIPT }],
      ['graphiql.css', { body: utf8(build.css), type: 'text/css; charset=utf-8' }],
      ['editor.worker.js', { body: utf8(build.editorWorkerService), type: JAVASCRIPT }],
      ['json.worker.js', { body: utf8(build.jsonWorker), type: JAVASCRIPT }],
      ['graphql.worker.js', { body: utf8(build.graphqlWorker), type: JAVASCRIPT }],
      ['favicon.ico', dataUrlAsset(build.favicon)],
    ]);
    const hash = createHash('sha256');
    for (const file of files.values()) hash.update(file.body);
    return { version: hash.digest('hex').slice(0, 12), files };
  });
  return loaded;
}

function dataUrlAsset(url: string): Asset {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!match) throw new Error('the GraphiQL build no longer inlines its favicon as a base64 data URL');
  return { type: match[1]!, body: new Uint8Array(Buffer.from(match[2]!, 'base64')) };
}

/** Monaco asks for its workers by these labels. */
const WORKERS = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };

/**
 * GraphiQL entirely from the gateway: no CDN, so it works offline. It opens on `example`,
 * given as GraphiQL's initial `query`: `defaultQuery` is used only by a browser that has
 * no tabs stored from an earlier visit. Those tabs stay, beside the example's. `tabs`, whose
 * first should be the example, are what a browser without stored tabs opens (GraphiQL's `defaultTabs`).
 */
export function gatewayGraphiQL(example: GraphiQLExample, tabs?: readonly GraphiQLExample[]): GatewayGraphiQL {
  const plugin: Plugin = {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' || !url.pathname.startsWith(GRAPHIQL_ASSETS_PATH)) return;
      const { version, files } = await assets();
      const [requested, name = ''] = url.pathname.slice(GRAPHIQL_ASSETS_PATH.length).split('/', 2);
      const file = requested === version ? files.get(name) : undefined;
      endResponse(
        file
          ? new fetchAPI.Response(file.body, {
              headers: { 'content-type': file.type, 'cache-control': 'public, max-age=31536000, immutable' },
            })
          : new fetchAPI.Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }),
      );
    },
  };

  const render = async (options: GraphiQLOptions) => {
    const base = `${GRAPHIQL_ASSETS_PATH}${(await assets()).version}/`;
    const workerUrls = Object.fromEntries(Object.entries(WORKERS).map(([label, file]) => [label, base + file]));
    const page = {
      ...options,
      query: example.query,
      ...(example.variables ? { variables: variablesText(example.variables) } : {}),
      ...(tabs ? { defaultTabs: tabs.map((tab) => ({ query: tab.query, variables: tab.variables && variablesText(tab.variables) })) } : {}),
    };
    return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${base}favicon.ico" />
    <link rel="stylesheet" href="${base}graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${scriptJson(workerUrls)};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.editorWorkerService };
    </script>
    <script src="${base}graphiql.js"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), ${scriptJson(page)});
    </script>
  </body>
</html>
`;
  };

  return { plugin, render };
}

const variablesText = (variables: Record<string, unknown>) => JSON.stringify(variables, null, 2);

/** JSON inside a <script>: a `</script>` in a value must not end the script. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
