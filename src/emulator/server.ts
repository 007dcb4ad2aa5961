import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { clock, timestamp } from './clock.js';
import { createStores, type EmulatorContext } from './context.js';
import { registerControlPlane } from './control.js';
import { openDb, wipe } from './db.js';
import { SquareApiError, errors } from './errors.js';
import { FaultTable } from './faults.js';
import { IdempotencyLedger } from './idempotency.js';
import { parseJson, stringifyJson } from './json.js';
import { Merchants } from './merchants.js';
import { RateLimiter, type RateLimit } from './rate-limit.js';
import { RequestLog } from './request-log.js';
import { squareApiRoutes } from './routes/index.js';
import { DEMO_TOKEN, seedDemoData } from './seed.js';
import { WebhookDispatcher, type WebhookConfig } from './webhooks.js';

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

/** The version this emulator implements, echoed when a caller sends none. */
export const SPEC_VERSION = '2025-08-20';

/** Where the SDK's `Square-Version` default and every Square API path live. */
const SQUARE_API_PREFIX = '/v2/';

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
    merchantFor: (token) => merchants.ensure(token),
  };
  const latencyMs = options.latencyMs ?? 0;

  // A client that gave up on a slow call can leave its connection mid-request; closing the emulator must not wait for it.
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024, forceCloseConnections: true });

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

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(SQUARE_API_PREFIX)) return;
    const path = request.url.split('?')[0]!;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (match) request.merchant = { id: ctx.merchantFor(match[1]!), token: match[1]! };
    // Square counts every call that reaches it, before any work; a throttled call costs nothing more.
    const throttled = match && ctx.rateLimits.take(request.merchant.id);
    if (throttled) return sendError(reply, errors.rateLimited(throttled.retryAfterSeconds));
    if (latencyMs > 0) await sleep(latencyMs);
    const fault = ctx.faults.take(request.method, path, request.merchant?.id, 'before');
    if (fault?.latency_ms) await sleep(fault.latency_ms);
    if (fault?.status !== undefined) {
      return sendError(reply, faultError(fault.status, fault.code, fault.category, fault.detail, fault.retry_after_seconds));
    }
    if (!match) return sendError(reply, errors.unauthorized());
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith(SQUARE_API_PREFIX)) return payload;
    reply.header('Square-Version', request.headers['square-version'] ?? SPEC_VERSION);
    if (reply.statusCode >= 400 || !request.merchant) return payload;
    const fault = ctx.faults.take(request.method, request.url.split('?')[0]!, request.merchant.id, 'after_commit');
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

  app.addHook('onResponse', async (request, reply) => {
    if (!request.url.startsWith(SQUARE_API_PREFIX)) return;
    const [path, query = ''] = request.url.split('?');
    ctx.requests.add({
      method: request.method,
      path: path!,
      query,
      status: reply.statusCode,
      merchant_id: request.merchant?.id ?? null,
      at: timestamp(),
    });
  });

  await app.register(squareApiRoutes(ctx));

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
  registerControlPlane(app, ctx, emulator);
  await seed();
  ctx.requests.clear();
  return emulator;
}

function faultError(status: number, code?: string, category?: string, detail?: string, retryAfter?: number) {
  const byStatus: Record<number, [string, string]> = {
    429: ['RATE_LIMIT_ERROR', 'RATE_LIMITED'],
    503: ['API_ERROR', 'SERVICE_UNAVAILABLE'],
    504: ['API_ERROR', 'GATEWAY_TIMEOUT'],
    401: ['AUTHENTICATION_ERROR', 'UNAUTHORIZED'],
    403: ['AUTHENTICATION_ERROR', 'FORBIDDEN'],
    404: ['INVALID_REQUEST_ERROR', 'NOT_FOUND'],
  };
  const [defaultCategory, defaultCode] =
    byStatus[status] ?? (status >= 500 ? ['API_ERROR', 'INTERNAL_SERVER_ERROR'] : ['INVALID_REQUEST_ERROR', 'BAD_REQUEST']);
  return new SquareApiError(
    status,
    [{ category: (category ?? defaultCategory) as never, code: (code ?? defaultCode) as never, detail: detail ?? 'Injected fault.' }],
    retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter },
  );
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

function sendError(reply: FastifyReply, error: SquareApiError) {
  if (error.options.retryAfterSeconds !== undefined) reply.header('Retry-After', String(error.options.retryAfterSeconds));
  return reply.code(error.status).type('application/json').send(error.toBody());
}

export type { FastifyRequest };
