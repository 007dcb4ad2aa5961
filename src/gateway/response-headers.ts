import type { Plugin } from 'graphql-yoga';

/**
 * Headers on every answer: no browser guesses a JSON body to be HTML (nosniff), and what a
 * seller's token read is kept by no shared cache or browser history, unless a route chose its
 * own caching (GraphiQL's fingerprinted assets, the live stream).
 */
export function responseHeaders(): Plugin {
  return {
    onResponse({ response }) {
      response.headers.set('x-content-type-options', 'nosniff');
      if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
    },
  };
}
