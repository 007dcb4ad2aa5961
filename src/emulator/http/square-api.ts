import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorContext } from '../context.js';
import { oauthAccess, requireScopes } from '../domain/oauth.js';
import { bearerToken } from '../plumbing/bearer-token.js';
import { timestamp } from '../plumbing/clock.js';
import { SquareApiError, errors, sendError } from '../plumbing/errors.js';
import { faultError } from '../plumbing/faults.js';
import { stringifyJson } from '../plumbing/json.js';
import { isBefore, squareVersion } from '../plumbing/square-version.js';
import { RETIRED_ROUTES, ROUTE_SCOPES, squareApiRoutes } from '../routes/index.js';

/**
 * Square's API, mounted under `/v2` as one encapsulated plugin: authentication, throttling,
 * latency, injected faults, Square-Version and the request log apply to its calls
 * alone, never to the emulator's own `/_emulator` control plane.
 */
export function squareApi(ctx: EmulatorContext, options: { latencyMs: number }) {
  return async (app: FastifyInstance) => {
    const pathOf = (url: string) => url.split('?')[0]!;

    app.addHook('onRequest', async (request, reply) => {
      const refused = readSquareVersion(request, reply);
      if (refused) return refused;
      // An endpoint a later version retired is not there at all: no permission is asked to say so.
      const retiredIn = RETIRED_ROUTES[`${request.method} ${request.routeOptions.url}`];
      if (retiredIn && !isBefore(request.squareVersion.release, retiredIn)) return sendError(reply, errors.noSuchEndpoint(request.method, request.url));
      const token = bearerToken(request.headers.authorization);
      if (token) {
        // An OAuth access token acts for its seller within its permissions; any other token is a merchant with them all.
        try {
          const access = oauthAccess(ctx, token);
          // A call no route takes (a 404) needs no permission to be told so.
          const route = request.routeOptions.url;
          if (access && route !== undefined) requireScopes(access, ROUTE_SCOPES[`${request.method} ${route}`]);
          request.merchant = { id: access?.merchantId ?? ctx.merchantFor(token), token };
        } catch (error) {
          if (error instanceof SquareApiError) return sendError(reply, error);
          throw error;
        }
      }
      // Square counts every call that reaches it, before any work; a throttled call costs nothing more.
      const throttled = token && ctx.rateLimits.take(request.merchant.id);
      if (throttled) return sendError(reply, errors.rateLimited(throttled.retryAfterSeconds));
      if (options.latencyMs > 0) await sleep(options.latencyMs);
      const fault = ctx.faults.take(request.method, pathOf(request.url), request.merchant?.id, 'before');
      if (fault?.latency_ms) await sleep(fault.latency_ms);
      if (fault?.status !== undefined) {
        return sendError(reply, faultError(fault.status, fault.code, fault.category, fault.detail, fault.retry_after_seconds));
      }
      if (!token) return sendError(reply, errors.unauthorized());
    });

    app.addHook('onSend', async (request, reply, payload) => {
      echoSquareVersion(request, reply);
      if (reply.statusCode >= 400 || !request.merchant) return payload;
      const fault = ctx.faults.take(request.method, pathOf(request.url), request.merchant.id, 'after_commit');
      if (fault?.after_commit === 'drop') {
        request.raw.socket.destroy();
        return payload;
      }
      if (fault?.after_commit === '500') {
        reply.code(500);
        return stringifyJson(errors.internal('Injected fault after the write was committed.').toBody());
      }
      return payload;
    });

    logRequests(app, ctx);

    app.setNotFoundHandler((request, reply) => sendError(reply, errors.noSuchEndpoint(request.method, request.url)));

    await app.register(squareApiRoutes(ctx));
  };
}

/**
 * Reads the call's Square-Version (plumbing/square-version.ts) before anything else: a version the emulator
 * does not answer in is refused, and the refusal is what the caller gets.
 */
export function readSquareVersion(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  try {
    request.squareVersion = squareVersion(request.headers['square-version']);
    return undefined;
  } catch (error) {
    if (error instanceof SquareApiError) return sendError(reply, error);
    throw error;
  }
}

/** Square's answers carry the version they were made in; a refused version has none to name. */
export function echoSquareVersion(request: FastifyRequest, reply: FastifyReply): void {
  if (request.squareVersion) reply.header('Square-Version', request.squareVersion.asked);
}

/** Adds every call answered in `app`'s scope to the request log that `GET /_emulator/requests` shows. */
export function logRequests(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onResponse', async (request, reply) => {
    const [path, query = ''] = request.url.split('?');
    ctx.requests.add({
      method: request.method,
      path: path!,
      query,
      status: reply.statusCode,
      merchant_id: request.merchant?.id ?? null,
      square_version: request.squareVersion?.asked ?? null,
      at: timestamp(),
    });
  });
}
