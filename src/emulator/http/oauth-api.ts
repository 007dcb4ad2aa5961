import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { registerOAuth } from '../routes/oauth.js';
import { echoSquareVersion, logRequests, readSquareVersion } from './square-api.js';

/**
 * Square's OAuth API and authorize page, mounted at `/oauth2` beside `/v2` as on Square. Its calls are the
 * application's, not a seller's: no bearer-token merchant, throttling or injected faults; the request log
 * and Square-Version apply as to Square's other calls.
 */
export function oauthApi(ctx: EmulatorContext) {
  return async (app: FastifyInstance) => {
    // The authorize page's form posts as a browser does.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    app.addHook('onRequest', async (request, reply) => readSquareVersion(request, reply));
    app.addHook('onSend', async (request, reply, payload) => {
      echoSquareVersion(request, reply);
      return payload;
    });
    logRequests(app, ctx);
    registerOAuth(app, ctx);
  };
}
