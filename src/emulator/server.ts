import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createStores, type EmulatorContext } from './context.js';
import { Merchants } from './domain/merchants.js';
import { oauthAccess } from './domain/oauth.js';
import { registerControlPlane } from './http/control-plane.js';
import { oauthApi } from './http/oauth-api.js';
import { squareApi } from './http/square-api.js';
import { clock } from './plumbing/clock.js';
import { openDb, wipe } from './plumbing/db.js';
import { SquareApiError, errors, sendError } from './plumbing/errors.js';
import { FaultTable } from './plumbing/faults.js';
import { IdempotencyLedger } from './plumbing/idempotency.js';
import { parseJson, stringifyJson } from './plumbing/json.js';
import { RateLimiter, type RateLimit } from './plumbing/rate-limit.js';
import { RequestLog } from './plumbing/request-log.js';
import { WebhookDispatcher, type WebhookConfig } from './plumbing/webhooks.js';
import { OAUTH_API_PREFIX, SQUARE_API_PREFIX } from './routes/index.js';
import { DEMO_TOKEN, seedDemoData } from './seed.js';

export interface EmulatorOptions {
  /** SQLite file; in-memory when absent. */
  dbPath?: string | undefined;
  /** Added to every Square API call, to make a local Square as slow as a remote one. */
  latencyMs?: number | undefined;
  webhooks?: WebhookConfig | undefined;
  /** Throttle each merchant's Square API calls as Square does (429 RATE_LIMITED with Retry-After); off when absent. */
  rateLimit?: RateLimit | undefined;
  /** Load the demo merchant's data (and again on every reset). */
  seed?: boolean | undefined;
  logger?: boolean | undefined;
  /** How long a request's headers and body may take to arrive in all before Node answers 408: 10 s (Square's own webhook deadline). */
  requestTimeoutMs?: number | undefined;
}

export interface Emulator {
  app: FastifyInstance;
  ctx: EmulatorContext;
  /** Wipes every merchant's data, then re-seeds the demo merchant when seeding is on. */
  reset(): Promise<void>;
  /** Calls `listener` after every reset: what describes the emulator's data, like the demo gateway's events, goes with it. */
  onReset(listener: () => void): void;
  /** Starts listening and returns the base URL to give the SDK. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const db = openDb(options.dbPath);
  const stores = createStores(db);
  const merchants = new Merchants(db, stores);
  const ctx: EmulatorContext = {
    db,
    stores,
    idempotency: new IdempotencyLedger(db),
    webhooks: new WebhookDispatcher(options.webhooks),
    faults: new FaultTable(),
    rateLimits: new RateLimiter(options.rateLimit),
    requests: new RequestLog(),
    tx: (fn) => db.transaction(fn)(),
    // An OAuth access token stands for the seller who granted it; any other token is a merchant of its own.
    merchantFor: (token) => oauthAccess(ctx, token)?.merchantId ?? merchants.ensure(token),
  };

  // A client that gave up on a slow call can leave its connection mid-request; closing the emulator must not wait for it.
  // Stalled connections (a body or headers that stop coming) cannot pile up: Node answers them 408, looking every second.
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    requestTimeout,
    http: { headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(1_000, requestTimeout / 4) },
  });

  // Square answers malformed JSON with its own error body, and bodiless calls with an empty object.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, parseJson(text));
    } catch (error) {
      done(errors.badRequest(`The request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });

  app.setReplySerializer((payload) => stringifyJson(payload));
  app.setErrorHandler((error, _request, reply) => sendError(reply, toSquareError(error)));
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, errors.notFound(`No such endpoint: ${request.method} ${request.url.split('?')[0]}`)),
  );

  await app.register(squareApi(ctx, { latencyMs: options.latencyMs ?? 0 }), { prefix: SQUARE_API_PREFIX });
  await app.register(oauthApi(ctx), { prefix: OAUTH_API_PREFIX });

  // An emulator file that already holds the demo merchant keeps it as it is: seeding again would repeat its history.
  const seed = async () => {
    if (options.seed && !merchants.has(DEMO_TOKEN)) await ctx.rateLimits.unthrottled(() => seedDemoData(app, ctx));
  };

  const resetListeners: Array<() => void> = [];
  const emulator: Emulator = {
    app,
    ctx,
    async reset() {
      wipe(db);
      // Nothing dated is left: the clock may go back to real time.
      clock.reset();
      merchants.reset();
      ctx.requests.clear();
      ctx.faults.clear();
      ctx.webhooks.clearEvents();
      await seed();
      ctx.requests.clear();
      for (const listener of resetListeners) listener();
    },
    onReset(listener) {
      resetListeners.push(listener);
    },
    async listen(port = 0, host = '127.0.0.1') {
      const address = await app.listen({ port, host });
      return address.replace('[::1]', 'localhost');
    },
    async close() {
      ctx.webhooks.close();
      await app.close();
      db.close();
    },
  };
  registerControlPlane(app, ctx, () => emulator.reset());
  await seed();
  ctx.requests.clear();
  return emulator;
}

function toSquareError(error: unknown): SquareApiError {
  if (error instanceof SquareApiError) return error;
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return SquareApiError.of(413, 'INVALID_REQUEST_ERROR', 'REQUEST_ENTITY_TOO_LARGE', 'The request body is too large.');
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return SquareApiError.of(415, 'INVALID_REQUEST_ERROR', 'INVALID_CONTENT_TYPE', 'Send application/json.');
  if (fastifyError.statusCode && fastifyError.statusCode < 500)
    return errors.badRequest(fastifyError.message ?? 'Bad request.');
  return errors.internal();
}

export type { FastifyRequest };
