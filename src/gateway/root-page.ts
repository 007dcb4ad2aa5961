import type { Plugin } from 'graphql-yoga';

/**
 * `GET /` sends a browser on to GraphiQL at `/graphql`, and tells anything that does not
 * follow redirects (curl) where the endpoint is, rather than an empty 404. With GraphiQL
 * off there is no page to send anyone to, so it only says where the endpoint is.
 */
export function rootPage(graphqlEndpoint: string, { graphiql }: { graphiql: boolean }): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/' || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const headers = { 'content-type': 'text/plain; charset=utf-8' };
      endResponse(
        graphiql
          ? new fetchAPI.Response(`The GraphQL endpoint is ${graphqlEndpoint} (GraphiQL there in a browser).\n`, {
              status: 302,
              headers: { ...headers, location: graphqlEndpoint },
            })
          : new fetchAPI.Response(`The GraphQL endpoint is ${graphqlEndpoint}: POST GraphQL requests there.\n`, { headers }),
      );
    },
  };
}
