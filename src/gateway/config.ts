import { SQUARE_BASE_URLS } from '../square/client.js';
import { DEFAULT_WEBHOOK_PATH } from '../webhooks/index.js';
import { corsOrigins } from './cors.js';

export type AuthMode = 'server' | 'passthrough';

/** The event store's SQLite file when GATEWAY_DB is unset, outside the in-memory demo. */
export const DEFAULT_GATEWAY_DB = './data/gateway.db';

export interface GatewayConfig {
  port: number;
  host: string;
  /** `server`: the configured token serves every caller; `passthrough`: each caller brings its seller's token. */
  authMode: AuthMode;
  /** The server-side Square token; absent in passthrough mode without one, or in demo mode before the emulator starts. */
  squareToken: string | undefined;
  /** Square's base URL; undefined means: start the built-in emulator and use it. */
  squareBaseUrl: string | undefined;
  squareTimeoutSeconds: number;
  /** Retries of a Square call that is safe to repeat (after 408, 429 or 5xx), within the request's deadline. */
  squareMaxRetries: number;
  /** Each seller's Square budget: calls a second, and how many may be saved up for a burst. */
  squareRatePerSecond: number;
  squareBurst: number;
  /** How long one GraphQL request may wait for Square in all; calls not made by then are dropped. */
  requestDeadlineMs: number;
  /** How long a seller's location list is reused across requests. */
  locationsTtlMs: number;
  /** How long a cached Square read may be served without an invalidation; unset: 5 minutes with webhooks, else no cache. */
  cacheTtlMs: number | undefined;
  /** Cached Square reads kept in memory at most (without Redis). */
  cacheMaxEntries: number;
  /** Key of the Square webhook subscription; webhooks are received only with one (or in demo mode). */
  webhookSignatureKey: string | undefined;
  /** The subscription's notification URL, exactly as Square signs it. */
  webhookUrl: string | undefined;
  webhookPath: string;
  /** The embedded event store's SQLite file; unset, `npm start` picks one (in memory for the demo emulator). */
  gatewayDb: string | undefined;
  /** PostgreSQL for the event store instead of SQLite. */
  databaseUrl: string | undefined;
  /** Redis for live updates across gateway instances; in-process pub/sub without. */
  redisUrl: string | undefined;
  /** Put before every pub/sub topic, so that deployments sharing one Redis stay apart. */
  pubsubPrefix: string;
  /** Automatic persisted queries kept in memory (without Redis), least recently used dropped first. */
  persistedQueriesMax: number;
  /** How long Redis keeps an automatic persisted query after it was last registered. */
  persistedQueriesTtlSeconds: number;
  /** Origins allowed to call from a browser (CORS), or `*`; demo mode adds this machine's. */
  corsOrigins: readonly string[] | '*';
  /** How far back a reconnecting live-update subscriber may resume (Last-Event-ID): the age and number of the events it missed. */
  liveReplayWindowSeconds: number;
  liveReplayMaxEvents: number;
  /** Largest request body taken on /graphql and the webhook receiver; past it, 413. */
  maxBodyBytes: number;
  /** GraphiQL at GET /graphql, and schema introspection: on, except against Square's production environment. */
  graphiql: boolean;
  introspection: boolean;
  /** After SIGTERM: how long the gateway goes on serving, `/readyz` answering 503, before it stops accepting. */
  shutdownDelayMs: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a number > 0, got "${raw}"`);
  return value;
}

function webhookUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    throw new Error(`SQUARE_WEBHOOK_URL must be an http(s) URL, got "${raw}"`);
  }
  return raw;
}

function redisUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!URL.canParse(raw) || !/^rediss?:$/.test(new URL(raw).protocol)) {
    throw new Error('REDIS_URL must be a redis:// or rediss:// URL');
  }
  return raw;
}

function webhookPath(raw: string | undefined): string {
  const path = raw || DEFAULT_WEBHOOK_PATH;
  if (!/^\/[\w\-./]*$/.test(path) || path === '/graphql') {
    throw new Error(`WEBHOOK_PATH must be a path such as /webhooks/square (not /graphql), got "${raw}"`);
  }
  return path;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new Error(`${name} must be "true" or "false", got "${raw}"`);
  return raw === 'true';
}

/** The gateway's settings from its environment (every variable is in the README's table). */
export function gatewayConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const authMode = (env.GATEWAY_AUTH || 'server') as AuthMode;
  if (authMode !== 'server' && authMode !== 'passthrough') {
    throw new Error(`GATEWAY_AUTH must be "server" or "passthrough", got "${env.GATEWAY_AUTH}"`);
  }
  const squareToken = env.SQUARE_ACCESS_TOKEN || undefined;
  let squareBaseUrl = env.SQUARE_BASE_URL || undefined;
  if (!squareBaseUrl && squareToken) {
    const environment = env.SQUARE_ENVIRONMENT || 'sandbox';
    if (environment !== 'sandbox' && environment !== 'production') {
      throw new Error(`SQUARE_ENVIRONMENT must be "sandbox" or "production", got "${environment}"`);
    }
    squareBaseUrl = SQUARE_BASE_URLS[environment];
  }
  return {
    port: integer(env, 'PORT', 4000),
    host: env.HOST || '127.0.0.1',
    authMode,
    squareToken,
    squareBaseUrl,
    squareTimeoutSeconds: integer(env, 'SQUARE_TIMEOUT_SECONDS', 30, 1),
    squareMaxRetries: integer(env, 'SQUARE_MAX_RETRIES', 2),
    squareRatePerSecond: positiveNumber(env, 'SQUARE_RATE_PER_SECOND', 20),
    squareBurst: integer(env, 'SQUARE_BURST', 200, 1),
    requestDeadlineMs: integer(env, 'REQUEST_DEADLINE_MS', 15_000, 1),
    locationsTtlMs: integer(env, 'LOCATIONS_TTL_MS', 300_000),
    cacheTtlMs: env.CACHE_TTL_MS ? integer(env, 'CACHE_TTL_MS', 0) : undefined,
    cacheMaxEntries: integer(env, 'CACHE_MAX_ENTRIES', 50_000, 1),
    webhookSignatureKey: env.SQUARE_WEBHOOK_SIGNATURE_KEY || undefined,
    webhookUrl: webhookUrl(env.SQUARE_WEBHOOK_URL),
    webhookPath: webhookPath(env.WEBHOOK_PATH),
    gatewayDb: env.GATEWAY_DB || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: redisUrl(env.REDIS_URL),
    pubsubPrefix: env.PUBSUB_PREFIX ?? '',
    persistedQueriesMax: integer(env, 'PERSISTED_QUERIES_MAX', 1000, 1),
    persistedQueriesTtlSeconds: integer(env, 'PERSISTED_QUERIES_TTL_SECONDS', 86_400, 1),
    corsOrigins: corsOrigins(env.CORS_ORIGINS),
    liveReplayWindowSeconds: integer(env, 'LIVE_REPLAY_WINDOW_SECONDS', 86_400),
    liveReplayMaxEvents: integer(env, 'LIVE_REPLAY_MAX_EVENTS', 1000),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1024 * 1024, 1),
    graphiql: flag(env, 'GRAPHIQL', squareBaseUrl !== SQUARE_BASE_URLS.production),
    introspection: flag(env, 'INTROSPECTION', squareBaseUrl !== SQUARE_BASE_URLS.production),
    shutdownDelayMs: integer(env, 'SHUTDOWN_DELAY_MS', 0),
  };
}
