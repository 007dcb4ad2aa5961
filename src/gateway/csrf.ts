import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** The header that marks a request as sent by a script rather than a form or a link: any value does. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/**
 * Cross-site request forgery prevention (yoga's plugin): a request a page on another site
 * could send without a CORS preflight — a form POST, a `text/plain` body, a plain GET —
 * is refused (403 CSRF_PREVENTED) unless it carries CSRF_HEADER, which only a script
 * allowed by CORS can add. JSON POSTs (every GraphQL client's, GraphiQL's) are preflighted
 * anyway and pass. A browser's EventSource (GET, `accept: text/event-stream`) cannot set
 * headers and passes too: over GET yoga runs no mutation, and the stream's content is
 * readable only where CORS allows.
 */
export function csrfPrevention(): Plugin {
  const check = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }).onRequestParse!;
  return {
    onRequestParse(payload) {
      const { request } = payload;
      if (request.method === 'GET' && request.headers.get('accept')?.includes('text/event-stream')) return;
      try {
        return check(payload);
      } catch {
        throw createGraphQLError(
          `A request a form or link on another site could send is refused: send JSON (content-type: application/json), or add the header ${CSRF_HEADER}.`,
          { extensions: { code: 'CSRF_PREVENTED', http: { status: 403 } } },
        );
      }
    },
  };
}
