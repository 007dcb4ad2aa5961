import type { Plugin } from 'graphql-yoga';

/**
 * `GET /` sends a browser on to GraphiQL at `/graphql`, and tells anything that does not
 * follow redirects (curl) where the endpoint is, rather than an empty 404.
 */
export function rootPage(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/' || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      endResponse(
        new fetchAPI.Response(`The GraphQL endpoint is ${graphqlEndpoint} (GraphiQL there in a browser).\n`, {
          status: 302,
          headers: { location: graphqlEndpoint, 'content-type': 'text/plain; charset=utf-8' },
        }),
      );
    },
  };
}
